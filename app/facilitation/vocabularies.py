"""Attribute vocabularies: each demographic category and its allowed values.

A value typed in a form or found in an imported file is matched against the vocabulary with
case, accents and spaces folded ("femme ", "FEMME" → "Femme"); anything else is reported, never
created silently.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from app.errors import AtelierError
from app.i18n import _, ngettext
from app.models import AttributeCategory, AttributeValue, ParticipantAttribute
from app.models.text import fold, latin


@dataclass(frozen=True)
class VocabularyValue:
    id: uuid.UUID
    value: str
    position: int
    population_share: float | None


@dataclass
class Vocabulary:
    """One category and its allowed values, with a folded index for matching."""

    id: uuid.UUID
    key: str
    label: str
    values: list[VocabularyValue] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._index = {fold(v.value): v for v in self.values}

    def match(self, raw: str | None) -> VocabularyValue | None:
        """The allowed value ``raw`` stands for, or None when it is not in the vocabulary."""
        return self._index.get(fold(raw)) if raw is not None else None


def load_vocabularies(session: Session) -> dict[str, Vocabulary]:
    """Every category, keyed by its key, in display order."""
    categories = session.scalars(
        select(AttributeCategory)
        .options(selectinload(AttributeCategory.values))
        .order_by(AttributeCategory.position, AttributeCategory.label)
        .execution_options(populate_existing=True)
    )
    return {
        c.key: Vocabulary(
            id=c.id,
            key=c.key,
            label=c.label,
            values=[
                VocabularyValue(v.id, v.value, v.position, v.population_share) for v in c.values
            ],
        )
        for c in categories
    }


# --------------------------------------------------------------------------- management
# Settings > Attributes: categories and their allowed values. Values are always looked up
# with folding, so a user typing "femme" in a dialog means the value "Femme".


class VocabularyError(AtelierError):
    """A change to the attribute vocabularies was refused; the message says why."""


def slug(text: str) -> str:
    """``"Tranche d'âge"`` → ``"tranche_d_age"``: a lowercase ASCII key made from a label."""
    return re.sub(r"[^a-z0-9]+", "_", latin(fold(text))).strip("_")


def _category(session: Session, key: str) -> AttributeCategory:
    category = session.scalar(select(AttributeCategory).where(AttributeCategory.key == key))
    if category is None:
        category = session.scalar(
            select(AttributeCategory).where(AttributeCategory.key == slug(key))
        )
    if category is None:
        raise VocabularyError(_("There is no attribute “{key}”.").format(key=key))
    return category


def _value(category: AttributeCategory, value: str) -> AttributeValue:
    wanted = fold(value)
    for candidate in category.values:
        if fold(candidate.value) == wanted:
            return candidate
    raise VocabularyError(
        _("“{value}” is not a value of “{category}”.").format(value=value, category=category.label)
    )


def _clean_label(text: str | None) -> str:
    return " ".join((text or "").split())


def _check_share(share: float | None) -> float | None:
    if share is None:
        return None
    try:
        share = float(share)
    except (TypeError, ValueError):
        share = -1.0
    if not 0.0 <= share <= 1.0:
        raise VocabularyError(_("A population share is a number between 0 and 1."))
    return share


def _usage(session: Session, value_ids: list[uuid.UUID]) -> int:
    if not value_ids:
        return 0
    return (
        session.scalar(
            select(func.count())
            .select_from(ParticipantAttribute)
            .where(ParticipantAttribute.value_id.in_(value_ids))
        )
        or 0
    )


def add_category(session: Session, key: str | None, label: str) -> uuid.UUID:
    """Add a category (key made from the label when not given); commits."""
    label = _clean_label(label)
    if not label:
        raise VocabularyError(_("An attribute needs a name."))
    key = slug(key or label)
    if not key:
        raise VocabularyError(
            _("“{label}” cannot be turned into a key; give one made of letters.").format(
                label=label
            )
        )
    if session.scalar(select(AttributeCategory.id).where(AttributeCategory.key == key)):
        raise VocabularyError(
            _("An attribute with the key “{key}” already exists.").format(key=key)
        )
    position = session.scalar(select(func.max(AttributeCategory.position)))
    category = AttributeCategory(key=key, label=label, position=(position or 0) + 1)
    session.add(category)
    session.commit()
    return category.id


def rename_category(session: Session, key: str, label: str) -> None:
    """Change a category's label (its key, used by imports and scripts, stays); commits."""
    label = _clean_label(label)
    if not label:
        raise VocabularyError(_("An attribute needs a name."))
    _category(session, key).label = label
    session.commit()


def delete_category(session: Session, key: str, *, force: bool = False) -> int:
    """Delete a category and its values; refused while participants use it unless ``force``.

    Returns how many participants lost their value of this category. Commits."""
    category = _category(session, key)
    used = _usage(session, [v.id for v in category.values])
    if used and not force:
        raise VocabularyError(
            ngettext(
                "“{category}” is used by {n} participant; delete it anyway to remove it "
                "from them too.",
                "“{category}” is used by {n} participants; delete it anyway to remove it "
                "from them too.",
                used,
            ).format(category=category.label, n=used)
        )
    session.execute(
        delete(ParticipantAttribute).where(ParticipantAttribute.category_id == category.id)
    )
    session.delete(category)
    session.commit()
    return used


def add_value(
    session: Session, category_key: str, value: str, population_share: float | None = None
) -> uuid.UUID:
    """Add an allowed value; refused when it folds to an existing one ("femme " = "Femme")."""
    category = _category(session, category_key)
    value = _clean_label(value)
    if not value:
        raise VocabularyError(_("A value cannot be empty."))
    share = _check_share(population_share)
    for existing in category.values:
        if fold(existing.value) == fold(value):
            raise VocabularyError(
                _("“{value}” is already a value of “{category}” (as “{existing}”).").format(
                    value=value, category=category.label, existing=existing.value
                )
            )
    position = max((v.position for v in category.values), default=-1) + 1
    item = AttributeValue(value=value, position=position, population_share=share)
    category.values.append(item)
    session.commit()
    return item.id


def rename_value(session: Session, category_key: str, value: str, new_value: str) -> None:
    """Correct how a value is written (every participant having it follows); commits."""
    category = _category(session, category_key)
    item = _value(category, value)
    new_value = _clean_label(new_value)
    if not new_value:
        raise VocabularyError(_("A value cannot be empty."))
    for other in category.values:
        if other.id != item.id and fold(other.value) == fold(new_value):
            raise VocabularyError(
                _("“{value}” is already a value of “{category}”; merge the two instead.").format(
                    value=other.value, category=category.label
                )
            )
    item.value = new_value
    session.commit()


def merge_values(session: Session, category_key: str, from_value: str, into_value: str) -> int:
    """Move every participant from ``from_value`` to ``into_value`` and remove ``from_value``
    (the way to fix "F" next to "Femme"). Returns how many participants moved; commits."""
    category = _category(session, category_key)
    source = _value(category, from_value)
    target = _value(category, into_value)
    if source.id == target.id:
        raise VocabularyError(_("A value cannot be merged into itself."))
    moved = session.execute(
        update(ParticipantAttribute)
        .where(ParticipantAttribute.value_id == source.id)
        .values(value_id=target.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if target.population_share is None:
        target.population_share = source.population_share
    category.values.remove(source)
    session.commit()
    return moved or 0


def remove_value(session: Session, category_key: str, value: str) -> None:
    """Remove an allowed value nobody has (merge it into another first); commits."""
    category = _category(session, category_key)
    item = _value(category, value)
    used = _usage(session, [item.id])
    if used:
        raise VocabularyError(
            ngettext(
                "“{value}” is used by {n} participant; merge it into another value instead.",
                "“{value}” is used by {n} participants; merge it into another value instead.",
                used,
            ).format(value=item.value, n=used)
        )
    category.values.remove(item)
    session.commit()


def set_population_share(
    session: Session, category_key: str, value: str, share: float | None
) -> None:
    """Set (or clear, with None) a value's share of the reference population; commits."""
    item = _value(_category(session, category_key), value)
    item.population_share = _check_share(share)
    session.commit()


def reorder_values(session: Session, category_key: str, values: list[str]) -> None:
    """Put a category's values in the given order (every value exactly once); commits."""
    category = _category(session, category_key)
    items = [_value(category, v) for v in values]
    if len({i.id for i in items}) != len(items) or len(items) != len(category.values):
        raise VocabularyError(
            _("Give every value of “{category}” exactly once.").format(category=category.label)
        )
    for position, item in enumerate(items):
        item.position = position
    session.commit()


def value_counts(session: Session) -> dict[uuid.UUID, int]:
    """How many participants (erased ones included: their counts stay) have each value."""
    rows = session.execute(
        select(ParticipantAttribute.value_id, func.count()).group_by(ParticipantAttribute.value_id)
    )
    return {value_id: count for value_id, count in rows}
