"""What the co-delivery tabs share: a page knows its area; a message line; small helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QWidget

from app.facilitation import volunteers as V
from app.models.text import fold
from app.views.committees.common import find_data, selected_row, table

if TYPE_CHECKING:
    from app.views.codelivery.area import CodeliveryArea

__all__ = ["Page", "find_data", "say", "selected_row", "table", "volunteer_labels"]

OK_STYLE = "color: #1e5631;"
WARNING_STYLE = "color: #8a4b00; background: #fff4e0; padding: 6px; border-radius: 4px;"
ERROR_STYLE = "color: #a1251b; font-weight: 600;"


class Page(QWidget):
    def __init__(self, area: CodeliveryArea) -> None:
        super().__init__(area)
        self.area = area

    @property
    def store(self):
        return self.area.store

    @property
    def process_id(self):
        return self.area.process_id

    def reload(self) -> None:  # pragma: no cover - overridden
        pass


def message_line(parent: QWidget, name: str) -> QLabel:
    label = QLabel(parent)
    label.setObjectName(name)
    label.setWordWrap(True)
    label.hide()
    return label


def say(label: QLabel, text: str, style: str = OK_STYLE) -> None:
    label.setStyleSheet(style)
    label.setText(text)
    label.setVisible(bool(text))


def volunteer_labels(session, process_id) -> list[tuple[object, str]]:
    """(id, name) of the process's active volunteers, by name; two people of the same name
    are told apart by their participant code."""
    rows = V.list_volunteers(session, process_id, active_only=True)
    names = [fold(v.name) for v in rows]
    return [
        (v.id, f"{v.name} ({v.code})" if v.code and names.count(fold(v.name)) > 1 else v.name)
        for v in rows
    ]
