"""Sortition engine: model, feasibility and relaxation, legacy, draws, alternates, JSON."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.facilitation.sortition import feasibility
from app.facilitation.sortition.draw import (
    alternates,
    draw,
    replacement,
    rng_from_seed,
    summary,
)
from app.facilitation.sortition.legacy import legacy_distribution, legacy_panel
from app.facilitation.sortition.leximin import leximin
from app.facilitation.sortition.model import (
    Distribution,
    Instance,
    Person,
    Quota,
    SortitionError,
    quotas_from_shares,
)


def small_instance(household: bool = False) -> Instance:
    people = []
    genders = "FFFFFMMMMMMM"
    ages = ["young", "old", "old", "mid", "young", "old", "mid", "old", "young", "mid", "old",
            "old"]  # fmt: skip
    for i, (g, a) in enumerate(zip(genders, ages, strict=True)):
        people.append(Person(f"p{i:02d}", {"gender": g, "age": a}, household=f"h{i // 2}"))
    quotas = (
        Quota("gender", "F", 2, 3),
        Quota("gender", "M", 2, 3),
        Quota("age", "young", 1, 2),
        Quota("age", "mid", 1, 2),
        Quota("age", "old", 1, 2),
    )
    return Instance(tuple(people), quotas, 5, household_rule=household)


# -- model ------------------------------------------------------------------------------------


def test_instance_validation() -> None:
    person = Person("a", {"g": "F"})
    with pytest.raises(SortitionError):
        Instance((person, person), (Quota("g", "F", 0, 1),), 1)
    with pytest.raises(SortitionError):
        Instance((person,), (Quota("g", "F", 2, 1),), 1)
    with pytest.raises(SortitionError):
        Instance((person,), (Quota("g", "F", 0, 1), Quota("g", "F", 0, 1)), 1)
    with pytest.raises(SortitionError):
        Instance((person,), (Quota("g", "F", 0, 1),), 0)


def test_json_round_trip_and_digest() -> None:
    instance = small_instance(household=True)
    again = Instance.from_json(instance.to_json())
    assert again == instance
    assert again.digest() == instance.digest()
    assert len(instance.digest()) == 64
    dist = leximin(instance)
    back = Distribution.from_json(dist.to_json())
    assert back.digest() == dist.digest()
    assert back.marginals == dist.marginals
    with pytest.raises(SortitionError):
        Instance.from_json("{not json")
    with pytest.raises(SortitionError):
        Distribution.from_json('{"panels": 3}')


def test_quotas_from_shares() -> None:
    people = [Person(str(i), {"g": "F" if i % 3 else "M"}) for i in range(30)]
    quotas = quotas_from_shares(people, "g", {"F": 52.0, "M": 48.0}, 10, tolerance=1)
    by_value = {q.value: (q.min, q.max) for q in quotas}
    assert by_value == {"F": (5, 6), "M": (4, 5)}
    exact = quotas_from_shares(people, "g", {"F": 1, "M": 1}, 10, tolerance=0)
    assert {(q.min, q.max) for q in exact} == {(5, 5)}
    with pytest.raises(SortitionError):
        quotas_from_shares(people, "g", {"F": 0}, 10)


def test_panel_problems_names_the_broken_rules() -> None:
    instance = small_instance(household=True)
    problems = instance.panel_problems([0, 1, 2, 3, 4])
    assert any("gender" in p for p in problems)
    assert any("household" in p for p in problems)


# -- feasibility ------------------------------------------------------------------------------


def test_feasible_instance() -> None:
    result = feasibility.check(small_instance())
    assert result.feasible and result.problems == [] and result.relaxation is None


def test_too_few_volunteers_is_explained_and_relaxed() -> None:
    people = tuple(Person(f"p{i}", {"g": "F" if i < 2 else "M"}) for i in range(10))
    quotas = (Quota("g", "F", 4, 5), Quota("g", "M", 1, 3))
    result = feasibility.check(Instance(people, quotas, 6))
    assert not result.feasible
    assert "g: at least 4 “F” are required but only 2 volunteered." in result.problems
    changes = {(c.value, c.new_min, c.new_max) for c in result.relaxation}
    # 2 F at most, so 4 M: F min 4 → 2 (2 steps) and M max 3 → 4 (1 step)
    assert changes == {("F", 2, 5), ("M", 1, 4)}
    relaxed = feasibility.apply(Instance(people, quotas, 6), result.relaxation)
    assert feasibility.check(relaxed).feasible


def test_relaxation_is_minimal_on_an_interaction() -> None:
    # every woman is young: "at least 3 women" and "at most 1 young" conflict
    people = tuple(
        [Person(f"w{i}", {"g": "F", "a": "young"}) for i in range(4)]
        + [Person(f"m{i}", {"g": "M", "a": "old"}) for i in range(4)]
    )
    quotas = (Quota("g", "F", 3, 4), Quota("g", "M", 0, 4), Quota("a", "young", 0, 1),
              Quota("a", "old", 0, 4))  # fmt: skip
    instance = Instance(people, quotas, 4)
    result = feasibility.check(instance)
    assert not result.feasible
    assert any("g" in p and "a" in p for p in result.problems)
    assert sum(abs(c.new_min - c.old_min) + abs(c.new_max - c.old_max)
               for c in result.relaxation) == 2  # fmt: skip
    # brute force: no relaxation of total widening 1 works
    for r, (lo, hi) in itertools.product(range(4), ((1, 0), (0, 1))):
        q = list(quotas)
        q[r] = Quota(q[r].category, q[r].value, max(0, q[r].min - lo), q[r].max + hi)
        assert not feasibility.check(Instance(people, tuple(q), 4)).feasible
    assert feasibility.check(feasibility.apply(instance, result.relaxation)).feasible


def test_sum_of_minimums_and_maximums() -> None:
    people = tuple(Person(f"p{i}", {"g": "FM"[i % 2]}) for i in range(10))
    too_many = Instance(people, (Quota("g", "F", 3, 5), Quota("g", "M", 3, 5)), 4)
    problems = feasibility.check(too_many).problems
    assert any("minimums add up to 6" in p for p in problems)
    too_few = Instance(people, (Quota("g", "F", 0, 1), Quota("g", "M", 0, 1)), 4)
    problems = feasibility.check(too_few).problems
    assert any("only 2 seats" in p for p in problems)


def test_pool_too_small_gives_no_relaxation() -> None:
    people = tuple(Person(f"p{i}", {"g": "F"}) for i in range(3))
    result = feasibility.check(Instance(people, (Quota("g", "F", 0, 9),), 5))
    assert not result.feasible and result.relaxation is None
    assert "only 3 volunteers" in result.problems[0]


def test_households_limit_is_explained() -> None:
    people = tuple(Person(f"p{i}", {"g": "F"}, household=f"h{i % 2}") for i in range(6))
    result = feasibility.check(Instance(people, (Quota("g", "F", 0, 9),), 3, household_rule=True))
    assert not result.feasible
    assert "only 2 households" in result.problems[0]


def test_values_without_quota_are_noted() -> None:
    people = (Person("a", {"g": "F"}), Person("b", {"g": "X"}), Person("c", {"g": "M"}))
    instance = Instance(people, (Quota("g", "F", 0, 1), Quota("g", "M", 0, 1)), 2)
    result = feasibility.check(instance)
    assert result.feasible
    assert "“X”" in result.notes[0]
    assert leximin(instance).marginals[1] == 0


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10**6))
def test_check_never_crashes_and_relaxation_works(seed: int) -> None:
    rng = rng_from_seed(str(seed))
    people = tuple(
        Person(f"p{i}", {"a": rng.choice("xyz"), "b": rng.choice("uv")}, household=f"h{i // 2}")
        for i in range(rng.randint(3, 9))
    )
    quotas = tuple(
        Quota(c, v, lo, lo + rng.randint(0, 2))
        for c, values in (("a", "xyz"), ("b", "uv"))
        for v in values
        for lo in [rng.randint(0, 3)]
    )
    instance = Instance(people, quotas, rng.randint(1, 4), household_rule=rng.random() < 0.5)
    result = feasibility.check(instance)
    if result.feasible:
        return
    assert result.problems and all(isinstance(p, str) and p for p in result.problems)
    if result.relaxation is not None:
        assert feasibility.check(feasibility.apply(instance, result.relaxation)).feasible


# -- legacy -----------------------------------------------------------------------------------


def test_legacy_panels_meet_the_quotas() -> None:
    instance = small_instance(household=True)
    rng = rng_from_seed("legacy test")
    for _ in range(50):
        assert instance.panel_problems(legacy_panel(instance, rng)) == []
    dist = legacy_distribution(instance, runs=200, seed="x")
    assert sum(dist.marginals) == pytest.approx(instance.size)
    assert legacy_distribution(instance, runs=200, seed="x").digest() == dist.digest()


def test_legacy_gives_up_with_a_message() -> None:
    people = (Person("a", {"g": "F"}),)
    with pytest.raises(SortitionError):
        legacy_panel(Instance(people, (Quota("g", "F", 0, 1),), 2), rng_from_seed("1"), 3)


# -- draws ------------------------------------------------------------------------------------


def test_same_seed_same_panel_different_seed_usually_different() -> None:
    instance = small_instance(household=True)
    dist = leximin(instance)
    first = draw(instance, dist, "3 5 1 6 2")
    assert draw(instance, Distribution.from_json(dist.to_json()), " 3 5 1 6 2 ") == first
    assert instance.panel_problems(first) == []
    panels = {draw(instance, dist, f"seed {k}") for k in range(30)}
    assert len(panels) > 1
    with pytest.raises(SortitionError):
        draw(instance, dist, "  ")


def test_draw_frequencies_follow_the_marginals() -> None:
    instance = small_instance()
    dist = leximin(instance)
    counts = [0] * len(instance.people)
    runs = 3000
    for k in range(runs):
        for i in draw(instance, dist, str(k)):
            counts[i] += 1
    for i, p in enumerate(dist.marginals):
        assert counts[i] / runs == pytest.approx(p, abs=0.05)


def test_alternates_and_replacement_keep_the_quotas() -> None:
    instance = small_instance(household=True)
    dist = leximin(instance)
    selected = draw(instance, dist, "42")
    reserve = alternates(instance, dist, selected, 4, "42")
    assert reserve == alternates(instance, dist.marginals, selected, 4, "42")
    assert not set(reserve) & set(selected)
    for declined in selected:
        new = replacement(instance, selected, declined, reserve, dist.marginals)
        if new is None:
            continue
        panel = [s for s in selected if s != declined] + [new]
        assert instance.panel_problems(panel) == []
    with pytest.raises(SortitionError):
        replacement(instance, selected, next(i for i in range(12) if i not in selected), [])


def test_replacement_prefers_the_reserve_order_and_says_none() -> None:
    people = tuple(Person(f"p{i}", {"g": "FM"[i % 2]}) for i in range(6))
    instance = Instance(people, (Quota("g", "F", 1, 1), Quota("g", "M", 1, 1)), 2)
    selected = (0, 1)  # p0 F, p1 M
    assert replacement(instance, selected, 0, [3, 4, 2]) == 4
    assert replacement(instance, selected, 0, [3]) == 2  # from the rest of the pool
    lonely = Instance(people[:2], instance.quotas, 2)
    assert replacement(lonely, selected, 0, []) is None


def test_summary() -> None:
    instance = small_instance()
    s = summary(instance, [0.1] * 6 + [0.9] * 6)
    assert (s.min, s.max, s.ratio) == (0.1, 0.9, 5 / 12)
    assert s.below_half_ratio_count == 6


def test_rng_from_seed_is_sha256_based() -> None:
    import hashlib
    import random

    expected = random.Random(int(hashlib.sha256(b"1234").hexdigest(), 16)).random()
    assert rng_from_seed(" 1234 ").random() == expected
    assert json.loads(small_instance().to_json())["size"] == 5


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 10**6))
def test_replacement_agrees_with_a_full_check(seed: int) -> None:
    rng = rng_from_seed(str(seed))
    people = tuple(
        Person(f"p{i}", {"a": rng.choice("xyz"), "b": rng.choice("uv")}, household=f"h{i // 3}")
        for i in range(12)
    )
    quotas = tuple(
        Quota(c, v, rng.randint(0, 1), rng.randint(1, 3))
        for c, values in (("a", "xyz"), ("b", "uv"))
        for v in values
    )
    instance = Instance(people, quotas, 4, household_rule=rng.random() < 0.5)
    if not feasibility.check(instance).feasible:
        return
    selected = legacy_panel(instance, rng)
    reserve = [i for i in range(12) if i not in selected]
    rng.shuffle(reserve)
    for declined in selected:
        rest = [s for s in selected if s != declined]
        fits = [i for i in reserve if not instance.panel_problems([*rest, i])]
        assert replacement(instance, selected, declined, reserve) == (fits[0] if fits else None)
        listed = alternates(instance, [0.5] * 12, selected, 12, str(seed))
        can = {i for i in reserve for d in selected
               if not instance.panel_problems([*(s for s in selected if s != d), i])}  # fmt: skip
        assert set(listed) == can


def test_cancel_legacy_and_feasibility() -> None:
    from app.errors import Cancelled
    from app.jobs import CancelToken

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        legacy_distribution(small_instance(), runs=10, cancel=token)
    with pytest.raises(Cancelled):
        feasibility.check(small_instance(), cancel=token)
