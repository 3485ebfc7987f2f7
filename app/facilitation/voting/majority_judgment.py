"""Majority judgment ("jugement majoritaire"), after M. Balinski & R. Laraki.

M. Balinski, R. Laraki, *Majority Judgment: Measuring, Ranking, and Electing*, MIT Press (2011);
"A theory of measuring, electing, and ranking", PNAS 104(21):8720–8725 (2007).

Each participant gives each option a grade from a common scale (``rules["grades"]``, best
first; default "Très bien" … "À rejeter"). A ballot is ``dict[option, grade index]`` with
0 = the best grade.

**An option a ballot does not grade receives the worst grade** ("À rejeter" by default), as
Balinski and Laraki recommend for a ballot left blank on a candidate: every option is then
judged by every participant. ``rules["unjudged"] = "ignore"`` instead leaves it out of that
option's profile (each option judged only by those who graded it), for published polls that
give each option's grade shares separately.

**Majority grade** ("mention majoritaire"): the *lower* middle grade of the option's grades
(with an even number of grades, the worse of the two middle ones): the best grade that a
majority gives the option, or better.

**Ranking (exact majority-value rule, not an approximation).** An option with a better majority
grade ranks higher. Between options with the same majority grade, one copy of that grade is
removed from each of their merit profiles and the new majority grades are compared, and so on
(Balinski & Laraki 2011, ch. 13, "majority ranking"; equivalently the lexicographic comparison
of their *majority values*, the sequences of majority grades obtained this way). A comparison
walks grade blocks rather than ballots (see :func:`compare`), so it costs ``O(grades)``
whatever the number of participants. Options whose majority values are identical (identical
merit profiles) are a tie for the :class:`TieBreaker`.

The *majority gauge* ``(p, α, q)`` of every option is reported as well (``p``: share of grades
strictly better than the majority grade ``α``, ``q``: strictly worse; the grade is written
``α+`` when ``p > q``, else ``α-``). The gauge rule (Balinski & Laraki 2011, §13.4) agrees with
the majority-value ranking whenever the gauges differ; where it cannot separate two options,
the majority value still may. For each pair of neighbours in the order that share a majority
grade, ``details["separations"]`` records how many middle grades were set aside before their
majority grades differed, and the two grades that then differed.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping, Sequence
from itertools import accumulate, pairwise

from app.facilitation.voting.base import (
    InvalidBallot,
    InvalidRules,
    Result,
    TieBreaker,
    Weighted,
    check_index,
    check_options,
)
from app.facilitation.voting.points import (
    check_seats,
    check_weight,
    is_whole,
    order_by_comparison,
)
from app.i18n import N_, _

#: The French grading scale used by default, best first. Data, not interface text: a
#: workshop can choose its own names, and these are the ones printed on the ballot.
DEFAULT_GRADES = ["Très bien", "Bien", "Assez bien", "Passable", "Insuffisant", "À rejeter"]
#: The same six steps as people name them in the partner languages: a vote created in the app in
#: one of them stores these names in its rules (still data: printed on its ballots as stored).
GRADES_BY_LANGUAGE = {
    "it": ["Ottimo", "Buono", "Discreto", "Sufficiente", "Insufficiente", "Da respingere"],
    "es": ["Muy bien", "Bien", "Bastante bien", "Aceptable", "Insuficiente", "A rechazar"],
    "bg": ["Отлично", "Много добре", "Добре", "Задоволително", "Незадоволително", "За отхвърляне"],
}


def default_grades(language: str) -> list[str]:
    """The grading scale a new vote gets in ``language`` (French and English: the French one)."""
    return list(GRADES_BY_LANGUAGE.get(language, DEFAULT_GRADES))


TIE_MJ = N_("options with identical merit profiles")


def majority_grade(profile: Sequence[int]) -> int | None:
    """Lower middle grade of a profile (counts per grade, best grade first); None if empty."""
    total = sum(profile)
    if total == 0:
        return None
    # The lower middle is the grade of the judge at position ceil(total/2) counted from the
    # worst grade, i.e. at position total // 2 + 1 counted from the best.
    need = total // 2 + 1
    seen = 0
    for grade, number in enumerate(profile):
        seen += number
        if seen >= need:
            return grade
    raise AssertionError("unreachable")


def _grade_at(cumulative: Sequence[int], position: int) -> int:
    """The grade of the judge at ``position`` (1-based, from the best grade)."""
    return bisect_left(cumulative, position)


def _subsequence_ends(cumulative: Sequence[int], start: int, step: int, j: int) -> tuple[int, int]:
    """Grade at ``start + step*j`` and the last ``j`` for which that grade stays the same."""
    position = start + step * j
    grade = _grade_at(cumulative, position)
    first = (cumulative[grade - 1] if grade else 0) + 1  # first position holding ``grade``
    last = cumulative[grade]
    return grade, (last - start if step > 0 else start - first)


def _halves(profile: Sequence[int]) -> tuple[list[int], int, tuple[int, int], tuple[int, int]]:
    """Cumulative counts, total, and the (start, step) of the even and odd majority values.

    The majority value reads the grades sorted best first at positions ``c, c-1, c+1, c-2,
    c+2, …`` when the total ``N`` is even (``c = N // 2 + 1``, the lower middle) and ``c, c+1,
    c-1, c+2, c-2, …`` when it is odd: the even steps walk one way from the middle, the odd
    steps the other way, each through the grades in order.
    """
    cumulative = list(accumulate(profile))
    total = cumulative[-1]
    middle = total // 2 + 1
    if total % 2 == 0:
        return cumulative, total, (middle, 1), (middle - 1, -1)
    return cumulative, total, (middle, -1), (middle + 1, 1)


def _first_difference(
    a: tuple[list[int], int, int], b: tuple[list[int], int, int], last: int
) -> tuple[int, int, int] | None:
    """First ``j <= last`` where two monotone grade walks differ: ``(j, grade_a, grade_b)``."""
    j = 0
    while j <= last:
        grade_a, end_a = _subsequence_ends(a[0], a[1], a[2], j)
        grade_b, end_b = _subsequence_ends(b[0], b[1], b[2], j)
        if grade_a != grade_b:
            return j, grade_a, grade_b
        j = min(end_a, end_b) + 1
    return None


def compare(a: Sequence[int], b: Sequence[int]) -> tuple[int, int, list[int | None]]:
    """Majority-value comparison of two merit profiles (counts per grade, best first).

    The majority value of a profile is the sequence of its majority grades as one copy of the
    majority grade is set aside at a time; profiles compare lexicographically (Balinski &
    Laraki 2011, ch. 13). The sequence alternates between two walks away from the middle, each
    a monotone step function of the grades, so the first difference is found block by block in
    ``O(grades)``, whatever the number of ballots.

    Returns ``(sign, set_aside, then)``: ``sign`` > 0 when ``a`` ranks above ``b``, < 0 below,
    0 when their majority values agree as far as the shorter goes; ``set_aside``: how many
    majority grades the two sequences shared first; ``then``: the two majority grades that
    then differed (``[None, None]`` for a tie).
    """
    cum_a, total_a, even_a, odd_a = _halves(a)
    cum_b, total_b, even_b, odd_b = _halves(b)
    length = min(total_a, total_b)
    found = []
    even = _first_difference((cum_a, *even_a), (cum_b, *even_b), (length - 1) // 2)  # steps k = 2j
    if even is not None:
        found.append((2 * even[0], even[1], even[2]))
    odd = _first_difference((cum_a, *odd_a), (cum_b, *odd_b), (length - 2) // 2)  # k = 2j + 1
    if odd is not None:
        found.append((2 * odd[0] + 1, odd[1], odd[2]))
    if not found:
        return 0, length, [None, None]
    k, grade_a, grade_b = min(found)
    return (1 if grade_a < grade_b else -1), k, [grade_a, grade_b]


def gauge(profile: Sequence[int]) -> dict:
    """The majority gauge ``(p, α, q)``: shares strictly above and below the majority grade."""
    total = sum(profile)
    alpha = majority_grade(profile)
    if alpha is None:
        return {"p": None, "grade": None, "q": None, "sign": None}
    p = sum(profile[:alpha]) / total
    q = sum(profile[alpha + 1 :]) / total
    return {"p": p, "grade": alpha, "q": q, "sign": "+" if p > q else "-"}


def count(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Majority judgment. Ballot: ``dict[option, grade index]`` (0 = best grade).

    Rules: ``grades`` (names, best first; default :data:`DEFAULT_GRADES`), ``unjudged``:
    ``"worst"`` (default) or ``"ignore"``, ``seats`` (default 1).
    """
    n = check_options(options)
    grades = rules.get("grades", DEFAULT_GRADES)
    if (
        not isinstance(grades, (list, tuple))
        or len(grades) < 2
        or not all(isinstance(g, str) and g.strip() for g in grades)
        or len(set(grades)) != len(grades)
    ):
        raise InvalidRules(_("Majority judgment needs at least two different grade names."))
    unjudged = rules.get("unjudged", "worst")
    if unjudged not in ("worst", "ignore"):
        raise InvalidRules(
            _("An ungraded option counts as “worst” or “ignore”, not “{value}”.").format(
                value=unjudged
            )
        )
    seats = check_seats(rules, n)
    levels = len(grades)
    worst = levels - 1

    profiles = [[0] * levels for _o in range(n)]
    valid = 0
    for ballot, weight in ballots:
        weight = check_weight(weight)
        if not isinstance(ballot, Mapping):
            raise InvalidBallot(_("A majority-judgment ballot must give a grade to each option."))
        for option, grade in ballot.items():
            option = check_index(option, n)
            if not is_whole(grade) or not 0 <= grade < levels:
                raise InvalidBallot(
                    _("“{grade}” for “{option}” is not one of the grades.").format(
                        grade=grade, option=options[option]
                    )
                )
        valid += weight
        for option, grade in ballot.items():
            profiles[option][grade] += weight
    if unjudged == "worst":
        for profile in profiles:
            profile[worst] += valid - sum(profile)

    grade_of = {o: majority_grade(profiles[o]) for o in range(n)}

    def better(a: int, b: int) -> int:
        if not sum(profiles[a]) or not sum(profiles[b]):  # nobody judged: last
            return (1 if sum(profiles[a]) else 0) - (1 if sum(profiles[b]) else 0)
        return compare(profiles[a], profiles[b])[0]

    order = order_by_comparison(range(n), better, tiebreak, TIE_MJ)

    separations = []
    for upper, lower in pairwise(order):
        if grade_of[upper] is None or grade_of[upper] != grade_of[lower]:
            continue
        sign, set_aside, then = compare(profiles[upper], profiles[lower])
        separations.append(
            {
                "options": [upper, lower],
                "set_aside": set_aside,
                "then": then,
                "decided": "majority value" if sign else "tie",
            }
        )

    return Result(
        method="majority_judgment",
        options=list(options),
        order=order,
        winners=order[:seats],
        # The headline figure is the majority grade's index (0 = best grade), None if unjudged.
        scores={o: grade_of[o] for o in range(n)},
        details={
            "grades": list(grades),
            "profiles": {o: list(profiles[o]) for o in range(n)},
            "majority_grade": {o: grade_of[o] for o in range(n)},
            "majority_grade_name": {
                o: (grades[grade_of[o]] if grade_of[o] is not None else None) for o in range(n)
            },
            "gauge": {o: gauge(profiles[o]) for o in range(n)},
            "separations": separations,
            "unjudged": unjudged,
            "seats": seats,
        },
        valid=valid,
        explanation=_(
            "Each participant grades the options; an option's majority grade is the grade that "
            "a majority gives it or better, the best majority grade wins, and equal majority "
            "grades are separated by setting aside one middle grade at a time."
        ),
    )
