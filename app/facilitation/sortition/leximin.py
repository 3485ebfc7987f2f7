"""LEXIMIN selection (Flanigan, Gölz, Gupta, Hennig, Procaccia, *Nature* 596, 2021) on HiGHS.

``leximin(instance)`` returns the :class:`~.model.Distribution` over quota-satisfying panels that
maximises the smallest selection probability, then the next smallest, and so on.

How (see ``shared/notes/LEXIMIN-on-HiGHS.md`` for the measurements behind it):

1. Interchangeable people are grouped (:attr:`Instance.groups`); the LEXIMIN probabilities
   are equal within a group, so the work is done on groups with counts. People in a shared
   household are groups of their own when the household rule applies.
2. **Target.** The LEXIMIN of the LP relaxation (fractional counts per group) is computed
   level by level, one small LP per level. No lottery over real panels can do better.
3. **Herding.** A swap local search repeatedly picks the valid panel that best covers what is
   still missing from the target, giving a few thousand candidate panels.
4. **Check.** A feasibility LP (HiGHS's first-order solver PDLP, iteration-capped) looks for
   panel probabilities reproducing the target; the residual is recomputed here. If it is
   reproduced, the target *is* the LEXIMIN.
5. **Fallback.** Otherwise (exact quotas can defeat the swap search), the paper's level-by-level
   column generation: a primal-simplex master over the panels found so far and a pricing step
   (swap local search first, then an integer programme), several columns per round.

``details`` of the distribution records which path was taken and the levels (nothing that
varies between runs, so the same instance gives the same digest).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import highspy
import numpy as np

from app.facilitation.sortition._core import (
    INF,
    INFEASIBLE,
    OPTIMAL,
    Space,
    check_cancel,
    load,
    new_highs,
    report,
    run,
    solver_failure,
)
from app.facilitation.sortition.model import (
    Distribution,
    Instance,
    Progress,
    SortitionError,
    make_distribution,
)
from app.i18n import _

#: a level's probabilities are fixed this much below the level, so later LPs stay feasible
HAIR = 1e-9
#: a dual above this (after scaling) fixes its group at the current level
DUAL_TOL = 1e-9
#: largest residual (in probability) accepted when reproducing the target
RESIDUAL_TOL = 1e-7
PDLP_ITERATIONS = 20_000


def leximin(instance: Instance, *, progress: Progress | None = None, cancel=None) -> Distribution:
    """The LEXIMIN distribution of ``instance``; raises SortitionError if no panel exists."""
    space = Space(instance)
    check_cancel(cancel)
    report(progress, 0.0, _("Looking for a first panel"))
    first = space.best_panel() if space.n else None
    if first is None:
        raise SortitionError(
            _("No panel meets every quota; run the feasibility check for an explanation.")
        )
    check_cancel(cancel)
    report(progress, 0.05, _("Computing the fairest fractional target"))
    target = relaxation_target(space, cancel=cancel)
    target_counts = target * space.cap
    check_cancel(cancel)
    report(progress, 0.1, _("Searching panels"))
    panels = herd(space, first, target_counts, progress=progress, cancel=cancel)
    details: dict[str, object] = {
        "groups": space.n,
        "target_min": float(target.min()),
        "herding_panels": len(panels),
    }
    check_cancel(cancel)
    report(progress, 0.6, _("Checking that the panels reach the target"))
    weights = combine(space, panels, target_counts)
    if weights is None:
        report(progress, 0.65, _("Completing the panels to reach the target"))
        repaired = repair(space, panels, target_counts, cancel=cancel)
        if repaired is not None:
            panels, weights = repaired
            details["method"] = "relaxation target reproduced after completion"
    else:
        details["method"] = "relaxation target reproduced"
    if weights is not None:
        chosen = [(space.as_tuple(p), w) for p, w in zip(panels, weights, strict=True)]
    else:
        details["method"] = "column generation"
        chosen, levels = column_generation(space, panels, progress=progress, cancel=cancel)
        details["levels"] = levels
    report(progress, 1.0, _("Done"))
    return make_distribution(space.groups, chosen, len(instance.people), "leximin", details)


def tighten(h: highspy.Highs) -> None:
    """Feasibility tolerances well below :data:`HAIR`, so fixed levels stay reachable."""
    h.setOptionValue("primal_feasibility_tolerance", 1e-10)
    h.setOptionValue("dual_feasibility_tolerance", 1e-10)


def solve_with_loosening(h: highspy.Highs, fixed: np.ndarray, row_of) -> None:
    """Solve; if rounding made the fixed levels unreachable, lower them a little and retry.

    ``row_of(g, level)`` gives (row index, lower bound) of group ``g`` fixed at ``level``.
    """
    slack = HAIR
    for _attempt in range(4):
        status = run(h)
        if status == OPTIMAL:
            return
        if status != INFEASIBLE:
            break
        slack *= 10
        for g in np.flatnonzero(~np.isnan(fixed)):
            row, low = row_of(int(g), max(0.0, float(fixed[g]) - slack))
            h.changeRowBounds(row, float(low), INF)
    raise solver_failure(status)


# -- 1. the LEXIMIN of the LP relaxation ------------------------------------------------------


def relaxation_target(space: Space, *, cancel=None) -> np.ndarray:
    """Per-group probabilities: the LEXIMIN over fractional panels."""
    n = space.n
    h = new_highs()
    rows = space.constraint_rows()
    first_group_row = len(rows)
    z = n
    for g in range(n):
        rows.append(([g, z], [1.0, -float(space.cap[g])], 0.0, INF))
    cost = np.zeros(n + 1)
    cost[z] = -1.0
    load(h, cost, np.zeros(n + 1), [*space.cap.astype(float), INF], rows)
    tighten(h)
    fixed = np.full(n, np.nan)
    while np.isnan(fixed).any():
        check_cancel(cancel)
        solve_with_loosening(h, fixed, lambda g, low: (first_group_row + g, low * space.cap[g]))
        solution = h.getSolution()
        level = float(solution.col_value[z])
        duals = np.abs(np.asarray(solution.row_dual[first_group_row:]))
        free = np.isnan(fixed)
        if level >= 1 - 1e-9:
            newly = free
        else:
            newly = free & (duals * space.cap > DUAL_TOL)
            if not newly.any():
                newly = free
        for g in np.flatnonzero(newly):
            fixed[g] = level
            h.changeCoeff(first_group_row + int(g), z, 0.0)
            low = max(0.0, (level - HAIR)) * float(space.cap[g])
            h.changeRowBounds(first_group_row + int(g), low, INF)
    # the point itself (consistent with the constraints), not the rounded levels
    h.changeColCost(z, 0.0)
    h.changeColBounds(z, 0.0, 0.0)
    solve_with_loosening(h, fixed, lambda g, low: (first_group_row + g, low * space.cap[g]))
    counts = np.clip(np.asarray(h.getSolution().col_value[:n], dtype=float), 0.0, space.cap)
    return counts / space.cap


# -- 2. herding -------------------------------------------------------------------------------


def herd(
    space: Space,
    first: np.ndarray,
    target_counts: np.ndarray,
    *,
    steps: int | None = None,
    progress: Progress | None = None,
    cancel=None,
) -> list[np.ndarray]:
    """Distinct valid panels whose running average chases ``target_counts``."""
    steps = steps if steps is not None else max(20, math.ceil(2.5 * space.n))
    seen: dict[bytes, np.ndarray] = {first.tobytes(): first}
    total = first.astype(float)
    y = first
    for m in range(1, steps):
        if m % 50 == 0:
            check_cancel(cancel)
            report(progress, 0.1 + 0.5 * m / steps, _("Searching panels"))
        y = space.improve(y, (m + 1) * target_counts - total)
        total += y
        seen.setdefault(y.tobytes(), y)
    return list(seen.values())


# -- 3. can these panels reproduce the target? ------------------------------------------------


def combine(
    space: Space, panels: Sequence[np.ndarray], target_counts: np.ndarray
) -> list[float] | None:
    """Panel probabilities whose expected counts are ``target_counts``, or None."""
    if len(panels) == 1:
        ok = np.abs(panels[0] - target_counts) / space.cap <= RESIDUAL_TOL
        return [1.0] if ok.all() else None
    matrix = np.array(panels, dtype=float)  # panels × groups
    rows = []
    for g in range(space.n):
        cols = np.flatnonzero(matrix[:, g])
        slack = 1e-9 * space.cap[g]
        rows.append((cols, matrix[cols, g], target_counts[g] - slack, target_counts[g] + slack))
    rows.append((range(len(panels)), [1.0] * len(panels), 1.0, 1.0))
    h = new_highs()
    h.setOptionValue("solver", "pdlp")
    h.setOptionValue("pdlp_iteration_limit", PDLP_ITERATIONS)
    load(h, np.zeros(len(panels)), np.zeros(len(panels)), np.full(len(panels), INF), rows)
    run(h)  # PDLP's status flag is not reliable: judge by the residual
    weights = np.clip(np.asarray(h.getSolution().col_value, dtype=float), 0.0, None)
    if weights.size != len(panels) or weights.sum() <= 0:
        return None
    weights[weights < 1e-12] = 0.0
    weights /= weights.sum()
    residual = np.abs(weights @ matrix - target_counts) / space.cap
    if float(residual.max()) > RESIDUAL_TOL:
        return None
    return [float(w) for w in weights]


def repair(
    space: Space,
    panels: Sequence[np.ndarray],
    target_counts: np.ndarray,
    *,
    max_rounds: int = 60,
    cancel=None,
) -> tuple[list[np.ndarray], list[float]] | None:
    """Add panels until the target is reproduced: column generation on the LP that minimises
    the total deviation (in probability) from the target. None if the deviation stays."""
    n, inv_cap = space.n, 1.0 / space.cap
    panels = list(panels)
    known = {p.tobytes() for p in panels}
    h = new_highs()
    tighten(h)
    h.setOptionValue("simplex_strategy", 4)  # primal simplex: new columns keep the basis feasible
    # columns: plus[g], minus[g] deviations, then one per panel
    rows = [([g, n + g], [1.0, -1.0], target_counts[g], target_counts[g]) for g in range(n)]
    rows.append(([], [], 1.0, 1.0))
    load(h, np.concatenate([inv_cap, inv_cap]), np.zeros(2 * n), np.full(2 * n, INF), rows)

    def add(y: np.ndarray) -> None:
        idx = np.flatnonzero(y)
        h.addCol(0.0, 0.0, INF, len(idx) + 1, np.append(idx, n).astype(np.int32),
                 np.append(y[idx].astype(float), 1.0))  # fmt: skip

    for y in panels:
        add(y)
    for _round in range(max_rounds):
        check_cancel(cancel)
        status = run(h)
        if status != OPTIMAL:
            return None
        solution = h.getSolution()
        values = np.asarray(solution.col_value, dtype=float)
        deviation = (values[:n] + values[n : 2 * n]) * inv_cap
        if deviation.max() <= RESIDUAL_TOL * 1e-2:
            weights = np.clip(values[2 * n :], 0.0, None)
            weights /= weights.sum()
            residual = np.abs(weights @ np.array(panels, dtype=float) - target_counts) * inv_cap
            if residual.max() > RESIDUAL_TOL:
                return None
            return panels, [float(w) for w in weights]
        duals = np.asarray(solution.row_dual, dtype=float)
        pi, sigma = duals[:n], duals[n]
        scale = float(np.abs(pi).max(initial=0.0)) or 1.0
        w = pi / scale
        threshold = -sigma / scale + 1e-9
        new = []
        scores = np.array([w @ p for p in panels])
        for k in np.argsort(-scores)[:5]:
            y = space.improve(panels[int(k)], w)
            if w @ y > threshold and y.tobytes() not in known:
                new.append(y)
                known.add(y.tobytes())
        if not new:
            y = space.best_panel(w)
            if y is None or not w @ y > threshold or y.tobytes() in known:
                return None
            new.append(y)
            known.add(y.tobytes())
        for y in new:
            panels.append(y)
            add(y)
    return None


# -- 4. column generation ---------------------------------------------------------------------


def column_generation(
    space: Space,
    initial: Sequence[np.ndarray],
    *,
    progress: Progress | None = None,
    cancel=None,
) -> tuple[list[tuple[tuple[int, ...], float]], list[float]]:
    """The paper's level-by-level LEXIMIN over panels; returns (panels, weights) and levels."""
    n = space.n
    inv_cap = 1.0 / space.cap
    h = new_highs()
    h.setOptionValue("simplex_strategy", 4)  # primal simplex: fast on the warm-started master
    columns: list[np.ndarray] = []
    known: set[bytes] = set()
    z = 0
    rows = [([z], [-1.0], 0.0, INF) for _g in range(n)]
    rows.append(([], [], 1.0, 1.0))
    load(h, [-1.0], [-INF], [INF], rows)

    def add(y: np.ndarray) -> bool:
        key = y.tobytes()
        if key in known:
            return False
        known.add(key)
        columns.append(y)
        idx = np.flatnonzero(y)
        values = y[idx] * inv_cap[idx]
        h.addCol(0.0, 0.0, INF, len(idx) + 1, np.append(idx, n).astype(np.int32),
                 np.append(values, 1.0))  # fmt: skip
        return True

    for y in initial:
        add(y)
    tighten(h)
    fixed = np.full(n, np.nan)
    levels: list[float] = []
    while np.isnan(fixed).any():
        while True:
            check_cancel(cancel)
            solve_with_loosening(h, fixed, lambda g, low: (g, low))
            solution = h.getSolution()
            duals = np.asarray(solution.row_dual, dtype=float)
            group_duals = np.clip(duals[:n], 0.0, None)
            mu = duals[n]
            weights = group_duals * inv_cap  # value of one seat of each group
            scale = float(weights.max(initial=0.0))
            if scale <= 0:
                break
            w = weights / scale
            threshold = -mu / scale + 1e-9
            found = 0
            values = np.array([w @ c for c in columns])
            for k in np.argsort(-values)[:5]:
                y = space.improve(columns[int(k)], w)
                if w @ y > threshold and add(y):
                    found += 1
            if found:
                continue
            check_cancel(cancel)
            y = space.best_panel(w)
            if y is None or not w @ y > threshold or not add(y):
                break
        level = float(solution.col_value[z])
        levels.append(level)
        free = np.isnan(fixed)
        if level >= 1 - 1e-9:
            newly = free
        else:
            newly = free & (group_duals > DUAL_TOL)
            if not newly.any():
                newly = free
        for g in np.flatnonzero(newly):
            fixed[g] = level
            h.changeCoeff(int(g), z, 0.0)
            h.changeRowBounds(int(g), max(0.0, level - HAIR), INF)
        done = int((~np.isnan(fixed)).sum())
        report(progress, 0.6 + 0.4 * done / n, _("Fixing the probability levels"))
    h.changeColCost(z, 0.0)
    h.changeColBounds(z, 0.0, 0.0)
    solve_with_loosening(h, fixed, lambda g, low: (g, low))
    lam = np.clip(np.asarray(h.getSolution().col_value[1:], dtype=float), 0.0, None)
    chosen = [(space.as_tuple(c), float(v)) for c, v in zip(columns, lam, strict=True)]
    return chosen, levels


__all__ = ["column_generation", "combine", "herd", "highspy", "leximin", "relaxation_target"]
