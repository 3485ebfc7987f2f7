"""The voting booth on the laptop (borne de vote): big buttons, one voter at a time.

Neutral page: the facilitator types the voter's participant code (or picks the person from the
signed-in list) and presses Start; someone who already voted is refused. Voter page: the
question, big buttons in the shape of the method, a summary "You chose …" and Confirm, which
records the ballot at once and goes back to the neutral page. In a vote open to everyone, no
code is asked. Leaving the booth (Esc, or closing the window) asks for the facilitator's PIN.
"""

from __future__ import annotations

import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import signin, votes
from app.facilitation.voting.base import InvalidBallot
from app.i18n import _
from app.store import Store
from app.views.votes.entry import check_ballot, describe, grade_names

_STYLE = """
QWidget#kiosk { background: #f7f5f0; }
QWidget#kiosk QLabel { font-size: 18pt; color: #1f3a4d; }
QWidget#kiosk QLabel#kioskQuestion { font-size: 28pt; font-weight: 600; }
QWidget#kiosk QLabel#kioskTitle { font-size: 30pt; font-weight: 600; }
QScrollArea#kioskChoices, QWidget#kioskChoiceArea { background: transparent; }
QWidget#kiosk QLabel#kioskMessage { font-size: 20pt; padding: 10px; border-radius: 8px; }
QWidget#kiosk QLabel#kioskMessage[tone="ok"] { background: #dff0d8; color: #1e4620; }
QWidget#kiosk QLabel#kioskMessage[tone="error"] { background: #f8d7da; color: #6b1a1f; }
QWidget#kiosk QLabel#kioskMessage[tone="hint"] { background: transparent; color: #4a5a66; }
QWidget#kiosk QLabel#kioskSummary { font-size: 20pt; background: white; border: 1px solid #d6d2c8;
    border-radius: 8px; padding: 12px; }
QWidget#kiosk QPushButton { font-size: 20pt; min-height: 64px; padding: 8px 20px;
    border: 2px solid #2d5670; border-radius: 10px; background: white; color: #1f3a4d; }
QWidget#kiosk QPushButton:checked { background: #2d5670; color: white; }
QWidget#kiosk QPushButton#kioskConfirm, QWidget#kiosk QPushButton#kioskStart {
    background: #1e6b3a; color: white;
    border-color: #1e6b3a; font-weight: 600; }
QWidget#kiosk QPushButton#kioskConfirm:disabled { background: #9bb8a5; border-color: #9bb8a5; }
QWidget#kiosk QPushButton[grade="true"] { font-size: 13pt; min-height: 48px; padding: 4px 8px; }
QWidget#kiosk QLineEdit, QWidget#kiosk QComboBox, QWidget#kiosk QSpinBox { font-size: 22pt;
    padding: 6px 10px; min-height: 48px; }
"""


class KioskWindow(QWidget):
    """One vote's booth. ``pin`` is what the facilitator types to leave it."""

    NEUTRAL, VOTER, PIN = range(3)

    def __init__(self, store: Store, vote_id: uuid.UUID, pin: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.vote_id = vote_id
        self._pin = pin
        self._unlocked = False
        self.voter_id: uuid.UUID | None = None
        self.setObjectName("kiosk")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(_STYLE)
        with store.session() as s:
            self.info = votes.vote_info(s, vote_id)
        self.kind = self.info.ballot
        self.options = [o.title for o in self.info.options]
        self.grades = grade_names(self.info.rules) if self.kind == "grades" else None
        self.setWindowTitle(_("Voting booth — {question}").format(question=self.info.question))
        self.resize(1100, 760)

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self._neutral_page())
        self.stack.addWidget(self._voter_page())
        self.stack.addWidget(self._pin_page())
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.show_neutral(_("Hand the laptop to the voter once you have pressed Start."), "hint")

    # ----------------------------------------------------------------------------- pages

    @property
    def needs_code(self) -> bool:
        return self.info.eligibility != "open"

    def _neutral_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel(_("Hand the laptop to the voter"), page)
        title.setObjectName("kioskTitle")
        title.setWordWrap(True)
        question = QLabel(self.info.question, page)
        question.setWordWrap(True)
        self.code = QLineEdit(page)
        self.code.setObjectName("kioskCode")
        self.code.setPlaceholderText(_("Participant code"))
        self.code.returnPressed.connect(self.start)
        self.people = QComboBox(page)
        self.people.setObjectName("kioskPeople")
        self.people.activated.connect(self._person_picked)
        self.start_button = QPushButton(_("Start"), page)
        self.start_button.setObjectName("kioskStart")
        self.start_button.clicked.connect(self.start)
        self.neutral_message = QLabel(page)
        self.neutral_message.setObjectName("kioskMessage")
        self.neutral_message.setWordWrap(True)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(question)
        if self.needs_code:
            who = QLabel(_("Facilitator: type the voter's code, or pick the person"), page)
            who.setWordWrap(True)
            layout.addWidget(who)
            row = QHBoxLayout()
            row.addWidget(self.code, 1)
            row.addWidget(self.people, 2)
            layout.addLayout(row)
        else:
            self.code.hide()
            self.people.hide()
        layout.addWidget(self.start_button)
        layout.addWidget(self.neutral_message)
        layout.addStretch(2)
        return page

    def _voter_page(self) -> QWidget:
        page = QWidget(self)
        question = QLabel(self.info.question, page)
        question.setObjectName("kioskQuestion")
        question.setWordWrap(True)
        self.instructions = QLabel(self._instructions(), page)
        self.instructions.setWordWrap(True)
        self.choice_area = QWidget(page)
        self.choice_area.setObjectName("kioskChoiceArea")
        self._build_choices(self.choice_area)
        scroll = QScrollArea(page)
        scroll.setObjectName("kioskChoices")
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.choice_area)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.summary = QLabel(page)
        self.summary.setObjectName("kioskSummary")
        self.summary.setWordWrap(True)
        self.voter_message = QLabel(page)
        self.voter_message.setObjectName("kioskMessage")
        self.voter_message.setWordWrap(True)
        self.confirm_button = QPushButton(_("Confirm my vote"), page)
        self.confirm_button.setObjectName("kioskConfirm")
        self.confirm_button.clicked.connect(self.confirm)
        self.restart_button = QPushButton(_("Start over"), page)
        self.restart_button.clicked.connect(self.reset_choices)
        buttons = QHBoxLayout()
        buttons.addWidget(self.restart_button)
        buttons.addStretch(1)
        buttons.addWidget(self.confirm_button, 2)
        layout = QVBoxLayout(page)
        layout.addWidget(question)
        layout.addWidget(self.instructions)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.summary)
        layout.addWidget(self.voter_message)
        layout.addLayout(buttons)
        return page

    def _pin_page(self) -> QWidget:
        page = QWidget(self)
        title = QLabel(_("Facilitator's PIN to leave the voting booth"), page)
        title.setObjectName("kioskTitle")
        title.setWordWrap(True)
        self.pin_field = QLineEdit(page)
        self.pin_field.setObjectName("kioskPin")
        self.pin_field.setWhatsThis(
            _(
                "The PIN the facilitators chose when they opened the kiosk: "
                "only they can leave the voting booth."
            )
        )
        self.pin_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.pin_field.returnPressed.connect(self.check_pin)
        self.pin_message = QLabel(page)
        self.pin_message.setObjectName("kioskMessage")
        self.pin_message.setWordWrap(True)
        leave = QPushButton(_("Leave the booth"), page)
        leave.clicked.connect(self.check_pin)
        back = QPushButton(_("Back to the vote"), page)
        back.clicked.connect(self._pin_cancelled)
        row = QHBoxLayout()
        row.addWidget(back)
        row.addWidget(leave)
        layout = QVBoxLayout(page)
        layout.addStretch(1)
        layout.addWidget(title)
        layout.addWidget(self.pin_field)
        layout.addWidget(self.pin_message)
        layout.addLayout(row)
        layout.addStretch(2)
        return page

    def _instructions(self) -> str:
        return {
            "approval": _("Tap every option you approve, then confirm."),
            "ranking": _("Tap the options in your order of preference, best first."),
            "grades": _("Give each option a grade."),
            "dots": _("Share your dots between the options."),
            "score": _("Give each option a score."),
        }.get(self.kind, _("Tap your answer, then confirm."))

    # ----------------------------------------------------------------------------- choices

    def _build_choices(self, area: QWidget) -> None:
        grid = QGridLayout(area)
        self.option_buttons: list[QPushButton] = []
        self.grade_groups: list[QButtonGroup] = []
        self.spins: list[QSpinBox] = []
        self.ranking: list[int] = []
        if self.kind == "choice":
            self._choice_group = QButtonGroup(area)
            for column, (value, text) in enumerate(
                (("yes", _("Yes")), ("no", _("No")), ("abstain", _("Abstain")))
            ):
                button = QPushButton(text, area)
                button.setCheckable(True)
                button.setMinimumHeight(120)
                button.setProperty("choice", value)
                self._choice_group.addButton(button)
                button.toggled.connect(self._update_summary)
                grid.addWidget(button, 0, column)
                self.option_buttons.append(button)
            return
        for row, title in enumerate(self.options):
            if self.kind in ("approval", "ranking"):
                button = QPushButton(title, area)
                button.setCheckable(True)
                if self.kind == "approval":
                    button.toggled.connect(self._update_summary)
                else:
                    button.clicked.connect(lambda _c=False, i=row: self._ranked(i))
                grid.addWidget(button, row, 0)
                self.option_buttons.append(button)
            elif self.kind == "grades":
                grid.addWidget(QLabel(title, area), row, 0)
                group = QButtonGroup(area)
                for g, name in enumerate(self.grades or []):
                    button = QPushButton(name, area)
                    button.setCheckable(True)
                    button.setProperty("grade", True)
                    group.addButton(button, g)
                    button.toggled.connect(self._update_summary)
                    grid.addWidget(button, row, g + 1)
                self.grade_groups.append(group)
            else:  # dots, score
                grid.addWidget(QLabel(title, area), row, 0)
                spin = QSpinBox(area)
                rules = self.info.rules
                if self.kind == "score":
                    low, high = rules.get("min", 0), rules.get("max", 5)
                else:
                    low = 0
                    high = rules.get("max_per_option", rules.get("dots_per_voter", 10))
                spin.setRange(int(low), int(high))
                spin.valueChanged.connect(self._update_summary)
                grid.addWidget(spin, row, 1)
                self.spins.append(spin)

    def _ranked(self, index: int) -> None:
        if index in self.ranking:
            self.ranking.remove(index)
        else:
            self.ranking.append(index)
        for i, button in enumerate(self.option_buttons):
            button.setChecked(i in self.ranking)
            place = self.ranking.index(i) + 1 if i in self.ranking else None
            button.setText(f"{place}. {self.options[i]}" if place else self.options[i])
        self._update_summary()

    def reset_choices(self) -> None:
        self.ranking = []
        for button in self.option_buttons:
            group = button.group()
            if group is not None:
                group.setExclusive(False)
            button.setChecked(False)
            if group is not None:
                group.setExclusive(True)
        for i, button in enumerate(self.option_buttons):
            if self.kind == "ranking":
                button.setText(self.options[i])
        for group in self.grade_groups:
            group.setExclusive(False)
            for button in group.buttons():
                button.setChecked(False)
            group.setExclusive(True)
        for spin in self.spins:
            spin.setValue(spin.minimum())
        self._update_summary()

    def ballot(self) -> Any:
        """The ballot as the buttons stand (None while a required choice is missing)."""
        if self.kind == "choice":
            checked = [b for b in self.option_buttons if b.isChecked()]
            return checked[0].property("choice") if checked else None
        if self.kind == "approval":
            return frozenset(i for i, b in enumerate(self.option_buttons) if b.isChecked())
        if self.kind == "ranking":
            return tuple(frozenset([i]) for i in self.ranking)
        if self.kind == "grades":
            chosen = {i: g.checkedId() for i, g in enumerate(self.grade_groups)}
            if any(v < 0 for v in chosen.values()):
                return None
            return chosen
        return {i: s.value() for i, s in enumerate(self.spins) if s.value()}

    def summary_text(self, ballot: Any) -> str:
        """ "You chose …" in words the voter reads before confirming."""
        if self.kind == "approval":
            if not ballot:
                return _("You approve no option (a valid ballot approving nothing).")
            names = ", ".join(self.options[i] for i in sorted(ballot))
            return _("You approve: {options}").format(options=names)
        if self.kind == "ranking":
            if not ballot:
                return _("Tap the options in your order of preference, best first.")
            order = " > ".join(self.options[next(iter(g))] for g in ballot)
            return _("Your order: {order}").format(order=order)
        return _("You chose: {ballot}").format(
            ballot=describe(self.kind, ballot, self.options, self.grades)
        )

    def _update_summary(self, *_args) -> None:
        ballot = self.ballot()
        self.voter_message.clear()
        self.voter_message.setProperty("tone", "hint")
        if ballot is None:
            self.summary.setText(_("Make your choice."))
            self.confirm_button.setEnabled(False)
            return
        self.summary.setText(self.summary_text(ballot))
        try:
            check_ballot(self.info, ballot)
        except InvalidBallot as error:
            self._say(self.voter_message, str(error), "error")
            self.confirm_button.setEnabled(False)
            return
        except AtelierError:
            pass  # the vote's own rules: cast_ballot says it on Confirm
        self.confirm_button.setEnabled(True)

    # ----------------------------------------------------------------------------- flow

    def refresh_people(self) -> None:
        self.people.clear()
        self.people.addItem(_("— signed-in people —"), None)
        with self.store.session() as s:
            rows = signin.attendance_list(s, self.info.session_id)
            for row in rows:
                if row.signed_out_at is None and not votes.has_voted(
                    s, self.vote_id, row.participant_id
                ):
                    name = f"{row.first_name} {row.last_name}".strip()
                    self.people.addItem(f"{name} ({row.code})", row.code)

    def _person_picked(self, index: int) -> None:
        code = self.people.itemData(index)
        if code:
            self.code.setText(code)
            self.start_button.setFocus()

    def show_neutral(self, message: str, tone: str) -> None:
        self.voter_id = None
        self.code.clear()
        if self.needs_code:
            self.refresh_people()
        self.reset_choices()
        self._say(self.neutral_message, message, tone)
        self.stack.setCurrentIndex(self.NEUTRAL)
        (self.code if self.needs_code else self.start_button).setFocus()

    def start(self) -> None:
        """The facilitator hands over the laptop for the person whose code was typed."""
        voter: uuid.UUID | None = None
        if self.needs_code:
            code = self.code.text().strip()
            if not code:
                self._say(self.neutral_message, _("Type the voter's participant code."), "error")
                return
            try:
                with self.store.session() as s:
                    voter = signin.participant_by_code(s, code)
                    if votes.has_voted(s, self.vote_id, voter):
                        raise votes.VoteError(_("This person has already voted."))
                    if self.info.eligibility == "session" and voter not in {
                        row.participant_id
                        for row in signin.attendance_list(s, self.info.session_id)
                    }:
                        raise votes.VoteError(
                            _("This person has not signed in to this session: sign them in first.")
                        )
                    status = votes.vote_info(s, self.vote_id).status
            except AtelierError as error:
                self._say(self.neutral_message, str(error), "error")
                self.code.selectAll()
                return
        else:
            with self.store.session() as s:
                status = votes.vote_info(s, self.vote_id).status
        if status != "open":
            self._say(self.neutral_message, _("This vote is not open."), "error")
            return
        self.voter_id = voter
        self.reset_choices()
        self.stack.setCurrentIndex(self.VOTER)

    def confirm(self) -> None:
        """Record the ballot (committed at once) and go back to the neutral page."""
        ballot = self.ballot()
        if ballot is None:
            return
        try:
            with self.store.session() as s:
                votes.cast_ballot(s, self.vote_id, ballot, voter_id=self.voter_id, entry="kiosk")
        except AtelierError as error:
            self._say(self.voter_message, str(error), "error")
            return
        self.show_neutral(_("Thank you — your vote is recorded."), "ok")

    # ----------------------------------------------------------------------------- leaving

    def ask_pin(self) -> None:
        self._back_to = self.stack.currentIndex()
        self.pin_field.clear()
        self.pin_message.clear()
        self.stack.setCurrentIndex(self.PIN)
        self.pin_field.setFocus()

    def check_pin(self) -> None:
        if self.pin_field.text() == self._pin:
            self._unlocked = True
            self.close()
            return
        self.pin_field.clear()
        self._say(self.pin_message, _("Wrong PIN."), "error")

    def _pin_cancelled(self) -> None:
        self.stack.setCurrentIndex(getattr(self, "_back_to", self.NEUTRAL))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            if self.stack.currentIndex() == self.PIN:
                self._pin_cancelled()
            else:
                self.ask_pin()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._unlocked:
            event.accept()
            return
        event.ignore()
        if self.stack.currentIndex() != self.PIN:
            self.ask_pin()

    def _say(self, label: QLabel, text: str, tone: str) -> None:
        label.setText(text)
        label.setProperty("tone", tone)
        label.style().unpolish(label)
        label.style().polish(label)
