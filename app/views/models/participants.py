"""The participant list as a Qt table model, fetched from the store one page at a time."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, Qt

from app.facilitation import labels
from app.facilitation.participants import (
    SORT_COLUMNS,
    ParticipantRow,
    count_participants,
    participant_page,
)
from app.i18n import N_
from app.store import Store
from app.views.models.base import Index, RowTableModel

PAGE_SIZE = 200


class ParticipantTableModel(RowTableModel):
    """Rows come in pages of ``PAGE_SIZE`` as the view scrolls (canFetchMore/fetchMore);
    sorting and filtering happen in SQL, so 100,000 people never sit in memory at once."""

    COLUMNS = (N_("Last name"), N_("First name"), N_("Stakeholder type"), N_("Email"), N_("Phone"))

    def __init__(self, store: Store, parent=None) -> None:
        super().__init__(parent)
        self._store = store
        self._total = 0
        self._search = ""
        self._sort_column = 0
        self._descending = False
        self.reload()

    # -- loading
    def reload(self) -> None:
        self.beginResetModel()
        with self._store.session() as session:
            self._total = count_participants(session, self._search)
            self._rows = self._page(session, 0)
        self.endResetModel()

    def _page(self, session, offset: int) -> list[ParticipantRow]:
        return participant_page(
            session,
            offset,
            PAGE_SIZE,
            search=self._search,
            sort=SORT_COLUMNS[self._sort_column],
            descending=self._descending,
        )

    def set_search(self, text: str) -> None:
        if text != self._search:
            self._search = text
            self.reload()

    @property
    def total(self) -> int:
        """How many participants match the filter (not only those fetched)."""
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid():
            return
        with self._store.session() as session:
            more = self._page(session, len(self._rows))
        if not more:
            self._total = len(self._rows)
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(more) - 1)
        self._rows.extend(more)
        self.endInsertRows()

    # -- Qt model API
    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        row = self._rows[index.row()]
        column = index.column()
        if column == 0:
            return row.last_name
        if column == 1:
            return row.first_name
        if column == 2:
            return labels.stakeholder_type(row.stakeholder_type)
        if column == 3:
            return row.email or ""
        return row.phone or ""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort_column = column
        self._descending = order == Qt.SortOrder.DescendingOrder
        self.reload()

    def row_at(self, row: int) -> ParticipantRow:
        return self._rows[row]

    def row_of(self, participant_id) -> int | None:
        """The row showing ``participant_id`` among those fetched so far, if any."""
        for row, item in enumerate(self._rows):
            if item.id == participant_id:
                return row
        return None
