"""The check-in screen at the door of a session (émargement), keyboard first.

Type three letters of a name: the list filters as you type. Down/Up choose, Enter signs the
person in and clears the field for the next one. A barcode or QR scanner types a badge code
followed by Enter: that person is signed in at once. Ctrl+N opens the newcomer form without
leaving the screen; Ctrl+Z undoes the last sign-in; Ctrl+D records that the selected person
left. The counts on the right follow every change.
"""

from __future__ import annotations

import html
import uuid

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import labels, signin
from app.facilitation.participants import ParticipantData
from app.facilitation.sessions import session_info
from app.facilitation.signin import Candidate, SignInResult
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import _, ngettext
from app.models import STAKEHOLDER_TYPES
from app.store import Store
from app.views import dialogs
from app.views.models.sessions import CandidateTableModel, local_datetime, local_time

#: Keys the search field hands to the list, so the hands never leave the keyboard.
_NAVIGATION = {
    Qt.Key.Key_Down,
    Qt.Key.Key_Up,
    Qt.Key.Key_PageDown,
    Qt.Key.Key_PageUp,
}

_STYLE = """
* { font-size: 13pt; }
QDialog#checkin { background: #f7f5f0; }
QTableView#checkinList { font-size: 15pt; }
QHeaderView::section { font-size: 12pt; padding: 4px; }
QScrollArea#checkinCountsScroll, QWidget#checkinCountDetails { background: white; }
QLabel#checkinTitle { font-size: 20pt; font-weight: 600; color: #1f3a4d; }
QLabel#checkinSubtitle { color: #4a5a66; }
QLineEdit#checkinSearch { font-size: 22pt; padding: 6px 10px; border: 2px solid #2d5670;
    border-radius: 6px; background: white; }
QLabel#checkinFeedback { font-size: 15pt; padding: 8px 12px; border-radius: 6px; }
QLabel#checkinFeedback[tone="ok"] { background: #dff0d8; color: #1e4620; }
QLabel#checkinFeedback[tone="warn"] { background: #fff3cd; color: #5c4400; }
QLabel#checkinFeedback[tone="error"] { background: #f8d7da; color: #6b1a1f; }
QLabel#checkinFeedback[tone="hint"] { background: transparent; color: #4a5a66; }
QFrame#checkinCounts * { font-size: 12pt; }
QFrame#checkinCounts { background: white; border: 1px solid #d6d2c8; border-radius: 8px; }
QLabel#checkinPresent { font-size: 30pt; font-weight: 700; color: #1f3a4d; }
QGroupBox#checkinNewcomer { font-weight: 600; }
"""


class CheckinDialog(QDialog):
    """The door of one session. Non-modal: it can stay open on a laptop all morning."""

    def __init__(self, store: Store, session_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.session_id = session_id
        self.last: SignInResult | None = None
        self._newcomer_fields: list[QWidget] = []
        self.setObjectName("checkin")
        self.setStyleSheet(_STYLE)
        with store.session() as session:
            info = session_info(session, session_id)
            vocabularies = list(load_vocabularies(session).values())
        self.setWindowTitle(_("Sign-in — {session}").format(session=info.title))
        self.resize(1200, 780)

        title = QLabel(info.title, self)
        title.setObjectName("checkinTitle")
        title.setWordWrap(True)
        where = " · ".join(x for x in (local_datetime(info.starts_at), info.place) if x)
        subtitle = QLabel(where, self)
        subtitle.setObjectName("checkinSubtitle")

        self.search = QLineEdit(self)
        self.search.setObjectName("checkinSearch")
        self.search.setPlaceholderText(_("Type three letters of a name, or scan a badge"))
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)

        self.model = CandidateTableModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("checkinList")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the typing stays in the field
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(40)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # Names matter most at the door: the stakeholder type gets a fixed, elided width.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 170)
        for column in (2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.sign_in_selected())

        self.feedback = QLabel(self)
        self.feedback.setObjectName("checkinFeedback")
        self.feedback.setWordWrap(True)
        self.feedback.setMinimumHeight(52)

        # The newcomer form, shown with Ctrl+N.
        self.newcomer = QGroupBox(_("Newcomer"), self)
        self.newcomer.setObjectName("checkinNewcomer")
        form = QFormLayout(self.newcomer)
        self.first_name = QLineEdit(self.newcomer)
        self.last_name = QLineEdit(self.newcomer)
        self.email = QLineEdit(self.newcomer)
        self.email.setPlaceholderText(_("optional"))
        self.kind = QComboBox(self.newcomer)
        for code in STAKEHOLDER_TYPES:
            self.kind.addItem(labels.stakeholder_type(code), code)
        form.addRow(_("First name"), self.first_name)
        form.addRow(_("Last name"), self.last_name)
        form.addRow(_("Stakeholder type"), self.kind)
        form.addRow(_("Email"), self.email)
        self.attribute_boxes: dict[str, QComboBox] = {}
        for vocabulary in vocabularies:
            box = QComboBox(self.newcomer)
            box.addItem(_("— not given —"), "")
            for value in vocabulary.values:
                box.addItem(value.value, value.value)
            form.addRow(vocabulary.label, box)
            self.attribute_boxes[vocabulary.key] = box
        newcomer_buttons = QHBoxLayout()
        self.newcomer_save = QPushButton(_("Sign in the newcomer (Enter)"), self.newcomer)
        self.newcomer_save.clicked.connect(self.submit_newcomer)
        self.newcomer_cancel = QPushButton(_("Cancel (Esc)"), self.newcomer)
        self.newcomer_cancel.clicked.connect(self.hide_newcomer)
        newcomer_buttons.addStretch(1)
        newcomer_buttons.addWidget(self.newcomer_cancel)
        newcomer_buttons.addWidget(self.newcomer_save)
        form.addRow(newcomer_buttons)
        self._newcomer_fields = [
            self.first_name,
            self.last_name,
            self.kind,
            self.email,
            *self.attribute_boxes.values(),
        ]
        for field in self._newcomer_fields:
            field.installEventFilter(self)
        for before, after in zip(self._newcomer_fields, self._newcomer_fields[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self.newcomer.hide()

        # Actions, each with its key.
        native = QKeySequence.SequenceFormat.NativeText
        self.newcomer_button = QPushButton(
            _("Newcomer ({key})").format(key=QKeySequence("Ctrl+N").toString(native)), self
        )
        self.newcomer_button.clicked.connect(self.show_newcomer)
        self.sign_out_button = QPushButton(
            _("Signed out ({key})").format(key=QKeySequence("Ctrl+D").toString(native)), self
        )
        self.sign_out_button.setToolTip(_("Record that the selected person left, and when."))
        self.sign_out_button.clicked.connect(self.sign_out_selected)
        self.undo_button = QPushButton(
            _("Undo the last sign-in ({key})").format(key=QKeySequence("Ctrl+Z").toString(native)),
            self,
        )
        self.undo_button.clicked.connect(self.undo_last)
        self.undo_button.setEnabled(False)
        close = QPushButton(_("Close"), self)
        close.clicked.connect(self.close)
        for button in (
            self.newcomer_button,
            self.sign_out_button,
            self.undo_button,
            close,
            self.newcomer_save,
            self.newcomer_cancel,
        ):
            button.setAutoDefault(False)
            button.setDefault(False)
        for key, slot in (
            ("Ctrl+N", self.show_newcomer),
            ("Ctrl+D", self.sign_out_selected),
            ("Ctrl+Z", self.undo_last),
        ):
            shortcut = QShortcut(QKeySequence(key), self)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)

        # Counts.
        self.counts_frame = QFrame(self)
        self.counts_frame.setObjectName("checkinCounts")
        counts_layout = QVBoxLayout(self.counts_frame)
        self.present_label = QLabel(self.counts_frame)
        self.present_label.setObjectName("checkinPresent")
        self.present_label.setWordWrap(True)
        self.details_label = QLabel(self.counts_frame)
        self.details_label.setObjectName("checkinCountDetails")
        self.details_label.setTextFormat(Qt.TextFormat.RichText)
        self.details_label.setWordWrap(True)
        self.details_label.setAlignment(Qt.AlignmentFlag.AlignTop)
        scroll = QScrollArea(self.counts_frame)
        scroll.setObjectName("checkinCountsScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(self.details_label)
        counts_layout.addWidget(self.present_label)
        counts_layout.addWidget(scroll, 1)
        self.counts_frame.setMinimumWidth(330)
        self.counts_frame.setMaximumWidth(420)

        left = QVBoxLayout()
        left.addWidget(title)
        left.addWidget(subtitle)
        left.addSpacing(6)
        left.addWidget(self.search)
        left.addWidget(self.feedback)
        left.addWidget(self.table, 1)
        left.addWidget(self.newcomer, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.newcomer_button)
        actions.addWidget(self.sign_out_button)
        actions.addWidget(self.undo_button)
        actions.addStretch(1)
        actions.addWidget(close)
        left.addLayout(actions)
        row = QHBoxLayout(self)
        row.setContentsMargins(18, 18, 18, 18)
        row.setSpacing(18)
        row.addLayout(left, 1)
        row.addWidget(self.counts_frame)

        self._debounce = QTimer(self, singleShot=True, interval=120)
        self._debounce.timeout.connect(self.refresh_candidates)
        self.search.textChanged.connect(self._debounce.start)
        self._say(_("Type three letters of a name, or scan a badge."), "hint")
        self.refresh_counts()
        self.search.setFocus()

    # ----------------------------------------------------------------- list
    def refresh_candidates(self) -> None:
        self._debounce.stop()
        try:
            with self.store.session() as session:
                rows = signin.checkin_candidates(session, self.session_id, self.search.text())
        except AtelierError as exc:
            dialogs.show_error(self, _("Sign-in"), str(exc))
            rows = []
        self.model.set_rows(rows)
        if rows:
            self.table.selectRow(0)
        elif self.search.text().strip():
            self._say(
                _("Nobody matches “{text}”. Press Ctrl+N to add a newcomer.").format(
                    text=self.search.text().strip()
                ),
                "warn",
            )

    def _flush(self) -> None:
        """Apply what was typed now (a scanner types faster than the debounce)."""
        if self._debounce.isActive():
            self.refresh_candidates()

    def selected(self) -> Candidate | None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            return self.model.candidate(rows[0].row())
        return None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() != QEvent.Type.KeyPress:
            return super().eventFilter(watched, event)
        key = event.key()
        if watched in self._newcomer_fields and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.submit_newcomer()
            return True
        if watched is self.search:
            # A line edit keeps Ctrl+Z (undo typing) and Ctrl+D (delete) for itself.
            if event.matches(QKeySequence.StandardKey.Undo):
                self.undo_last()
                return True
            if key == Qt.Key.Key_D and event.modifiers() == Qt.KeyboardModifier.ControlModifier:
                self.sign_out_selected()
                return True
            if key in _NAVIGATION:
                self._flush()
                self._move(key)
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.sign_in_selected()
                return True
        return super().eventFilter(watched, event)

    def _move(self, key: int) -> None:
        count = self.model.rowCount()
        if not count:
            return
        current = self.selected()
        row = 0 if current is None else self.table.selectionModel().selectedRows()[0].row()
        step = {Qt.Key.Key_Down: 1, Qt.Key.Key_Up: -1, Qt.Key.Key_PageDown: 8}.get(key, -8)
        row = max(0, min(count - 1, row + step))
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    # ----------------------------------------------------------------- actions
    def sign_in_selected(self) -> None:
        """Enter: the scanned code's owner, else the selected person, signs in."""
        self._flush()
        text = self.search.text().strip()
        if not text:
            self._say(_("Type three letters of a name, or scan a badge."), "hint")
            return
        if not self.model.rowCount():
            self._say(
                _("Nobody matches “{text}”. Press Ctrl+N to add a newcomer.").format(text=text),
                "warn",
            )
            return
        first = self.model.candidate(0)
        person = first if first.code_match else (self.selected() or first)
        if person.present and person.signed_out_at is None:
            self._say(
                _("{name} is already signed in (since {time}).").format(
                    name=person.full_name, time=local_time(person.signed_in_at)
                ),
                "warn",
            )
            self._next_person()
            return
        try:
            with self.store.session() as session:
                result = signin.sign_in(session, self.session_id, person.participant_id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Sign-in"), str(exc))
            return
        self._signed_in(result)

    def _signed_in(self, result: SignInResult) -> None:
        self.last = result
        self.undo_button.setEnabled(True)
        time = local_time(result.signed_in_at)
        if result.created:
            message = _("✓ Welcome {name}: added and signed in at {time}.")
        elif result.already:
            message = _("✓ {name} is back (signed in at {time}).")
        else:
            message = _("✓ {name} signed in at {time}.")
        self._say(message.format(name=result.name, time=time), "ok")
        self._next_person()

    def _next_person(self) -> None:
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self._debounce.stop()
        self.model.set_rows([])
        self.refresh_counts()
        self.search.setFocus()

    def sign_out_selected(self) -> None:
        person = self.selected()
        if person is None or not person.present:
            self._say(_("Choose someone who signed in, then press Ctrl+D."), "warn")
            return
        try:
            with self.store.session() as session:
                result = signin.sign_out(session, self.session_id, person.participant_id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Sign-in"), str(exc))
            return
        self._say(
            _("{name} left at {time}.").format(
                name=result.name, time=local_time(result.signed_out_at)
            ),
            "ok",
        )
        self._next_person()

    def undo_last(self) -> None:
        if self.last is None:
            return
        last, self.last = self.last, None
        self.undo_button.setEnabled(False)
        try:
            with self.store.session() as session:
                signin.undo_sign_in(
                    session,
                    self.session_id,
                    last.participant_id,
                    unregister=last.registered_now and not last.created,
                )
        except AtelierError as exc:
            dialogs.show_error(self, _("Sign-in"), str(exc))
            return
        self._say(_("The sign-in of {name} was undone.").format(name=last.name), "warn")
        self._next_person()

    # ----------------------------------------------------------------- newcomers
    def show_newcomer(self) -> None:
        words = self.search.text().split()
        if words and not self.first_name.text() and not self.last_name.text():
            self.first_name.setText(words[0])
            self.last_name.setText(" ".join(words[1:]))
        self.table.hide()  # the form takes the list's place
        self.newcomer.show()
        self.first_name.setFocus()
        self.first_name.selectAll()

    def hide_newcomer(self) -> None:
        for edit in (self.first_name, self.last_name, self.email):
            edit.clear()
        self.kind.setCurrentIndex(0)
        for box in self.attribute_boxes.values():
            box.setCurrentIndex(0)
        self.newcomer.hide()
        self.table.show()
        self.search.setFocus()

    def newcomer_data(self) -> ParticipantData:
        return ParticipantData(
            first_name=self.first_name.text(),
            last_name=self.last_name.text(),
            email=self.email.text() or None,
            stakeholder_type=self.kind.currentData(),
            attributes={
                key: box.currentData()
                for key, box in self.attribute_boxes.items()
                if box.currentData()
            },
        )

    def submit_newcomer(self) -> None:
        if not self.newcomer.isVisible():
            return
        try:
            with self.store.session() as session:
                result = signin.sign_in_newcomer(session, self.session_id, self.newcomer_data())
        except AtelierError as exc:
            dialogs.show_error(self, _("Newcomer"), str(exc))
            return
        self.hide_newcomer()
        self._signed_in(result)

    def reject(self) -> None:
        """Escape closes the newcomer form first, then the screen."""
        if self.newcomer.isVisible():
            self.hide_newcomer()
            return
        super().reject()

    # ----------------------------------------------------------------- counts
    def refresh_counts(self) -> None:
        with self.store.session() as session:
            counts = signin.attendance_counts(session, self.session_id)
        self.counts = counts
        self.present_label.setText(
            ngettext("{n} present", "{n} present", counts.present).format(n=counts.present)
        )
        parts = []
        if counts.signed_out:
            parts.append(
                "<p>"
                + html.escape(
                    ngettext("{n} has left", "{n} have left", counts.signed_out).format(
                        n=counts.signed_out
                    )
                )
                + "</p>"
            )
        parts.append(self._block(_("By stakeholder type"), [
            (labels.stakeholder_type(code), n) for code, n in counts.by_stakeholder.items()
        ]))  # fmt: skip
        for key, values in counts.by_attribute.items():
            parts.append(self._block(counts.categories.get(key, key), list(values.items())))
        self.details_label.setText("".join(parts))

    @staticmethod
    def _block(title: str, rows: list[tuple[str, int]]) -> str:
        lines = "".join(
            f"<tr><td>{html.escape(label)}</td><td align='right'>&nbsp;&nbsp;<b>{n}</b></td></tr>"
            for label, n in rows
        )
        if not lines:
            lines = "<tr><td>—</td></tr>"
        return f"<p style='margin-top:10px'><b>{html.escape(title)}</b></p><table>{lines}</table>"

    def _say(self, text: str, tone: str) -> None:
        self.feedback.setText(text)
        self.feedback.setProperty("tone", tone)
        self.feedback.style().unpolish(self.feedback)
        self.feedback.style().polish(self.feedback)
