"""Paper ballots typed in after a vote, keyboard first (saisie des bulletins papier).

One line per ballot, in the shape of the vote's method:

* approval (and budgets): the numbers of the approved options, ``1 3``;
* ranking: the numbers from most to least preferred, ``3 1 4``; ``=`` joins a tie, ``2=3 1``;
* dots / score: ``option:number`` pairs, ``1:3 2:1``;
* grades (majority judgment): one letter per option, in order, ``ABFC`` (the legend is shown);
* proposal: ``y``/``n``/``a`` (``oui``, ``non``, ``abstention`` are accepted too).

The line under the field says at once what the ballot means, or why it is not valid. Enter
records it (committed at once), Ctrl+B records a blank ballot, Ctrl+U a spoiled one (nul).
"""

from __future__ import annotations

import html
import re
import uuid
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import votes
from app.facilitation.voting import registry
from app.facilitation.voting.base import InvalidBallot, TieBreaker
from app.facilitation.voting.majority_judgment import DEFAULT_GRADES
from app.i18n import _, ngettext
from app.store import Store
from app.views import dialogs

_STYLE = """
* { font-size: 13pt; }
QDialog#ballotEntry { background: #f7f5f0; }
QLabel#entryTitle { font-size: 18pt; font-weight: 600; color: #1f3a4d; }
QLabel#entryHelp, QLabel#entryLegend { color: #4a5a66; }
QLineEdit#entryField { font-size: 22pt; padding: 6px 10px; border: 2px solid #2d5670;
    border-radius: 6px; background: white; font-family: monospace; }
QLabel#entryMeaning { font-size: 14pt; padding: 8px 12px; border-radius: 6px; }
QLabel#entryMeaning[tone="ok"] { background: #dff0d8; color: #1e4620; }
QLabel#entryMeaning[tone="error"] { background: #f8d7da; color: #6b1a1f; }
QLabel#entryMeaning[tone="hint"] { background: transparent; color: #4a5a66; }
QLabel#entryCounts { font-size: 15pt; font-weight: 600; color: #1f3a4d; }
"""

_YES = {"y", "yes", "o", "oui", "p", "pour"}
_NO = {"n", "no", "non", "c", "contre"}
_ABSTAIN = {"a", "abstain", "abstention", "abs"}
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def grade_names(rules: dict) -> list[str]:
    """The vote's grades, best first (the majority judgment defaults when not set)."""
    grades = rules.get("grades")
    return [str(g) for g in grades] if grades else list(DEFAULT_GRADES)


def _number(token: str, n: int) -> int:
    """A 1-based option number typed by a person → the option's index."""
    if not token.isdigit():
        raise InvalidBallot(_("“{token}” is not an option number.").format(token=token))
    value = int(token)
    if not 1 <= value <= n:
        raise InvalidBallot(
            _("There is no option {number}: the options go from 1 to {n}.").format(
                number=value, n=n
            )
        )
    return value - 1


def _tokens(text: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", text.strip()) if t]


def parse_ballot(kind: str, text: str, n: int, grades: list[str] | None = None) -> Any:
    """The ballot a typed line stands for (see the module's docstring); InvalidBallot if none."""
    text = text.strip()
    if not text:
        raise InvalidBallot(_("Nothing typed yet (Ctrl+B records a blank ballot)."))
    if kind == "approval":
        chosen = [_number(t, n) for t in _tokens(text)]
        if len(set(chosen)) != len(chosen):
            raise InvalidBallot(_("An option is typed twice."))
        return frozenset(chosen)
    if kind == "ranking":
        groups, seen = [], set()
        for token in _tokens(text.replace(" = ", "=").replace("= ", "=").replace(" =", "=")):
            group = [_number(t, n) for t in token.split("=")]
            if seen.intersection(group) or len(set(group)) != len(group):
                raise InvalidBallot(_("An option is typed twice."))
            seen.update(group)
            groups.append(frozenset(group))
        return tuple(groups)
    if kind in ("dots", "score"):
        ballot: dict[int, int] = {}
        for token in _tokens(text):
            option, sep, value = token.partition(":")
            if not sep or not re.fullmatch(r"-?\d+", value):
                raise InvalidBallot(
                    _("Type option:number pairs, like “1:3 2:1” (not “{token}”).").format(
                        token=token
                    )
                )
            index = _number(option, n)
            if index in ballot:
                raise InvalidBallot(_("An option is typed twice."))
            ballot[index] = int(value)
        return ballot
    if kind == "grades":
        grades = grades or list(DEFAULT_GRADES)
        letters = "".join(text.split()).upper()
        if len(letters) != n:
            raise InvalidBallot(
                ngettext(
                    "Type one letter per option: {n} letter.",
                    "Type one letter per option: {n} letters.",
                    n,
                ).format(n=n)
            )
        ballot = {}
        for index, letter in enumerate(letters):
            grade = _LETTERS.find(letter)
            if not 0 <= grade < len(grades):
                raise InvalidBallot(
                    _("“{letter}” is not a grade: use {first} to {last}.").format(
                        letter=letter, first=_LETTERS[0], last=_LETTERS[len(grades) - 1]
                    )
                )
            ballot[index] = grade
        return ballot
    word = text.lower()
    if word in _YES:
        return "yes"
    if word in _NO:
        return "no"
    if word in _ABSTAIN:
        return "abstain"
    raise InvalidBallot(_("Type y (yes), n (no) or a (abstain)."))


def describe(kind: str, ballot: Any, options: list[str], grades: list[str] | None = None) -> str:
    """A ballot in plain words, for the line under the field and the kiosk's summary."""
    if kind == "approval":
        if not ballot:
            return _("No option approved.")
        return _("Approves: {options}").format(
            options=", ".join(options[i] for i in sorted(ballot))
        )
    if kind == "ranking":
        if not ballot:
            return _("No option ranked.")
        return _("Ranks: {order}").format(
            order=" > ".join(" = ".join(options[i] for i in sorted(g)) for g in ballot)
        )
    if kind in ("dots", "score"):
        if not ballot:
            return _("No option given anything.")
        return "; ".join(f"{options[i]}: {v}" for i, v in sorted(ballot.items()))
    if kind == "grades":
        grades = grades or list(DEFAULT_GRADES)
        return "; ".join(f"{options[i]}: {grades[g]}" for i, g in sorted(ballot.items()))
    return {"yes": _("Yes"), "no": _("No"), "abstain": _("Abstain")}.get(ballot, str(ballot))


def check_ballot(info: votes.VoteInfo, ballot: Any) -> None:
    """Apply the method's own checks to one ballot (raises InvalidBallot), as cast_ballot does."""
    options = [o.title for o in info.options]
    rules = dict(info.rules)
    if registry.method(info.method).module == "budget" and "costs" not in rules:
        rules["costs"] = [o.cost or 0 for o in info.options]
    registry.count(info.method, options, [(ballot, 1)], rules=rules, tiebreak=TieBreaker(seed=1))


def entry_help(kind: str) -> str:
    return {
        "approval": _("Type the numbers of the approved options, e.g. “1 3”."),
        "ranking": _(
            "Type the numbers from first to last choice, e.g. “3 1 4”; “=” for a tie, e.g. “2=3 1”."
        ),
        "dots": _("Type option:dots pairs, e.g. “1:3 2:1”."),
        "score": _("Type option:score pairs, e.g. “1:3 2:1”."),
        "grades": _("Type one letter per option, in order, e.g. “ABF”."),
    }.get(kind, _("Type y (yes), n (no) or a (abstain)."))


class BallotEntryDialog(QDialog):
    """Type the paper ballots of one open vote, one line each, Enter to record."""

    def __init__(self, store: Store, vote_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.store = store
        self.vote_id = vote_id
        self.setObjectName("ballotEntry")
        self.setStyleSheet(_STYLE)
        with store.session() as s:
            self.info = votes.vote_info(s, vote_id)
        self.kind = self.info.ballot
        self.options = [o.title for o in self.info.options]
        self.grades = grade_names(self.info.rules) if self.kind == "grades" else None
        #: This batch: valid, blank and spoiled ballots recorded since the batch began.
        self.batch = {"valid": 0, "blank": 0, "spoiled": 0}
        self._ballot: Any = None
        self.setWindowTitle(_("Paper ballots — {question}").format(question=self.info.question))
        self.resize(900, 640)

        title = QLabel(self.info.question, self)
        title.setObjectName("entryTitle")
        title.setWordWrap(True)
        method = QLabel(self.info.method_label, self)
        method.setObjectName("entryHelp")

        numbered = "<br>".join(f"<b>{i + 1}</b> {_html(t)}" for i, t in enumerate(self.options))
        option_list = QLabel(numbered, self)
        option_list.setTextFormat(Qt.TextFormat.RichText)
        self.legend = QLabel(self)
        self.legend.setObjectName("entryLegend")
        self.legend.setWordWrap(True)
        if self.grades:
            self.legend.setText(
                "  ".join(f"{_LETTERS[i]} = {g}" for i, g in enumerate(self.grades))
            )
        else:
            self.legend.hide()

        self.batch_name = QLineEdit(self)
        self.batch_name.setObjectName("entryBatch")
        self.batch_name.setPlaceholderText(_("e.g. box 1, table 3"))
        self.batch_name.editingFinished.connect(self._batch_renamed)
        new_batch = QPushButton(_("New batch"), self)
        new_batch.setAutoDefault(False)
        new_batch.clicked.connect(self.new_batch)
        batch_row = QHBoxLayout()
        batch_row.addWidget(self.batch_name, 1)
        batch_row.addWidget(new_batch)
        form = QFormLayout()
        form.addRow(_("Batch"), batch_row)

        help_label = QLabel(entry_help(self.kind), self)
        help_label.setObjectName("entryHelp")
        help_label.setWordWrap(True)
        self.field = QLineEdit(self)
        self.field.setObjectName("entryField")
        self.field.setPlaceholderText(_("Ballot, then Enter"))
        self.field.textChanged.connect(self.validate)
        self.field.returnPressed.connect(self.record)
        self.meaning = QLabel(self)
        self.meaning.setObjectName("entryMeaning")
        self.meaning.setWordWrap(True)
        self.meaning.setMinimumHeight(48)

        self.record_button = QPushButton(_("Record (Enter)"), self)
        self.record_button.setAutoDefault(False)
        self.record_button.clicked.connect(self.record)
        blank = QPushButton(_("Blank (Ctrl+B)"), self)
        blank.setAutoDefault(False)
        blank.clicked.connect(lambda: self.record_status("blank"))
        spoiled = QPushButton(_("Spoiled (Ctrl+U)"), self)
        spoiled.setAutoDefault(False)
        spoiled.clicked.connect(lambda: self.record_status("spoiled"))
        QShortcut(QKeySequence("Ctrl+B"), self, lambda: self.record_status("blank"))
        QShortcut(QKeySequence("Ctrl+U"), self, lambda: self.record_status("spoiled"))
        buttons = QHBoxLayout()
        buttons.addWidget(self.record_button)
        buttons.addWidget(blank)
        buttons.addWidget(spoiled)
        buttons.addStretch(1)
        close = QPushButton(_("Close"), self)
        close.setAutoDefault(False)
        close.clicked.connect(self.accept)
        buttons.addWidget(close)

        # Double entry (double saisie): two people type the same stack; nothing is recorded
        # until both passes agree ballot by ballot.
        self.double = QCheckBox(_("Double entry"), self)
        self.double.setObjectName("entryDouble")
        self.double.setToolTip(
            _("Two people type the same ballots; nothing is recorded until both passes agree.")
        )
        self.double.setWhatsThis(
            _(
                "Double entry: a first person types the pile of ballots, then "
                "“Second pass” lets a second person type the same pile. "
                "“Compare and record” lists every ballot the two passes "
                "disagree on; nothing is recorded until they agree."
            )
        )
        self.double.toggled.connect(self._double_toggled)
        self.second_button = QPushButton(_("Second pass (Ctrl+2)"), self)
        self.second_button.setAutoDefault(False)
        self.second_button.clicked.connect(self.second_pass)
        self.compare_button = QPushButton(_("Compare and record (Ctrl+R)"), self)
        self.compare_button.setAutoDefault(False)
        self.compare_button.clicked.connect(self.compare_and_record)
        QShortcut(QKeySequence("Ctrl+2"), self, self.second_pass)
        QShortcut(QKeySequence("Ctrl+R"), self, self.compare_and_record)
        double_row = QHBoxLayout()
        double_row.addWidget(self.double)
        double_row.addWidget(self.second_button)
        double_row.addWidget(self.compare_button)
        double_row.addStretch(1)
        self.pass_label = QLabel(self)
        self.pass_label.setObjectName("entryHelp")
        self.mismatches = QListWidget(self)
        self.mismatches.setObjectName("entryMismatches")
        self.mismatches.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.passes: list[list[tuple[str, Any, str]]] = [[], []]
        self.pass_index = 0
        self._show_double()

        self.batch_label = QLabel(self)
        self.batch_label.setObjectName("entryCounts")
        self.totals_label = QLabel(self)
        self.totals_label.setObjectName("entryHelp")

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(method)
        layout.addWidget(option_list)
        layout.addWidget(self.legend)
        layout.addLayout(form)
        layout.addWidget(help_label)
        layout.addWidget(self.field)
        layout.addWidget(self.meaning)
        layout.addLayout(buttons)
        layout.addLayout(double_row)
        layout.addWidget(self.pass_label)
        layout.addWidget(self.mismatches)
        layout.addStretch(1)
        layout.addWidget(self.batch_label)
        layout.addWidget(self.totals_label)

        if self.info.status != "open":
            self.field.setEnabled(False)
            self._say(_("This vote is not open: no ballot can be recorded."), "error")
        else:
            self.validate()
        self.refresh_counts()
        self.field.setFocus()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.field.setFocus()

    # ----------------------------------------------------------------------------- typing

    def validate(self) -> bool:
        """Say what the typed line means, or why it is not a valid ballot."""
        text = self.field.text()
        self._ballot = None
        if not text.strip():
            self._say(_("Nothing typed yet (Ctrl+B records a blank ballot)."), "hint")
            return False
        try:
            ballot = parse_ballot(self.kind, text, len(self.options), self.grades)
            check_ballot(self.info, ballot)
        except AtelierError as error:
            self._say(str(error), "error")
            return False
        self._ballot = ballot
        self._say(describe(self.kind, ballot, self.options, self.grades), "ok")
        return True

    def record(self) -> None:
        """Enter: record the typed ballot (committed at once) and clear the field."""
        if not self.field.isEnabled() or not self.validate():
            return
        if self.double.isChecked():
            self._keep("valid", self._ballot, self.field.text().strip())
        elif self._cast(self._ballot, "valid"):
            self.field.clear()

    def record_status(self, status: str) -> None:
        """A blank or spoiled (nul) ballot; what was typed is dropped."""
        if not self.field.isEnabled():
            return
        if self.double.isChecked():
            self._keep(status, None, "")
        elif self._cast(None, status):
            self.field.clear()

    # ----------------------------------------------------------------------------- double entry

    def _double_toggled(self, on: bool) -> None:
        if not on and any(self.passes):
            # Typed but unrecorded ballots are not silently dropped: keep the mode on.
            self.double.blockSignals(True)
            self.double.setChecked(True)
            self.double.blockSignals(False)
            self._say(_("Compare and record the typed ballots before leaving double entry."),
                      "error")  # fmt: skip
            return
        self.passes, self.pass_index = [[], []], 0
        self.mismatches.clear()
        self._show_double()
        self.field.setFocus()

    def _label(self, status: str, ballot: Any) -> str:
        if status == "blank":
            return _("blank")
        if status == "spoiled":
            return _("spoiled")
        return describe(self.kind, ballot, self.options, self.grades)

    def _keep(self, status: str, ballot: Any, text: str) -> None:
        """Double entry: the line goes to the current pass, or settles the selected mismatch."""
        item = self.mismatches.currentItem()
        if item is not None:
            position = item.data(Qt.ItemDataRole.UserRole)
            for typed in self.passes:
                while len(typed) <= position:
                    typed.append(("missing", None, ""))
                typed[position] = (status, ballot, text)
            self.mismatches.takeItem(self.mismatches.row(item))
            if self.mismatches.count():
                self.mismatches.setCurrentRow(0)
            self._say(_("Ballot {n} settled.").format(n=position + 1), "ok")
        else:
            self.passes[self.pass_index].append((status, ballot, text))
            self._say(_("Kept for comparison: {ballot}").format(
                ballot=self._label(status, ballot)), "ok")  # fmt: skip
        self.field.clear()
        self._show_double()

    def second_pass(self) -> None:
        if not self.double.isChecked() or self.pass_index == 1:
            return
        self.pass_index = 1
        self._show_double()
        self.field.setFocus()

    def compare_and_record(self) -> None:
        """Both passes agree: record every ballot. Otherwise list where they differ."""
        if not self.double.isChecked() or self.pass_index == 0:
            return
        first, second = self.passes
        self.mismatches.clear()
        for position in range(max(len(first), len(second))):
            a = first[position] if position < len(first) else ("missing", None, "")
            b = second[position] if position < len(second) else ("missing", None, "")
            if (a[0], a[1]) != (b[0], b[1]):
                text = _("Ballot {n}: first pass “{a}”, second pass “{b}”").format(
                    n=position + 1,
                    a=_("missing") if a[0] == "missing" else a[2] or self._label(a[0], a[1]),
                    b=_("missing") if b[0] == "missing" else b[2] or self._label(b[0], b[1]),
                )
                self.mismatches.addItem(text)
                item = self.mismatches.item(self.mismatches.count() - 1)
                item.setData(Qt.ItemDataRole.UserRole, position)
        if self.mismatches.count():
            self.mismatches.setCurrentRow(0)
            self._say(
                ngettext(
                    "{n} ballot differs: check the paper, type the right line for the "
                    "selected one and press Enter.",
                    "{n} ballots differ: check the paper, type the right line for the "
                    "selected one and press Enter.",
                    self.mismatches.count(),
                ).format(n=self.mismatches.count()),
                "error",
            )
            self._show_double()
            return
        recorded = 0
        for status, ballot, _text in first:
            if not self._cast(ballot if status == "valid" else None, status):
                break
            recorded += 1
        # What was recorded leaves the lists; anything refused stays to be looked at.
        self.passes = [first[recorded:], second[recorded:]]
        if not self.passes[0]:
            self.passes, self.pass_index = [[], []], 0
            self._say(
                ngettext("{n} ballot recorded.", "{n} ballots recorded.", recorded).format(
                    n=recorded
                ),
                "ok",
            )
        self._show_double()
        self.field.setFocus()

    def _show_double(self) -> None:
        on = self.double.isChecked()
        for widget in (self.second_button, self.compare_button, self.pass_label):
            widget.setVisible(on)
        self.second_button.setEnabled(on and self.pass_index == 0)
        self.compare_button.setEnabled(on and self.pass_index == 1)
        self.mismatches.setVisible(on and self.mismatches.count() > 0)
        if on:
            first, second = (len(p) for p in self.passes)
            which = _("first pass") if self.pass_index == 0 else _("second pass")
            self.pass_label.setText(
                _("Double entry, {which}: {first} typed in the first pass, {second} in the "
                  "second (not recorded yet).").format(which=which, first=first, second=second)
            )  # fmt: skip

    def _cast(self, ballot: Any, status: str) -> bool:
        try:
            with self.store.session() as s:
                votes.cast_ballot(s, self.vote_id, ballot, status=status, entry="paper")
        except AtelierError as error:
            dialogs.show_error(self, _("Ballot not recorded"), str(error))
            return False
        self.batch[status] += 1
        self.refresh_counts()
        what = {"valid": _("Ballot recorded."), "blank": _("Blank ballot recorded."),
                "spoiled": _("Spoiled ballot recorded.")}[status]  # fmt: skip
        self._say(what, "ok")
        return True

    # ----------------------------------------------------------------------------- batches

    def new_batch(self) -> None:
        self.batch = {"valid": 0, "blank": 0, "spoiled": 0}
        self.batch_name.clear()
        self.refresh_counts()
        self.batch_name.setFocus()

    def _batch_renamed(self) -> None:
        self.refresh_counts()
        self.field.setFocus()

    def refresh_counts(self) -> None:
        total = sum(self.batch.values())
        name = self.batch_name.text().strip()
        head = _("Batch “{name}”").format(name=name) if name else _("This batch")
        self.batch_label.setText(
            ngettext(
                "{head}: {n} ballot ({valid} valid, {blank} blank, {spoiled} spoiled)",
                "{head}: {n} ballots ({valid} valid, {blank} blank, {spoiled} spoiled)",
                total,
            ).format(head=head, n=total, **self.batch)
        )
        with self.store.session() as s:
            counts = votes.ballot_counts(s, self.vote_id)
        self.totals_label.setText(
            _("Whole vote: {valid} valid, {blank} blank, {spoiled} spoiled").format(
                valid=counts.valid, blank=counts.blank, spoiled=counts.spoiled
            )
        )

    def _say(self, text: str, tone: str) -> None:
        self.meaning.setText(text)
        self.meaning.setProperty("tone", tone)
        self.meaning.style().unpolish(self.meaning)
        self.meaning.style().polish(self.meaning)


def _html(text: str) -> str:
    return html.escape(text)
