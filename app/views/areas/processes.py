"""Processes & sessions: each co-construction process, its sessions, and the door.

Choose a process, then a session: edit it (agenda, minutes, decisions) or open the sign-in
screen for the door.
"""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import labels
from app.facilitation import sessions as S
from app.i18n import _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.areas.empty_state import EmptyState
from app.views.checkin import CheckinDialog
from app.views.dialogs import confirm
from app.views.models.sessions import SessionTableModel
from app.views.session_editor import ProcessDialog, SessionEditor


class ProcessesArea(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.model = SessionTableModel(store, self)
        self.editor: QWidget | None = None
        self.checkin: CheckinDialog | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        self.stack = QStackedWidget(self)
        layout.addWidget(self.stack)

        # No process yet.
        empty = QWidget(self)
        empty_layout = QVBoxLayout(empty)
        empty_layout.addWidget(
            EmptyState(
                _("No process yet"),
                _(
                    "Your co-construction processes and their sessions will be listed here, "
                    "with attendance and the state of the minutes. Create the first one, or "
                    "open the demo workspace (File > Open the demo) to look around."
                ),
            ),
            1,
        )
        first = QPushButton(_("New process…"), empty)
        first.setObjectName("newFirstProcess")
        first.clicked.connect(self.new_process)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(first)
        row.addStretch(1)
        empty_layout.addLayout(row)
        empty_layout.addStretch(1)
        self.stack.addWidget(empty)

        # Processes and their sessions.
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.process_box = QComboBox(page)
        self.process_box.setObjectName("processChoice")
        self.process_box.setMinimumContentsLength(30)
        self.process_box.activated.connect(self._process_chosen)
        top.addWidget(QLabel(_("Process:"), page))
        top.addWidget(self.process_box, 1)
        for text, slot in ((_("Edit the process…"), self.edit_process),
                           (_("New process…"), self.new_process)):  # fmt: skip
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            top.addWidget(button)
        page_layout.addLayout(top)
        self.heading = QLabel(page)
        self.heading.setObjectName("areaTitle")
        self.heading.setWordWrap(True)
        page_layout.addWidget(self.heading)
        self.facts = QLabel(page)
        self.facts.setObjectName("areaSubtitle")
        self.facts.setWordWrap(True)
        page_layout.addWidget(self.facts)

        self.sessions_table = QTableView(page)
        self.sessions_table.setModel(self.model)
        self.sessions_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.sessions_table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.sessions_table.setAlternatingRowColors(True)
        self.sessions_table.verticalHeader().hide()
        header = self.sessions_table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        for column in (1, 3, 4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.sessions_table.doubleClicked.connect(lambda _index: self.edit_session())
        page_layout.addWidget(self.sessions_table, 1)

        actions = QHBoxLayout()
        self.signin_button = QPushButton(_("Sign-in at the door…"), page)
        self.signin_button.setObjectName("openCheckin")
        self.signin_button.setToolTip(_("Open the sign-in screen for the selected session."))
        self.signin_button.clicked.connect(self.open_checkin)
        actions.addWidget(self.signin_button)
        for text, slot in ((_("Open the session…"), self.edit_session),
                           (_("New session…"), self.new_session),
                           (_("Delete the session…"), self.delete_session)):  # fmt: skip
            button = QPushButton(text, page)
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        page_layout.addLayout(actions)
        self.stack.addWidget(page)
        self.reload()

    @property
    def table(self) -> QTableView | None:
        """The sessions table, or None while the area shows its empty state."""
        return self.sessions_table if self.model.processes else None

    # ----------------------------------------------------------------- state
    def reload(self, select: uuid.UUID | None = None) -> None:
        current = select or self.selected_session_id()
        self.model.reload()
        self.stack.setCurrentIndex(1 if self.model.processes else 0)
        self.process_box.clear()
        for process in self.model.processes:
            self.process_box.addItem(process.title, process.id)
        self.process_box.setCurrentIndex(max(0, self.process_box.findData(self.model.process_id)))
        process = self.model.process()
        if process is not None:
            self.heading.setText(process.title)
            self.facts.setText(
                _("Phase: {phase} · {people} · {sessions}").format(
                    phase=labels.phase(process.phase),
                    people=ngettext(
                        "{n} registered participant",
                        "{n} registered participants",
                        process.registered,
                    ).format(n=process.registered),
                    sessions=ngettext("{n} session", "{n} sessions", len(process.sessions)).format(
                        n=len(process.sessions)
                    ),
                )
            )
        row = self.model.row_of(current) if current else -1
        self.sessions_table.selectRow(row if row >= 0 else 0)
        self.sessions_table.resizeRowsToContents()

    def _process_chosen(self, index: int) -> None:
        self.model.set_process(self.process_box.itemData(index))
        self.reload()

    def selected_session_id(self) -> uuid.UUID | None:
        if not hasattr(self, "sessions_table"):
            return None
        rows = self.sessions_table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.session_at(rows[0].row()).id

    def _need_session(self) -> uuid.UUID | None:
        session_id = self.selected_session_id()
        if session_id is None:
            dialogs.show_error(self, _("No session chosen"), _("Choose a session in the list."))
        return session_id

    # ----------------------------------------------------------------- actions
    def new_process(self) -> ProcessDialog:
        dialog = ProcessDialog(self.store, None, self)
        dialog.accepted.connect(lambda: self._process_saved(dialog.process_id))
        dialog.open()
        self.editor = dialog
        return dialog

    def edit_process(self) -> ProcessDialog | None:
        if self.model.process_id is None:
            return None
        dialog = ProcessDialog(self.store, self.model.process_id, self)
        dialog.accepted.connect(lambda: self._process_saved(dialog.process_id))
        dialog.open()
        self.editor = dialog
        return dialog

    def _process_saved(self, process_id: uuid.UUID | None) -> None:
        self.model.process_id = process_id
        self.reload()

    def new_session(self) -> SessionEditor | None:
        if self.model.process_id is None:
            return None
        return self._open_editor(SessionEditor(self.store, self.model.process_id, None, self))

    def edit_session(self) -> SessionEditor | None:
        session_id = self._need_session()
        if session_id is None:
            return None
        return self._open_editor(SessionEditor(self.store, self.model.process_id, session_id, self))

    def _open_editor(self, editor: SessionEditor) -> SessionEditor:
        editor.finished.connect(lambda _result: self.reload(editor.session_id))
        editor.open()
        self.editor = editor
        return editor

    def open_checkin(self) -> CheckinDialog | None:
        session_id = self._need_session()
        if session_id is None:
            return None
        if self.checkin is not None:
            self.checkin.close()
        self.checkin = CheckinDialog(self.store, session_id, self)
        self.checkin.finished.connect(lambda _result: self.reload(session_id))
        self.checkin.show()
        self.checkin.raise_()
        self.checkin.activateWindow()
        return self.checkin

    def delete_session(self) -> None:
        session_id = self._need_session()
        if session_id is None:
            return
        title = self.model.session_at(self.model.row_of(session_id)).title
        if not confirm(
            self,
            _("Delete the session"),
            _(
                "Delete “{title}” with its agenda, minutes, decisions and sign-ins? "
                "This cannot be undone."
            ).format(title=title),
        ):
            return
        try:
            with self.store.session() as session:
                S.delete_session(session, session_id)
        except AtelierError as exc:
            dialogs.show_error(self, _("The session was not deleted"), str(exc))
        self.reload()
