"""What the committee tabs share: a page knows its area, and a read-only table helper."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

if TYPE_CHECKING:
    from app.views.committees.area import CommitteesArea


class Page(QWidget):
    def __init__(self, area: CommitteesArea) -> None:
        super().__init__(area)
        self.area = area

    @property
    def store(self):
        return self.area.store

    def reload(self) -> None:  # pragma: no cover - overridden
        pass


def table(parent: QWidget, model, name: str, stretch: tuple[int, ...] = (0,)) -> QTableView:
    """A read-only, row-selecting table over ``model``."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    # fitting columns to their contents reads a sample of rows, not all 2,000 of a big plan
    header.setResizeContentsPrecision(40)
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    for column in range(model.columnCount()):
        mode = (
            QHeaderView.ResizeMode.Stretch
            if column in stretch
            else (QHeaderView.ResizeMode.ResizeToContents)
        )
        header.setSectionResizeMode(column, mode)
    return view


def selected_row(view: QTableView) -> int:
    rows = view.selectionModel().selectedRows()
    return rows[0].row() if rows else -1


def find_data(box, value) -> int:
    """The index of the item whose data equals ``value`` (QComboBox.findData compares
    Python objects such as UUIDs by identity), or -1."""
    for index in range(box.count()):
        if box.itemData(index) == value:
            return index
    return -1
