"""Facts about the workspace file itself (which app version made it, last wrote it)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class WorkspaceMeta(Base):
    __tablename__ = "workspace_meta"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
