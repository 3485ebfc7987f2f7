"""Attribute vocabularies: each demographic category and its allowed values.

A value typed in a form or found in an imported file is matched against the vocabulary with
case, accents and spaces folded ("femme ", "FEMME" → "Femme"); anything else is reported, never
created silently.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from app.models import AttributeCategory
from app.models.text import fold


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
