"""Votes: choose a session, then create, open, run, close, publish and show its votes.

Paper ballots and the kiosk have their own windows (``entry.py``, ``kiosk.py``), opened from
here. Closing counts the ballots once and freezes the result; the result view shows what was
frozen.
"""

from __future__ import annotations

import contextlib
import uuid
from functools import partial

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import sessions as S
from app.facilitation import votes
from app.i18n import N_, _
from app.store import Store
from app.views import dialogs, qt_i18n
from app.views.dialogs import confirm
from app.views.models.base import Index, RowTableModel

STATUS_LABELS = {
    "draft": N_("Draft"),
    "open": N_("Open for voting"),
    "closed": N_("Closed, counted"),
    "published": N_("Published"),
}


class VoteTableModel(RowTableModel):
    COLUMNS = (
        N_("Question"),
        N_("Method"),
        N_("Ballot"),
        N_("Status"),
        N_("Valid"),
        N_("Blank"),
        N_("Spoiled"),
    )

    def set_votes(self, rows: list[votes.VoteInfo]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row_at(self, row: int) -> votes.VoteInfo:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        info: votes.VoteInfo = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                info.question,
                info.method_label,
                _("Secret") if info.secret else _("Named"),
                _(STATUS_LABELS.get(info.status, info.status)),
                str(info.counts.valid),
                str(info.counts.blank),
                str(info.counts.spoiled),
            )[column]
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and column == 0 and info.description:
            return info.description
        return None


class VotesArea(QWidget):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        # Imported here: app.views.areas imports this module to list the areas.
        from app.views.areas.empty_state import EmptyState

        super().__init__(parent)
        self.store = store
        self.model = VoteTableModel(self)
        self.windows: list[QWidget] = []  # kiosk / entry windows kept alive
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)

        top = QHBoxLayout()
        top.addWidget(QLabel(_("Session:"), self))
        self.session_box = QComboBox(self)
        self.session_box.setObjectName("sessionChoice")
        self.session_box.setMinimumContentsLength(30)
        self.session_box.currentIndexChanged.connect(lambda _i: self.refresh_votes())
        top.addWidget(self.session_box, 1)
        self.new_button = QPushButton(_("New vote…"), self)
        self.new_button.setObjectName("newVote")
        self.new_button.clicked.connect(self.new_vote)
        top.addWidget(self.new_button)
        layout.addLayout(top)

        self.stack = QStackedWidget(self)
        self.empty = EmptyState(
            _("No vote yet"),
            _(
                "The votes of the chosen session will be listed here: dot voting, approval, "
                "score, majority judgment, rankings, participatory budgets or a yes / no "
                "proposal, with paper ballots or a kiosk, counted in the open. "
                "Create the first one with “New vote…”."
            ),
            self,
        )
        self.no_session = EmptyState(
            _("No session yet"),
            _(
                "A vote belongs to a workshop session. Create a process and a session in "
                "“Processes & sessions” first."
            ),
            self,
        )
        self.table = QTableView(self)
        self.table.setObjectName("votesTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, len(VoteTableModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        self.table.doubleClicked.connect(lambda _index: self.show_result())
        for page in (self.no_session, self.empty, self.table):
            self.stack.addWidget(page)
        layout.addWidget(self.stack, 1)

        self.buttons: dict[str, QPushButton] = {}
        # Voting, closing, then ballot files: three short rows, so long labels (Bulgarian,
        # Italian…) never widen the window.
        for row in (
            (
                ("open", _("Open the vote"), self.open_vote),
                ("entry", _("Enter paper ballots…"), self.enter_ballots),
                ("kiosk", _("Kiosk…"), self.open_kiosk),
            ),
            (
                ("close", _("Close and count"), self.close_vote),
                ("publish", _("Publish"), self.publish_vote),
                ("result", _("Show the result"), self.show_result),
            ),
            (
                ("import", _("Import ballots…"), self.import_ballots),
                ("export", _("Export ballots…"), self.export_ballots),
                ("print", _("Print ballots…"), self.print_ballots),
            ),
        ):
            actions = QHBoxLayout()
            for key, text, slot in row:
                button = QPushButton(text, self)
                button.setObjectName(f"vote_{key}")
                button.clicked.connect(slot)
                actions.addWidget(button)
                self.buttons[key] = button
            actions.addStretch(1)
            layout.addLayout(actions)
        self.refresh()

    # ------------------------------------------------------------------ data

    def refresh(self) -> None:
        """Reload the sessions (latest first), keeping the chosen one if it is still there."""
        chosen = self.session_id()
        with self.store.session() as s:
            found = list(reversed(S.list_sessions(s)))
        self.session_box.blockSignals(True)
        self.session_box.clear()
        for info in found:
            self.session_box.addItem(
                f"{qt_i18n.format_day(info.starts_at.astimezone().date())} · {info.title} "
                f"({info.process_title})",
                info.id,
            )
        at = self.session_box.findData(chosen) if chosen is not None else -1
        self.session_box.setCurrentIndex(at if at >= 0 else (0 if found else -1))
        self.session_box.blockSignals(False)
        self.refresh_votes()

    def session_id(self) -> uuid.UUID | None:
        return self.session_box.currentData()

    def refresh_votes(self, select: uuid.UUID | None = None) -> None:
        current = self.current()
        select = select or (current.id if current else None)
        session_id = self.session_id()
        if session_id is None:
            self.model.set_votes([])
        else:
            with self.store.session() as s:
                self.model.set_votes(votes.list_votes(s, session_id))
        if session_id is None:
            self.stack.setCurrentWidget(self.no_session)
        elif self.model.rowCount() == 0:
            self.stack.setCurrentWidget(self.empty)
        else:
            self.stack.setCurrentWidget(self.table)
        self.new_button.setEnabled(session_id is not None)
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id == select:
                self.table.selectRow(row)
                break
        else:
            if self.model.rowCount():
                self.table.selectRow(self.model.rowCount() - 1)
        self.update_buttons()

    def current(self) -> votes.VoteInfo | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.model.rowCount():
            return None
        return self.model.row_at(index.row())

    def update_buttons(self) -> None:
        info = self.current()
        status = info.status if info else None
        enabled = {
            "open": status == "draft",
            "entry": status == "open",
            "kiosk": status == "open",
            "close": status == "open",
            "publish": status == "closed",
            "result": status in ("closed", "published"),
            "import": status == "open",
            "export": status in ("closed", "published"),
            "print": info is not None,
        }
        for key, button in self.buttons.items():
            button.setEnabled(enabled[key])

    def _run(self, title: str, action) -> bool:
        """Do ``action(session, vote_id)`` on the selected vote; a refusal is shown."""
        info = self.current()
        if info is None:
            return False
        try:
            with self.store.session() as s:
                action(s, info.id)
        except AtelierError as error:
            dialogs.show_error(self, title, str(error))
            self.refresh_votes()
            return False
        self.refresh_votes(info.id)
        return True

    # ------------------------------------------------------------------ actions

    def new_vote(self) -> None:
        from app.views.votes.create import CreateVoteDialog

        session_id = self.session_id()
        if session_id is None:
            return
        dialog = CreateVoteDialog(self.store, session_id, self)
        if dialog.exec() and dialog.vote_id is not None:
            self.refresh_votes(dialog.vote_id)

    def open_vote(self) -> None:
        self._run(_("Open the vote"), votes.open_vote)

    def close_vote(self) -> None:
        """Close after a confirmation; when the count meets ties, the facilitators choose
        between the recorded draw and their own order (TieDecisionDialog)."""
        from app.views.votes.tiebreak import TieDecisionDialog

        info = self.current()
        if info is None:
            return
        try:
            with self.store.session() as s:
                preview = votes.tally(s, info.id)
        except AtelierError as error:
            dialogs.show_error(self, _("Close and count"), str(error))
            return
        decided: list[int] | None = None
        if preview.ties:
            dialog = TieDecisionDialog(preview, info.question, self)
            if not dialog.exec():
                return
            decided = dialog.decided_order()
        elif not confirm(
            self,
            _("Close and count"),
            _(
                "Close “{question}” and count its ballots? No ballot can be added afterwards; "
                "the result is recorded as counted now."
            ).format(question=info.question),
        ):
            return
        closing = partial(votes.close_vote, decided_order=decided)
        if self._run(_("Close and count"), closing):
            self.show_result()

    def publish_vote(self) -> None:
        info = self.current()
        if info is None:
            return
        if confirm(
            self,
            _("Publish"),
            _("Publish the result of “{question}”? It is then shown as public.").format(
                question=info.question
            ),
        ):
            self._run(_("Publish"), votes.publish_vote)

    def result_view(self):
        """The result view of the selected vote (not shown), or None before closing."""
        from app.views.votes.results import ResultView

        info = self.current()
        if info is None:
            return None
        with self.store.session() as s:
            document = votes.frozen_result(s, info.id)
        if document is None:
            return None
        return ResultView(document, info.question, self)

    def show_result(self) -> None:
        try:
            view = self.result_view()
        except AtelierError as error:
            dialogs.show_error(self, _("Show the result"), str(error))
            return
        if view is None:
            return
        view.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        view.show()
        self.windows.append(view)
        view.destroyed.connect(lambda *_a, v=view: self._forget(v))

    def _forget(self, window: QWidget) -> None:
        if window in self.windows:
            self.windows.remove(window)
        # The kiosk may have recorded ballots; the area itself may be going away.
        with contextlib.suppress(RuntimeError):
            self.refresh_votes()

    def enter_ballots(self) -> None:
        info = self.current()
        if info is None:
            return
        from app.views.votes.entry import BallotEntryDialog

        try:
            dialog = BallotEntryDialog(self.store, info.id, self)
            dialog.exec()
        except AtelierError as error:
            dialogs.show_error(self, _("Enter paper ballots"), str(error))
        self.refresh_votes(info.id)

    def open_kiosk(self) -> None:
        info = self.current()
        if info is None:
            return
        from app.views.votes.kiosk import KioskWindow

        pin, ok = QInputDialog.getText(
            self,
            _("Kiosk"),
            _("Choose a PIN that the facilitators will type to leave the kiosk:"),
            QLineEdit.EchoMode.Password,
        )
        if not ok:
            return
        if len(pin.strip()) < 4:
            dialogs.show_error(self, _("Kiosk"), _("The PIN needs at least 4 characters."))
            return
        try:
            window = KioskWindow(self.store, info.id, pin.strip(), self)
        except AtelierError as error:
            dialogs.show_error(self, _("Kiosk"), str(error))
            return
        # A window of its own (not drawn inside the area), gone when the PIN lets it close.
        window.setWindowFlag(Qt.WindowType.Window, True)
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.windows.append(window)
        window.destroyed.connect(lambda *_a, w=window: self._forget(w))
        window.showFullScreen()

    def import_ballots(self) -> None:
        from app.views.votes.files import choose_import

        info = self.current()
        if info is not None:
            choose_import(self, self.store, info.id, done=lambda: self.refresh_votes(info.id))

    def export_ballots(self) -> None:
        from app.views.votes.files import choose_export

        info = self.current()
        if info is not None:
            choose_export(self, self.store, info.id, info.ballot)

    def print_ballots(self):
        """Paper ballots of the selected vote as a PDF (Documents area's "Print…")."""
        from app.views.documents.actions import print_document

        info = self.current()
        if info is None:
            return None
        return print_document(self, self.store, "ballots", info.id, subject_label=info.question)

    def showEvent(self, event) -> None:
        # Sessions may have been added in another area since.
        self.refresh()
        super().showEvent(event)
