"""Shared machinery: HiGHS models, the space of panels over groups, swap local search.

A panel is represented here as a vector ``y`` of counts per group (see
:attr:`Instance.groups`): ``0 ≤ y[g] ≤ len(groups[g])``, quotas met, ``sum(y) == size`` and at
most one member of each shared household when the household rule applies.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence

import highspy
import numpy as np

from app.facilitation.sortition.model import Instance, Progress, SortitionError
from app.i18n import _

INF = highspy.kHighsInf
_banner_lock = threading.Lock()
_banner_done = False


def new_highs() -> highspy.Highs:
    """A silent HiGHS instance (the library prints a banner on stdout the first time)."""
    global _banner_done
    with _banner_lock:
        if not _banner_done:
            sys.stdout.flush()
            saved = os.dup(1)
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, 1)
                h = highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
                os.close(devnull)
            _banner_done = True
        else:
            h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    return h


def load(
    h: highspy.Highs,
    cost: Sequence[float],
    lower: Sequence[float],
    upper: Sequence[float],
    rows: Sequence[tuple[Sequence[int], Sequence[float], float, float]],
    *,
    integer: Sequence[bool] | bool = False,
    maximize: bool = False,
) -> None:
    """Pass a model given row-wise: each row is (column indices, coefficients, low, high)."""
    lp = highspy.HighsLp()
    lp.num_col_ = len(cost)
    lp.num_row_ = len(rows)
    lp.col_cost_ = np.asarray(cost, dtype=float)
    lp.col_lower_ = np.asarray(lower, dtype=float)
    lp.col_upper_ = np.asarray(upper, dtype=float)
    lp.row_lower_ = np.array([r[2] for r in rows], dtype=float)
    lp.row_upper_ = np.array([r[3] for r in rows], dtype=float)
    starts = [0]
    index: list[int] = []
    value: list[float] = []
    for cols, coefs, _lo, _hi in rows:
        index.extend(int(c) for c in cols)
        value.extend(float(v) for v in coefs)
        starts.append(len(index))
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_ = len(cost)
    lp.a_matrix_.num_row_ = len(rows)
    lp.a_matrix_.start_ = np.array(starts, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(value, dtype=float)
    lp.sense_ = highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize
    if integer is True or (not isinstance(integer, bool) and any(integer)):
        flags = [True] * len(cost) if integer is True else list(integer)
        lp.integrality_ = [
            highspy.HighsVarType.kInteger if f else highspy.HighsVarType.kContinuous for f in flags
        ]
    h.passModel(lp)


def run(h: highspy.Highs) -> highspy.HighsModelStatus:
    """Solve and return the model status (never trust a solve without looking at it)."""
    h.run()
    return h.getModelStatus()


OPTIMAL = highspy.HighsModelStatus.kOptimal
INFEASIBLE = highspy.HighsModelStatus.kInfeasible


def solver_failure(status: highspy.HighsModelStatus) -> SortitionError:
    return SortitionError(
        _("The solver stopped without an answer ({status}).").format(status=str(status))
    )


def check_cancel(cancel) -> None:
    if cancel is not None:
        cancel.check()


def report(progress: Progress | None, fraction: float, message: str) -> None:
    if progress is not None:
        progress(min(1.0, max(0.0, fraction)), message)


#: at most this many swaps are tried from one evaluation of all swaps
_BATCH = 80


class Space:
    """Panels as count vectors over the instance's groups, with numpy data for fast search."""

    def __init__(self, instance: Instance) -> None:
        self.instance = instance
        self.groups = instance.groups
        self.n = len(self.groups)
        self.size = instance.size
        self.cap = np.array([len(g) for g in self.groups], dtype=np.int64)
        ncat = len(instance.categories)
        self.rows = np.zeros((self.n, ncat), dtype=np.int64)
        for g, members in enumerate(self.groups):
            self.rows[g] = instance.person_quotas[members[0]]
        self.row_lists = self.rows.tolist()
        #: for each quota row, the groups that count towards it
        self.members: list[list[int]] = [[] for _q in instance.quotas]
        for g, rows in enumerate(self.row_lists):
            for r in rows:
                self.members[r].append(g)
        self.qmin = np.array([q.min for q in instance.quotas], dtype=np.int64)
        self.qmax = np.array([q.max for q in instance.quotas], dtype=np.int64)
        group_of = {m[0]: g for g, m in enumerate(self.groups) if len(m) == 1}
        self.households: list[list[int]] = []
        self.home = np.full(self.n, -1, dtype=np.int64)
        for members in instance.shared_households:
            gs = [group_of[i] for i in members if i in group_of]
            if len(gs) > 1:
                for g in gs:
                    self.home[g] = len(self.households)
                self.households.append(gs)

    # -- integer programmes -------------------------------------------------------------------

    def constraint_rows(self, lows=None, highs=None) -> list:
        """Rows over the group columns: panel size, quotas, households."""
        rows: list = [(range(self.n), [1.0] * self.n, self.size, self.size)]
        for r in range(len(self.qmin)):
            cols = self.members[r]
            lo = self.qmin[r] if lows is None else lows[r]
            hi = self.qmax[r] if highs is None else highs[r]
            rows.append((cols, [1.0] * len(cols), float(lo), float(hi)))
        for gs in self.households:
            rows.append((gs, [1.0] * len(gs), 0.0, 1.0))
        return rows

    def best_panel(self, weights: np.ndarray | None = None) -> np.ndarray | None:
        """A panel maximising ``weights · y`` (any panel when no weights); None if none exists."""
        h = new_highs()
        h.setOptionValue("mip_rel_gap", 1e-9)
        h.setOptionValue("mip_abs_gap", 1e-10)
        cost = np.zeros(self.n) if weights is None else np.asarray(weights, dtype=float)
        load(h, cost, np.zeros(self.n), self.cap, self.constraint_rows(), integer=True,
             maximize=True)  # fmt: skip
        status = run(h)
        if status == INFEASIBLE:
            return None
        if status != OPTIMAL:
            raise solver_failure(status)
        y = np.rint(np.asarray(h.getSolution().col_value)).astype(np.int64)
        if not self.is_panel(y):
            raise solver_failure(status)
        return y

    # -- checks and conversions ---------------------------------------------------------------

    def quota_counts(self, y: np.ndarray) -> np.ndarray:
        counts = np.zeros(len(self.qmin), dtype=np.int64)
        for c in range(self.rows.shape[1]):
            np.add.at(counts, self.rows[:, c], y)
        return counts

    def is_panel(self, y: np.ndarray) -> bool:
        if y.sum() != self.size or (y < 0).any() or (y > self.cap).any():
            return False
        counts = self.quota_counts(y)
        if (counts < self.qmin).any() or (counts > self.qmax).any():
            return False
        return all(y[gs].sum() <= 1 for gs in self.households)

    @staticmethod
    def as_tuple(y: np.ndarray) -> tuple[int, ...]:
        """The panel as a sorted tuple of group indices, one per seat."""
        return tuple(int(g) for g in np.repeat(np.arange(len(y)), y))

    # -- local search -------------------------------------------------------------------------

    def improve(self, y: np.ndarray, weights: np.ndarray, max_swaps: int = 10_000) -> np.ndarray:
        """Best-improvement one-for-one swaps that keep the panel valid; returns a new vector."""
        y = y.copy()
        weights = np.asarray(weights, dtype=float)
        counts = self.quota_counts(y)
        occupied = np.zeros(len(self.households) + 1, dtype=np.int64)
        for k, gs in enumerate(self.households):
            occupied[k] = y[gs].sum()
        has_homes = bool(self.households)
        columns = self.rows.T  # categories × groups
        eps = 1e-9 * max(1e-12, float(np.abs(weights).max(initial=0.0)))
        for _step in range(max_swaps):
            present = np.flatnonzero(y)
            w_out = weights[present]
            # only groups that could improve on the cheapest seat are worth looking at
            cand = np.flatnonzero((weights > w_out.min() + eps) & (y < self.cap))
            if cand.size == 0:
                break
            can_add = counts + 1 <= self.qmax
            can_remove = counts - 1 >= self.qmin
            ok = np.ones((len(present), len(cand)), dtype=bool)
            for col in columns:
                ra = col[present]
                rb = col[cand]
                ok &= (ra[:, None] == rb[None, :]) | (can_remove[ra][:, None] & can_add[rb])
            if has_homes:
                hb = self.home[cand]
                busy = (hb >= 0) & (occupied[hb] > 0)
                # b's household is busy unless a is the one occupying it
                ok &= ~busy | ((hb[None, :] == self.home[present][:, None]) & (hb >= 0))
            gain = np.where(ok, weights[cand][None, :] - w_out[:, None], -np.inf)
            good = np.flatnonzero(gain > eps)
            if good.size == 0:
                break
            # the weights do not change during the search: apply the best swaps of this matrix
            # one after the other, re-checking each against the counts as they are now
            order = good[np.argsort(-gain.flat[good], kind="stable")][:_BATCH]
            for flat in order.tolist():
                a_pos, b_pos = divmod(flat, len(cand))
                a, b = int(present[a_pos]), int(cand[b_pos])
                if self._swap_ok(y, counts, occupied, a, b):
                    y[a] -= 1
                    y[b] += 1
                    counts[self.rows[a]] -= 1
                    counts[self.rows[b]] += 1
                    if self.home[a] >= 0:
                        occupied[self.home[a]] -= 1
                    if self.home[b] >= 0:
                        occupied[self.home[b]] += 1
        return y

    def _swap_ok(self, y, counts, occupied, a: int, b: int) -> bool:
        """Whether one seat can move from group ``a`` to group ``b`` now."""
        if y[a] <= 0 or y[b] >= self.cap[b]:
            return False
        for ra, rb in zip(self.row_lists[a], self.row_lists[b], strict=True):
            if ra != rb and (counts[ra] <= self.qmin[ra] or counts[rb] >= self.qmax[rb]):
                return False
        hb = self.home[b]
        return hb < 0 or occupied[hb] == 0 or hb == self.home[a]
