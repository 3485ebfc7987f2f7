"""A new vote for a workshop session: question, method, options and the method's rules."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import AtelierError
from app.facilitation import votes
from app.facilitation.voting import registry
from app.facilitation.voting.base import TieBreaker
from app.facilitation.voting.majority_judgment import GRADES_BY_LANGUAGE, default_grades
from app.i18n import N_, _
from app.store import Store
from app.views import dialogs

BUDGET_METHODS = ("pb_greedy", "mes")
SEATS_METHODS = ("dots", "approval", "score", "majority_judgment", "borda", "schulze", "stv")

#: Which rule fields each method shows.
RULES_BY_METHOD: dict[str, tuple[str, ...]] = {
    "dots": ("seats", "dots_per_voter", "max_per_option"),
    "score": ("seats", "min", "max"),
    "pb_greedy": ("budget",),
    "mes": ("budget",),
    "proposal": ("quorum", "threshold"),
}
for _name in SEATS_METHODS:
    RULES_BY_METHOD.setdefault(_name, ("seats",))

ELIGIBILITY_LABELS = (
    ("session", N_("People signed in to this session")),
    ("process", N_("People registered in the process")),
    ("open", N_("Anyone (open vote)")),
)
METHOD_HELP = N_(
    "How the ballots are counted. Majority judgment: each voter gives every option a grade, from "
    "the best to the worst (letters A to F on paper); the option with the best majority grade "
    "(the grade a majority gives it or better) wins. Approval: tick every option you accept. "
    "Budgets: voters approve projects, each with its cost, within the budget."
)
PROPOSAL_OPTIONS = (N_("For"), N_("Against"), N_("Abstention"))


class CreateVoteDialog(QDialog):
    """OK creates the vote in draft (``self.vote_id``); a refusal is shown and the dialog
    stays open with what was typed."""

    def __init__(self, store: Store, session_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("createVote")
        self.store = store
        self.session_id = session_id
        self.vote_id: uuid.UUID | None = None
        self.setWindowTitle(_("New vote"))
        self.resize(620, 640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.question = QLineEdit(self)
        self.question.setObjectName("question")
        form.addRow(_("Question:"), self.question)
        self.description = QPlainTextEdit(self)
        self.description.setObjectName("description")
        self.description.setFixedHeight(60)
        form.addRow(_("Description:"), self.description)
        self.method = QComboBox(self)
        self.method.setObjectName("method")
        for name, label in votes.method_choices():
            self.method.addItem(label, name)
        self.method.setWhatsThis(_(METHOD_HELP))
        form.addRow(_("Method:"), self.method)
        self.secret = QCheckBox(_("Secret ballot"), self)
        self.secret.setObjectName("secret")
        self.secret.setChecked(True)
        form.addRow("", self.secret)
        self.eligibility = QComboBox(self)
        self.eligibility.setObjectName("eligibility")
        for key, label in ELIGIBILITY_LABELS:
            self.eligibility.addItem(_(label), key)
        form.addRow(_("Who may vote:"), self.eligibility)
        layout.addLayout(form)

        layout.addWidget(QLabel(_("Options, in the order the ballot lists them:"), self))
        self.options = QTableWidget(0, 2, self)
        self.options.setObjectName("options")
        self.options.setHorizontalHeaderLabels([_("Option"), _("Cost")])
        self.options.verticalHeader().hide()
        self.options.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.options.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.options.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        layout.addWidget(self.options, 1)
        row = QHBoxLayout()
        for text, name, slot in (
            (_("Add an option"), "addOption", lambda: self.add_option()),
            (_("Remove"), "removeOption", self.remove_option),
            (_("Move up"), "moveUp", lambda: self.move_option(-1)),
            (_("Move down"), "moveDown", lambda: self.move_option(1)),
        ):
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

        self.rules_form = QFormLayout()
        self.rule_fields: dict[str, QWidget] = {}

        def spin(key: str, label: str, value: int, low: int = 0, high: int = 1000) -> None:
            box = QSpinBox(self)
            box.setObjectName(f"rule_{key}")
            box.setRange(low, high)
            box.setValue(value)
            self.rule_fields[key] = box
            self.rules_form.addRow(label, box)

        spin("seats", _("Winners (seats):"), 1, 1, 100)
        spin("dots_per_voter", _("Dots per voter:"), 5, 1, 100)
        spin("max_per_option", _("At most on one option:"), 3, 1, 100)
        spin("min", _("Lowest score:"), 0, -100, 100)
        spin("max", _("Highest score:"), 5, -100, 100)
        budget = QDoubleSpinBox(self)
        budget.setObjectName("rule_budget")
        budget.setRange(0, 1e12)
        budget.setDecimals(2)
        budget.setValue(10000)
        self.rule_fields["budget"] = budget
        budget.setWhatsThis(
            _(
                "The money to share out. With the Method of Equal Shares, it is split "
                "equally among the voters; a project is funded when its supporters "
                "can pay its cost together from their shares, so that every group "
                "gets projects in proportion to its size, not only the majority."
            )
        )
        self.rules_form.addRow(_("Budget:"), budget)
        spin("quorum", _("Quorum (ballots cast, 0 = none):"), 0, 0, 100000)
        threshold = QDoubleSpinBox(self)
        threshold.setObjectName("rule_threshold")
        threshold.setRange(0, 1)
        threshold.setSingleStep(0.05)
        threshold.setValue(0.5)
        threshold.setToolTip(_("Share of yes among yes and no that must be exceeded."))
        self.rule_fields["threshold"] = threshold
        self.rules_form.addRow(_("Yes must exceed (share):"), threshold)
        layout.addLayout(self.rules_form)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(_("Create the vote"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.method.currentIndexChanged.connect(self._method_changed)
        self._method_changed()

    # ------------------------------------------------------------------ options

    def add_option(self, title: str = "", cost: str = "") -> None:
        row = self.options.rowCount()
        self.options.insertRow(row)
        self.options.setItem(row, 0, QTableWidgetItem(title))
        self.options.setItem(row, 1, QTableWidgetItem(cost))
        self.options.setCurrentCell(row, 0)

    def remove_option(self) -> None:
        row = self.options.currentRow()
        if row >= 0:
            self.options.removeRow(row)

    def move_option(self, step: int) -> None:
        row = self.options.currentRow()
        target = row + step
        if row < 0 or not 0 <= target < self.options.rowCount():
            return
        for column in range(2):
            a = self.options.takeItem(row, column)
            b = self.options.takeItem(target, column)
            self.options.setItem(row, column, b)
            self.options.setItem(target, column, a)
        self.options.setCurrentCell(target, 0)

    def _cell(self, row: int, column: int) -> str:
        item = self.options.item(row, column)
        return item.text().strip() if item is not None else ""

    # ------------------------------------------------------------------ method

    def method_name(self) -> str:
        return self.method.currentData()

    def _method_changed(self) -> None:
        name = self.method_name()
        shown = RULES_BY_METHOD.get(name, ())
        for key, box in self.rule_fields.items():
            self.rules_form.setRowVisible(box, key in shown)
        self.options.setColumnHidden(1, name not in BUDGET_METHODS)
        titles = [self._cell(r, 0) for r in range(self.options.rowCount())]
        if name == "proposal" and not any(titles):
            self.options.setRowCount(0)
            for title in PROPOSAL_OPTIONS:
                self.add_option(_(title))

    def rules(self) -> dict:
        name = self.method_name()
        rules: dict = {}
        for key in RULES_BY_METHOD.get(name, ()):
            value = self.rule_fields[key].value()
            if key == "quorum" and not value:
                continue
            if key in ("budget", "threshold"):
                rules[key] = round(float(value), 2)
            else:
                rules[key] = int(value)
        return rules

    def vote_data(self) -> votes.VoteData:
        """What the form says; lines left entirely empty are not options."""
        name = self.method_name()
        options = []
        for row in range(self.options.rowCount()):
            title, cost = self._cell(row, 0), self._cell(row, 1)
            if not title and not cost:
                continue
            number = None
            if name in BUDGET_METHODS:
                try:
                    number = float(cost.replace(",", ".").replace(" ", "").replace("\u202f", ""))
                except ValueError:
                    raise votes.VoteError(
                        _("The cost of “{option}” is not a number: “{cost}”.").format(
                            option=title, cost=cost
                        )
                    ) from None
            options.append(votes.OptionData(title, None, number))
        rules = self.rules()
        if name == "majority_judgment" and i18n.current_language() in GRADES_BY_LANGUAGE:
            # grades named in the facilitators' language, stored with the vote
            rules.setdefault("grades", default_grades(i18n.current_language()))
        if name in BUDGET_METHODS:
            # Stored in the rules too: cast_ballot checks each ballot against the stored rules
            # alone, and a budget method refuses rules without costs.
            rules["costs"] = [o.cost or 0 for o in options]
        return votes.VoteData(
            question=self.question.text(),
            method=name,
            options=options,
            rules=rules,
            secret=self.secret.isChecked(),
            eligibility=self.eligibility.currentData(),
            description=self.description.toPlainText().strip() or None,
        )

    def accept(self) -> None:
        try:
            data = self.vote_data()
            if not data.options:
                raise votes.VoteError(_("A vote needs at least one option."))
            # Count no ballot at all: the method checks its rules now, not at closing time.
            registry.count(data.method, [o.title for o in data.options], [], rules=data.rules,
                           tiebreak=TieBreaker(seed=1))  # fmt: skip
            with self.store.session() as s:
                self.vote_id = votes.create_vote(s, self.session_id, data)
        except AtelierError as error:
            dialogs.show_error(self, _("The vote was not created"), str(error))
            return
        super().accept()
