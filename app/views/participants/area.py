"""Participants: the registry, filtered as you type and sorted in the store, with the detail
panel beside it. Every change goes through the undo stack."""

from __future__ import annotations

import uuid

from PySide6.QtCore import QItemSelectionModel, Qt, QTimer
from PySide6.QtGui import QFont, QFontMetrics, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.facilitation.duplicates import likely_duplicates, reason_label
from app.facilitation.participants import ParticipantData
from app.i18n import _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.models.participants import ParticipantTableModel
from app.views.participants.commands import (
    CreateParticipant,
    DeleteParticipant,
    EditParticipant,
    ParticipantCommand,
)
from app.views.participants.detail import ParticipantDetail


class ParticipantsArea(QWidget):
    def __init__(
        self, store: Store, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.model = ParticipantTableModel(store, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)

        top = QHBoxLayout()
        heading = QLabel(_("Participants"))
        heading.setObjectName("areaTitle")
        top.addWidget(heading)
        top.addStretch(1)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(
            _("Filter by name, email, phone, neighbourhood, stakeholder type…")
        )
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(340)
        top.addWidget(self.search)
        layout.addLayout(top)

        actions = QHBoxLayout()
        self.new_button = QPushButton(_("New participant"), self)
        self.new_button.clicked.connect(self.new_participant)
        self.delete_button = QPushButton(_("Delete"), self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.delete_button.setEnabled(False)
        actions.addWidget(self.new_button)
        actions.addWidget(self.delete_button)
        actions.addStretch(1)
        self.extra_actions = actions  # the main window adds Import/Export/… next to these
        layout.addLayout(actions)

        splitter = QSplitter(self)
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.table = QTableView(left)
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        bold = QFont(header.font())
        bold.setBold(True)  # the titles of a selected row's columns are bold
        for column, width in enumerate((140, 120, 150, 210)):
            title = str(self.model.headerData(column, Qt.Orientation.Horizontal) or "")
            needed = QFontMetrics(bold).horizontalAdvance(title) + 24  # margins, sort arrow
            self.table.setColumnWidth(column, max(width, needed))  # whole in every language
        left_layout.addWidget(self.table, 1)
        self.count = QLabel(left)
        self.count.setObjectName("areaSubtitle")
        left_layout.addWidget(self.count)
        self.detail = ParticipantDetail(store, splitter)
        splitter.addWidget(left)
        splitter.addWidget(self.detail)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.detail.save_requested.connect(self.save)
        # Filter as you type, without a query per keystroke.
        self._debounce = QTimer(self, singleShot=True, interval=150)
        self._debounce.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._debounce.start)
        self._update_count()

    # -- list
    def _apply_filter(self) -> None:
        self.model.set_search(self.search.text())
        self._update_count()

    def _update_count(self) -> None:
        n = self.model.total
        self.count.setText(ngettext("{n} participant", "{n} participants", n).format(n=n))

    def _row_changed(self, current, _previous) -> None:
        if not current.isValid():
            self.delete_button.setEnabled(False)
            return
        row = self.model.row_at(current.row())
        self.delete_button.setEnabled(True)
        self.detail.show_participant(row.id)

    def select(self, participant_id: uuid.UUID | None) -> None:
        """Show ``participant_id`` in the detail panel and select it if it is listed."""
        row = self.model.row_of(participant_id) if participant_id else None
        if row is None:
            self.table.clearSelection()
            if participant_id is not None:
                self.detail.show_participant(participant_id)
            else:
                self.detail.show_new()
            self.delete_button.setEnabled(participant_id is not None)
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)

    def refresh(self, participant_id: uuid.UUID | None = None) -> None:
        """Reload the list after a change (or an undo) and show ``participant_id``."""
        self.model.reload()
        self._update_count()
        self.select(participant_id)

    # -- changes (all undoable)
    def new_participant(self) -> None:
        self.table.clearSelection()
        self.detail.show_new()

    def save(self, participant_id: uuid.UUID | None, data: ParticipantData) -> bool:
        if participant_id is None:
            if not self._confirm_not_duplicate(data):
                return False
            command: ParticipantCommand = CreateParticipant(self.store, data, self.refresh)
        else:
            command = EditParticipant(self.store, participant_id, data, self.refresh)
        return self._push(command)

    def delete_selected(self) -> bool:
        current = self.table.currentIndex()
        if not current.isValid():
            return False
        row = self.model.row_at(current.row())
        name = f"{row.first_name} {row.last_name}".strip()
        answer = QMessageBox.question(
            self,
            _("Delete a participant"),
            _(
                "Delete {name} and their attendance and consent records? You can undo this "
                "with Edit > Undo."
            ).format(name=name),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self._push(DeleteParticipant(self.store, row.id, name, self.refresh))

    def _push(self, command: ParticipantCommand) -> bool:
        self.undo_stack.push(command)
        if command.error is not None:
            dialogs.show_error(self, _("Cannot save"), str(command.error))
            return False
        return True

    def _confirm_not_duplicate(self, data: ParticipantData) -> bool:
        with self.store.session() as session:
            candidates = likely_duplicates(session, data)
        if not candidates:
            return True
        names = "\n".join(
            f"• {c.name} — {c.code} ({', '.join(reason_label(r) for r in c.reasons)})"
            for c in candidates[:5]
        )
        answer = QMessageBox.question(
            self,
            _("Possible duplicate"),
            _("This person may already be in the registry:\n{names}\n\nAdd them anyway?").format(
                names=names
            ),
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- dialogs reached from the Participants and Settings menus
    def current_participant(self) -> uuid.UUID | None:
        current = self.table.currentIndex()
        return self.model.row_at(current.row()).id if current.isValid() else None

    def attributes_dialog(self) -> None:
        from app.views.participants.attributes import AttributesDialog

        dialog = AttributesDialog(self.store, self)
        dialog.exec()
        if dialog.changed:
            self._rebuild_detail()

    def _rebuild_detail(self) -> None:
        """New vocabularies: the detail panel's combo boxes are made again."""
        old = self.detail
        self.detail = ParticipantDetail(self.store, old.parentWidget())
        self.detail.save_requested.connect(self.save)
        splitter = old.parentWidget()
        splitter.replaceWidget(splitter.indexOf(old), self.detail)
        old.deleteLater()
        self.refresh(self.current_participant())

    def retention_dialog(self) -> None:
        from app.views.participants.retention import RetentionDialog

        dialog = RetentionDialog(self.store, self)
        dialog.exec()
        if dialog.erased:
            self.undo_stack.clear()  # erased people cannot come back through undo
            self.refresh()

    def duplicates_dialog(self) -> None:
        from app.views.participants.duplicates import DuplicatesDialog

        dialog = DuplicatesDialog(self.store, self)
        dialog.exec()
        if dialog.merged:
            self.undo_stack.clear()
            self.refresh()

    def access_dialog(self) -> None:
        participant_id = self.current_participant()
        if participant_id is None:
            dialogs.show_error(
                self, _("Right of access"), _("Select a participant in the list first.")
            )
            return
        from app.views.participants.access import AccessDialog

        AccessDialog(self.store, participant_id, self).exec()

    def export_dialog(self) -> None:
        from app.views.participants.files import export_dialog

        export_dialog(self)

    def import_dialog(self) -> None:
        from app.views.participants.files import import_dialog

        import_dialog(self)
