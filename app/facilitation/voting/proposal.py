"""A proposal put to the vote: yes / no / abstain ("pour / contre / abstention").

The caller names the three options (for instance "Pour", "Contre", "Abstention"), always in the
order yes, no, abstain: indexes 0, 1, 2. A ballot is the string ``"yes"``, ``"no"`` or
``"abstain"`` (or the index 0, 1 or 2).

Rules:

* ``quorum`` (optional): the least number of ballots that must be cast, abstentions included,
  for the vote to decide anything. Blank and spoiled ballots are counted apart and never reach
  this count.
* ``threshold`` (default ``1/2``): the share of yes among the yes and no votes the proposal
  needs. A float is read as the simplest fraction near it (``0.6666…`` is two thirds), or give
  a :class:`~fractions.Fraction` or a string such as ``"2/3"``.
* ``threshold_inclusive`` (default ``False``): ``False`` asks for *more than* the threshold
  (the default is thus an absolute majority of the votes expressed, "plus de la moitié"),
  ``True`` for *at least* the threshold.

The proposal is adopted when the quorum is reached and the share meets the threshold; with no
yes or no vote at all it is not adopted. ``winners`` is ``[0]`` when adopted, ``[]`` when not.
``order`` puts yes first when adopted, no first otherwise, abstain last: the rule decides, no
tie-break is ever needed.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from app.facilitation.voting.base import InvalidBallot, InvalidRules, Result, TieBreaker, Weighted
from app.facilitation.voting.points import check_weight, is_whole, whole_rule
from app.i18n import _, ngettext

CHOICES = ("yes", "no", "abstain")


def _threshold(rules: dict, inclusive: bool) -> Fraction:
    value: Any = rules.get("threshold", Fraction(1, 2))
    try:
        if isinstance(value, bool):
            raise ValueError
        if isinstance(value, float):
            fraction = Fraction(value).limit_denominator(1000)
        elif isinstance(value, (int, Fraction, str)):
            fraction = Fraction(value)
        else:
            raise ValueError
    except (ValueError, ZeroDivisionError):
        fraction = None
    if fraction is None or not 0 <= fraction <= 1:
        raise InvalidRules(
            _("The threshold must be a share from 0 to 1, not “{value}”.").format(value=value)
        )
    if fraction == 1 and not inclusive:
        raise InvalidRules(
            _("No share can be more than 1: for unanimity, ask for at least 1 (inclusive).")
        )
    return fraction


def _choice(ballot: Any) -> int:
    if isinstance(ballot, str) and ballot in CHOICES:
        return CHOICES.index(ballot)
    if is_whole(ballot) and 0 <= ballot < 3:
        return ballot
    raise InvalidBallot(
        _("“{ballot}” is not a choice on a proposal: yes, no or abstain.").format(ballot=ballot)
    )


def count(
    options: Sequence[str], ballots: Weighted, *, rules: dict, tiebreak: TieBreaker
) -> Result:
    """Count a yes / no / abstain vote on one proposal (see the module docstring)."""
    if len(options) != 3:
        raise InvalidRules(
            _("A proposal vote has three options: yes, no and abstain, in that order.")
        )
    quorum = whole_rule(rules, "quorum", None, minimum=0)
    inclusive = rules.get("threshold_inclusive", False)
    if not isinstance(inclusive, bool):
        raise InvalidRules(_("The rule “threshold_inclusive” must be true or false."))
    threshold = _threshold(rules, inclusive)

    counts = [0, 0, 0]
    for ballot, weight in ballots:
        weight = check_weight(weight)
        counts[_choice(ballot)] += weight
    yes, no, abstain = counts
    cast = yes + no + abstain
    quorum_reached = quorum is None or cast >= quorum
    share = Fraction(yes, yes + no) if yes + no else None
    meets = share is not None and (share >= threshold if inclusive else share > threshold)
    adopted = quorum_reached and meets

    shown = f"{threshold.numerator}/{threshold.denominator}"
    if quorum is None:
        if inclusive:
            explanation = _(
                "The proposal is adopted when yes votes make up at least {threshold} of the yes "
                "and no votes; abstentions do not count in that share."
            ).format(threshold=shown)
        else:
            explanation = _(
                "The proposal is adopted when yes votes make up more than {threshold} of the yes "
                "and no votes; abstentions do not count in that share."
            ).format(threshold=shown)
    elif inclusive:
        explanation = ngettext(
            "The proposal is adopted when at least {quorum} ballot is cast, abstentions "
            "included, and yes votes make up at least {threshold} of the yes and no votes.",
            "The proposal is adopted when at least {quorum} ballots are cast, abstentions "
            "included, and yes votes make up at least {threshold} of the yes and no votes.",
            quorum,
        ).format(quorum=quorum, threshold=shown)
    else:
        explanation = ngettext(
            "The proposal is adopted when at least {quorum} ballot is cast, abstentions "
            "included, and yes votes make up more than {threshold} of the yes and no votes.",
            "The proposal is adopted when at least {quorum} ballots are cast, abstentions "
            "included, and yes votes make up more than {threshold} of the yes and no votes.",
            quorum,
        ).format(quorum=quorum, threshold=shown)

    return Result(
        method="proposal",
        options=list(options),
        order=[0, 1, 2] if adopted else [1, 0, 2],
        winners=[0] if adopted else [],
        scores={0: yes, 1: no, 2: abstain},
        details={
            "yes": yes,
            "no": no,
            "abstain": abstain,
            "cast": cast,
            "quorum": quorum,
            "quorum_reached": quorum_reached,
            "threshold": shown,
            "threshold_inclusive": inclusive,
            "share": float(share) if share is not None else None,
            "adopted": adopted,
        },
        valid=cast,
        explanation=explanation,
    )
