"""Organisation (collectivité): a municipality or a partner; exchange days hold several."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Entity


class Organisation(Entity):
    __tablename__ = "organisation"

    name: Mapped[str] = mapped_column(String(200))
    #: municipality, intercommunality, association, partner…
    kind: Mapped[str] = mapped_column(String(40), default="municipality")
    #: ISO 3166-1 alpha-2 country code (FR, IT, ES, BG…)
    country: Mapped[str] = mapped_column(String(2), default="FR")
    population: Mapped[int | None]
