"""Evaluation juries: the list, then for one jury its members, candidates and criteria, a
keyboard-first scoring grid per member, the results and the deliberation.

Every score is saved as soon as it is typed (one transaction per cell), so a crash loses
nothing; a score can be undone with the window's Undo. In the grid: type a number, Enter or
Tab moves on, Delete clears; a recused candidate is greyed and skipped.
"""

from __future__ import annotations

import uuid

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QKeyEvent, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemDelegate,
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import juries as J
from app.facilitation import sessions as S
from app.i18n import _, ngettext
from app.models import JURY_COLLEGES
from app.store import Store
from app.views import dialogs, qt_i18n
from app.views.dialogs import confirm
from app.views.models.juries import (
    CandidateModel,
    CriterionModel,
    JuryListModel,
    MemberModel,
    RankingModel,
    ScoreGridModel,
)

ERROR_STYLE = "color: #a40000; font-weight: bold;"
OK_STYLE = "color: #2e6b12;"


def _table(parent: QWidget, name: str, model) -> QTableView:
    table = QTableView(parent)
    table.setObjectName(name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    header = table.horizontalHeader()  # small tables: columns as wide as their titles and cells
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class NewJuryDialog(QDialog):
    """Process, title and scale of a new evaluation jury."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.jury_id: uuid.UUID | None = None
        self.setWindowTitle(_("New evaluation jury"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.process = QComboBox(self)
        with store.session() as s:
            for p in S.list_processes(s):
                self.process.addItem(p.title, p.id)
        form.addRow(_("Process"), self.process)
        self.title = QLineEdit(self)
        self.title.setPlaceholderText(_("e.g. Jury of the design competition for the square"))
        form.addRow(_("Title"), self.title)
        scale = QHBoxLayout()
        self.scale_min = QSpinBox(self)
        self.scale_max = QSpinBox(self)
        for box, value in ((self.scale_min, 0), (self.scale_max, 10)):
            box.setRange(-100, 1000)
            box.setValue(value)
        scale.addWidget(self.scale_min)
        scale.addWidget(QLabel(_("to"), self))
        scale.addWidget(self.scale_max)
        scale.addStretch(1)
        form.addRow(_("Scores from"), scale)
        self.description = QLineEdit(self)
        form.addRow(_("What it decides"), self.description)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        if self.process.currentData() is None:
            dialogs.show_error(self, _("New evaluation jury"), _("Create a process first."))
            return
        try:
            with self.store.session() as s:
                info = J.create_jury(
                    s,
                    self.process.currentData(),
                    self.title.text(),
                    scale_min=self.scale_min.value(),
                    scale_max=self.scale_max.value(),
                    description=self.description.text(),
                )
        except AtelierError as exc:
            dialogs.show_error(self, _("New evaluation jury"), str(exc))
            return
        self.jury_id = info.id
        super().accept()


class CollegeDelegate(QStyledItemDelegate):
    """A drop-down list of colleges for the member table."""

    def createEditor(self, parent, option, index):
        box = QComboBox(parent)
        for code in JURY_COLLEGES:
            box.addItem(_(J.COLLEGE_LABELS[code]), code)
        return box

    def setEditorData(self, editor, index):
        editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))

    def setModelData(self, editor, model, index):
        model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)


class ScoreGridView(QTableView):
    """Enter and Tab move to the next cell to score (skipping recused rows and the total),
    Shift+Tab goes back, Delete clears. A refused value keeps the cell for a new try."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.last_ok = True
        #: Called with the current cell when a key is typed on a cell that takes no score.
        self.on_locked = None
        self.setEditTriggers(
            QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(True)

    def _editable(self, row: int, column: int) -> bool:
        index = self.model().index(row, column)
        return bool(self.model().flags(index) & Qt.ItemFlag.ItemIsEditable)

    def step(self, forward: bool = True) -> QModelIndex:
        """The next (or previous) cell to score, row by row; the current one at the end."""
        model = self.model()
        rows, columns = model.rowCount(), model.columnCount()
        current = self.currentIndex()
        if not rows or not columns:
            return current
        at = current.row() * columns + current.column() if current.isValid() else -1
        for i in range(1, rows * columns + 1):
            place = at + i if forward else at - i
            if not 0 <= place < rows * columns:
                break
            row, column = divmod(place, columns)
            if self._editable(row, column):
                return model.index(row, column)
        return current

    def closeEditor(self, editor, hint) -> None:
        moves = {
            QAbstractItemDelegate.EndEditHint.EditNextItem: True,
            QAbstractItemDelegate.EndEditHint.SubmitModelCache: True,
            QAbstractItemDelegate.EndEditHint.EditPreviousItem: False,
        }
        super().closeEditor(editor, QAbstractItemDelegate.EndEditHint.NoHint)
        if hint in moves and self.last_ok:
            self.setCurrentIndex(self.step(moves[hint]))
        self.setFocus()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        index = self.currentIndex()
        if (
            self.state() != QAbstractItemView.State.EditingState
            and index.isValid()
            and event.text().strip()
            and not self.model().flags(index) & Qt.ItemFlag.ItemIsEditable
            and self.on_locked is not None
        ):
            self.on_locked(index)
            return
        if self.state() != QAbstractItemView.State.EditingState:
            if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                index = self.currentIndex()
                if index.isValid() and self.model().flags(index) & Qt.ItemFlag.ItemIsEditable:
                    self.model().setData(index, "", Qt.ItemDataRole.EditRole)
                return
            if key in (Qt.Key.Key_Tab, Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.setCurrentIndex(self.step(True))
                return
            if key == Qt.Key.Key_Backtab:
                self.setCurrentIndex(self.step(False))
                return
        super().keyPressEvent(event)


class ScoreCommand(QUndoCommand):
    """One typed score, undoable: the score before and after (None: no score)."""

    def __init__(self, page: EvaluationJuriesPage, key, before, after) -> None:
        super().__init__(_("Score"))
        self.page, self.key, self.before, self.after = page, key, before, after
        self.done = True  # the score is already saved when the command is pushed

    def _apply(self, value) -> None:
        member, candidate, criterion = self.key
        try:
            with self.page.store.session() as s:
                if value is None:
                    J.clear_score(s, member, candidate, criterion)
                else:
                    J.set_score(s, member, candidate, criterion, value)
        except AtelierError as exc:
            dialogs.show_error(self.page, _("Evaluation jury"), str(exc))
        self.page.reload()

    def redo(self) -> None:
        if self.done:
            self.done = False
            return
        self._apply(self.after)

    def undo(self) -> None:
        self._apply(self.before)


class EvaluationJuriesPage(QWidget):
    """Evaluation juries of the workspace, and the work of the selected one."""

    def __init__(
        self, store: Store, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        from app.views.areas.empty_state import EmptyState

        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.detail: J.JuryDetail | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        layout.addWidget(splitter, 1)

        # ---- the list of juries
        left = QWidget(splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.jury_model = JuryListModel(self)
        self.jury_table = _table(left, "juryList", self.jury_model)
        self.jury_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.jury_table.horizontalHeader().setStretchLastSection(False)
        self.jury_table.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.ResizeToContents
        )
        self.jury_table.setWordWrap(False)
        self.jury_table.selectionModel().selectionChanged.connect(lambda *_a: self.load())
        left_layout.addWidget(self.jury_table, 1)
        buttons = QHBoxLayout()
        self.new_button = QPushButton(_("New jury…"), left)
        self.new_button.setObjectName("newJury")
        self.new_button.clicked.connect(self.new_jury)
        self.delete_button = QPushButton(_("Delete"), left)
        self.delete_button.setObjectName("deleteJury")
        self.delete_button.clicked.connect(self.delete_jury)
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        left_layout.addLayout(buttons)

        # ---- one jury
        self.stack = QStackedWidget(splitter)
        self.empty = EmptyState(
            _("No evaluation jury yet"),
            _(
                "An evaluation jury — residents, elected representatives and experts, as on "
                "the jury of a design competition — scores candidates on weighted criteria, "
                "deliberates and records its decision. Create one with “New jury…”."
            ),
            self.stack,
        )
        self.stack.addWidget(self.empty)
        body = QWidget(self.stack)
        body_layout = QVBoxLayout(body)
        body_layout.setContentsMargins(8, 0, 0, 0)
        self.heading = QLabel(body)
        self.heading.setObjectName("juryHeading")
        self.heading.setWordWrap(True)
        body_layout.addWidget(self.heading)
        self.tabs = QTabWidget(body)
        self.tabs.setObjectName("juryTabs")
        body_layout.addWidget(self.tabs, 1)
        self.stack.addWidget(body)
        self.body = body
        splitter.addWidget(left)
        splitter.addWidget(self.stack)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([260, 800])

        self._build_members()
        self._build_candidates()
        self._build_criteria()
        self._build_grid()
        self._build_results()
        self._build_deliberation()
        self.tabs.currentChanged.connect(lambda _i: self._tab_shown())
        self.refresh()

    # ------------------------------------------------------------------ building

    def _editor_tab(self, title: str, name: str, model, form: QHBoxLayout, remove) -> QTableView:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        table = _table(page, name, model)
        table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        layout.addWidget(table, 1)
        layout.addLayout(form)
        remove_button = QPushButton(_("Remove"), page)
        remove_button.setObjectName(f"{name}Remove")
        remove_button.clicked.connect(remove)
        form.addWidget(remove_button)
        self.tabs.addTab(page, title)
        self._locked.append(remove_button)
        return table

    def _build_members(self) -> None:
        self._locked: list[QWidget] = []
        self.member_model = MemberModel(self)
        self.member_model.edited.connect(self.edit_member)
        form = QHBoxLayout()
        self.member_name = QLineEdit(self)
        self.member_name.setObjectName("memberName")
        self.member_name.setPlaceholderText(_("Name"))
        self.member_code = QLineEdit(self)
        self.member_code.setObjectName("memberCode")
        self.member_code.setPlaceholderText(_("or participant code"))
        self.member_code.setMinimumWidth(200)
        self.member_college = QComboBox(self)
        self.member_college.setObjectName("memberCollege")
        for code in JURY_COLLEGES:
            self.member_college.addItem(_(J.COLLEGE_LABELS[code]), code)
        add = QPushButton(_("Add the member"), self)
        add.setObjectName("addMember")
        add.clicked.connect(self.add_member)
        self.member_name.returnPressed.connect(self.add_member)
        self.member_code.returnPressed.connect(self.add_member)
        for widget in (self.member_name, self.member_code, self.member_college, add):
            form.addWidget(widget, 2 if widget is self.member_name else 0)
            self._locked.append(widget)
        self.member_table = self._editor_tab(
            _("Members"), "memberTable", self.member_model, form, self.remove_member
        )
        self.member_table.setItemDelegateForColumn(1, CollegeDelegate(self.member_table))
        self.member_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _build_candidates(self) -> None:
        self.candidate_model = CandidateModel(self)
        self.candidate_model.edited.connect(self.edit_candidate)
        form = QHBoxLayout()
        self.candidate_name = QLineEdit(self)
        self.candidate_name.setObjectName("candidateName")
        self.candidate_name.setPlaceholderText(_("Candidate (team, project…)"))
        self.candidate_name.returnPressed.connect(self.add_candidate)
        add = QPushButton(_("Add the candidate"), self)
        add.setObjectName("addCandidate")
        add.clicked.connect(self.add_candidate)
        form.addWidget(self.candidate_name, 1)
        form.addWidget(add)
        self._locked += [self.candidate_name, add]
        self.candidate_table = self._editor_tab(
            _("Candidates"), "candidateTable", self.candidate_model, form, self.remove_candidate
        )

    def _build_criteria(self) -> None:
        self.criterion_model = CriterionModel(self)
        self.criterion_model.edited.connect(self.edit_criterion)
        form = QHBoxLayout()
        self.criterion_name = QLineEdit(self)
        self.criterion_name.setObjectName("criterionName")
        self.criterion_name.setPlaceholderText(_("Criterion"))
        self.criterion_name.returnPressed.connect(self.add_criterion)
        self.criterion_weight = QDoubleSpinBox(self)
        self.criterion_weight.setObjectName("criterionWeight")
        self.criterion_weight.setRange(0.1, 100)
        self.criterion_weight.setDecimals(1)
        self.criterion_weight.setValue(1)
        self.criterion_weight.setPrefix(_("weight "))
        add = QPushButton(_("Add the criterion"), self)
        add.setObjectName("addCriterion")
        add.clicked.connect(self.add_criterion)
        form.addWidget(self.criterion_name, 1)
        form.addWidget(self.criterion_weight)
        form.addWidget(add)
        self._locked += [self.criterion_name, self.criterion_weight, add]
        self.criterion_table = self._editor_tab(
            _("Criteria"), "criterionTable", self.criterion_model, form, self.remove_criterion
        )
        self.criterion_table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Stretch
        )

    def _build_grid(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        top = QHBoxLayout()
        top.addWidget(QLabel(_("Member:"), page))
        self.member_box = QComboBox(page)
        self.member_box.setObjectName("gridMember")
        self.member_box.setMinimumContentsLength(24)
        self.member_box.currentIndexChanged.connect(lambda _i: self.show_grid())
        top.addWidget(self.member_box, 1)
        self.recuse_button = QPushButton(_("Recuse…"), page)
        self.recuse_button.setObjectName("recuse")
        self.recuse_button.setToolTip(
            _("The member declares a conflict of interest with the selected candidate")
        )
        self.recuse_button.clicked.connect(self.recuse)
        self.withdraw_button = QPushButton(_("Withdraw the recusal"), page)
        self.withdraw_button.setObjectName("withdrawRecusal")
        self.withdraw_button.clicked.connect(self.withdraw)
        top.addWidget(self.recuse_button)
        top.addWidget(self.withdraw_button)
        layout.addLayout(top)
        self.grid_model = ScoreGridModel(self)
        self.grid_model.saver = self.save_score
        self.grid = ScoreGridView(page)
        self.grid.setObjectName("scoreGrid")
        self.grid.setModel(self.grid_model)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.grid.horizontalHeader().setMinimumSectionSize(90)
        self.grid.horizontalHeader().setStretchLastSection(True)
        self.grid.verticalHeader().setDefaultSectionSize(32)
        self.grid.selectionModel().currentChanged.connect(lambda *_a: self._grid_buttons())
        self.grid.on_locked = self._locked_cell
        layout.addWidget(self.grid, 1)
        self.grid_message = QLabel(page)
        self.grid_message.setObjectName("gridMessage")
        self.grid_message.setWordWrap(True)
        layout.addWidget(self.grid_message)
        self.grid_progress = QLabel(page)
        self.grid_progress.setObjectName("gridProgress")
        layout.addWidget(self.grid_progress)
        self.tabs.addTab(page, _("Scoring grid"))
        self.grid_page = page

    def _build_results(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        self.ranking_model = RankingModel(self)
        self.ranking = _table(page, "rankingTable", self.ranking_model)
        self.ranking.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        layout.addWidget(self.ranking, 1)
        self.agreement_label = QLabel(page)
        self.agreement_label.setObjectName("agreement")
        self.agreement_label.setWordWrap(True)
        layout.addWidget(self.agreement_label)
        self.completeness_label = QLabel(page)
        self.completeness_label.setObjectName("completeness")
        self.completeness_label.setWordWrap(True)
        layout.addWidget(self.completeness_label)
        self.convention_label = QLabel(page)
        self.convention_label.setObjectName("convention")
        self.convention_label.setWordWrap(True)
        self.convention_label.setStyleSheet("color: #555;")
        layout.addWidget(self.convention_label)
        self.tabs.addTab(page, _("Results"))
        self.results_page = page

    def _build_deliberation(self) -> None:
        page = QWidget(self.tabs)
        layout = QVBoxLayout(page)
        layout.addWidget(QLabel(_("Deliberation notes"), page))
        self.notes = QPlainTextEdit(page)
        self.notes.setObjectName("juryNotes")
        self.notes.setPlaceholderText(
            _("Arguments heard, points of agreement and disagreement, reservations…")
        )
        layout.addWidget(self.notes, 2)
        row = QHBoxLayout()
        self.save_notes_button = QPushButton(_("Save the notes"), page)
        self.save_notes_button.setObjectName("saveNotes")
        self.save_notes_button.clicked.connect(self.save_notes)
        self.deliberate_button = QPushButton(_("Start the deliberation"), page)
        self.deliberate_button.setObjectName("startDeliberation")
        self.deliberate_button.clicked.connect(self.start_deliberation)
        row.addWidget(self.save_notes_button)
        row.addWidget(self.deliberate_button)
        row.addStretch(1)
        layout.addLayout(row)
        layout.addWidget(QLabel(_("Final decision"), page))
        self.decision = QPlainTextEdit(page)
        self.decision.setObjectName("juryDecision")
        self.decision.setPlaceholderText(
            _("e.g. The jury awards the competition to the project “Le jardin des Lavandières”.")
        )
        layout.addWidget(self.decision, 1)
        row = QHBoxLayout()
        self.decide_button = QPushButton(_("Record the decision"), page)
        self.decide_button.setObjectName("recordDecision")
        self.decide_button.clicked.connect(self.record_decision)
        row.addWidget(self.decide_button)
        self.decided_label = QLabel(page)
        self.decided_label.setObjectName("decidedLabel")
        self.decided_label.setWordWrap(True)
        row.addWidget(self.decided_label, 1)
        layout.addLayout(row)
        self.tabs.addTab(page, _("Deliberation"))
        self.deliberation_page = page

    # ------------------------------------------------------------------ data

    def jury_id(self) -> uuid.UUID | None:
        rows = self.jury_table.selectionModel().selectedRows()
        return self.jury_model.row_at(rows[0].row()).id if rows else None

    def refresh(self, select: uuid.UUID | None = None) -> None:
        """Reload the list of juries, keeping (or choosing) the selected one."""
        select = select or self.jury_id()
        with self.store.session() as s:
            found = J.list_juries(s)
        self.jury_table.selectionModel().blockSignals(True)
        self.jury_model.set_rows(found)
        self.jury_table.selectionModel().blockSignals(False)
        ids = [info.id for info in found]
        if found:
            self.jury_table.selectRow(ids.index(select) if select in ids else 0)
        self.load()

    def load(self) -> None:
        """Show the selected jury (everything reloaded from the store)."""
        self._keep_notes()
        jury_id = self.jury_id()
        self.delete_button.setEnabled(jury_id is not None)
        if jury_id is None:
            self.detail = None
            self.stack.setCurrentWidget(self.empty)
            return
        with self.store.session() as s:
            self.detail = J.jury_detail(s, jury_id)
        self.stack.setCurrentWidget(self.body)
        self._fill(new_jury=True)

    def reload(self) -> None:
        """After a change: the same jury, fresh data, the same member and cell in the grid."""
        if self.detail is None:
            return
        try:
            with self.store.session() as s:
                self.detail = J.jury_detail(s, self.detail.info.id)
        except AtelierError:
            self.refresh()
            return
        row = self.jury_model._rows.index(
            next(r for r in self.jury_model._rows if r.id == self.detail.info.id)
        )
        self.jury_model._rows[row] = self.detail.info
        self.jury_model.dataChanged.emit(
            self.jury_model.index(row, 0), self.jury_model.index(row, 1)
        )
        self._fill(new_jury=False)

    def _fill(self, new_jury: bool) -> None:
        d = self.detail
        info = d.info
        decided = info.status == "decided"
        self.heading.setText(
            _("<b>{title}</b> · {process} · {status} · scores from {low} to {high}").format(
                title=_escape(info.title), process=_escape(info.process_title),
                status=info.status_label, low=info.scale_min, high=info.scale_max,
            )
        )  # fmt: skip
        for model, rows in (
            (self.member_model, d.members),
            (self.candidate_model, d.candidates),
            (self.criterion_model, d.criteria),
        ):
            model.read_only = decided
            model.set_rows(rows)
        for widget in self._locked:
            widget.setEnabled(not decided)
        self.delete_button.setEnabled(not decided)
        self._fill_member_box(d)
        if new_jury:
            self.grid_model.set_member(None, None)
        self.show_grid()
        if new_jury:
            self.notes.setPlainText(info.notes or "")
            self.notes.document().setModified(False)
            self.decision.setPlainText(info.decision or "")
            self.grid_message.clear()
        self.notes.setReadOnly(decided)
        self.decision.setReadOnly(decided)
        self.save_notes_button.setEnabled(not decided)
        self.decide_button.setEnabled(not decided)
        self.deliberate_button.setEnabled(info.status == "open")
        if decided:
            self.decided_label.setText(
                _("Decision recorded on {when}; the jury can no longer change.").format(
                    when=qt_i18n.format_datetime(info.decided_at)
                )
            )
        else:
            self.decided_label.setText("")
        self.show_results()

    def _fill_member_box(self, d: J.JuryDetail) -> None:
        """The member chooser, with each member's progress; it keeps its choice."""
        progress = {m.member_id: m for m in J.completeness_of(d).members}
        texts = [
            _("{name} ({done}/{expected} scored)").format(
                name=m.name, done=progress[m.id].scored, expected=progress[m.id].expected
            )
            for m in d.members
        ]
        ids = [m.id for m in d.members]
        box = self.member_box
        box.blockSignals(True)
        if ids == [box.itemData(i) for i in range(box.count())]:
            for i, text in enumerate(texts):
                box.setItemText(i, text)
        else:
            chosen = box.currentData()
            box.clear()
            for member_id, text in zip(ids, texts, strict=True):
                box.addItem(text, member_id)
            at = box.findData(chosen) if chosen is not None else -1
            box.setCurrentIndex(at if at >= 0 else (0 if ids else -1))
        box.blockSignals(False)

    def show_grid(self) -> None:
        """The chosen member's grid; the current cell is kept while the member and the
        shape of the grid stay the same."""
        member = self.member_box.currentData()
        d = self.detail
        same = (
            member is not None
            and d is not None
            and self.grid_model.member_id == member
            and self.grid_model.rowCount() == len(d.candidates)
            and self.grid_model.columnCount() == len(d.criteria) + 1
        )
        if same:
            self.grid_model.update_detail(d)
        else:
            self.grid_model.set_member(d if member else None, member)
            if self.grid_model.rowCount():
                self.grid.setCurrentIndex(self.grid_model.index(0, 0))
        current = self.grid.currentIndex()
        if current.isValid() and self.grid_model.recusal(current.row()) is not None:
            # a recused row: go to the next cell to score (or the previous one)
            ahead = self.grid.step(True)
            self.grid.setCurrentIndex(ahead if ahead != current else self.grid.step(False))
        self._grid_buttons()
        self._grid_progress()

    def _grid_progress(self) -> None:
        if self.detail is None:
            return
        member = self.member_box.currentData()
        for p in J.completeness_of(self.detail).members:
            if p.member_id == member:
                if p.done:
                    text = _("All scores entered for this member.")
                else:
                    text = _(
                        "{done} of {expected} scores entered. Type a score, then Enter or "
                        "Tab; Delete clears it."
                    ).format(done=p.scored, expected=p.expected)
                self.grid_progress.setText(text)
                return
        self.grid_progress.setText(_("Add members, candidates and criteria, then score here."))

    def _grid_buttons(self) -> None:
        index = self.grid.currentIndex()
        open_ = self.detail is not None and self.detail.info.status != "decided"
        has = index.isValid() and open_ and self.grid_model.rowCount() > 0
        recused = has and self.grid_model.recusal(index.row()) is not None
        self.recuse_button.setEnabled(has and not recused)
        self.withdraw_button.setEnabled(has and recused)

    def show_results(self) -> None:
        if self.detail is None:
            return
        with self.store.session() as s:
            found = J.results(s, self.detail.info.id)
        self.ranking_model.set_results(found)
        agreement = found.agreement
        self.agreement_label.setText(" ".join(t for t in (agreement.reading, agreement.basis) if t))
        progress = found.completeness
        if progress.complete:
            self.completeness_label.setText(_("Every member has scored everything."))
        else:
            missing = [m.name for m in progress.members if not m.done]
            self.completeness_label.setText(
                _("Scores entered: {done} of {expected}. Still scoring: {names}.").format(
                    done=progress.scored, expected=progress.expected, names=", ".join(missing)
                )
            )
        self.convention_label.setText(found.convention)

    def _keep_notes(self) -> None:
        """Notes typed but not saved are saved when the person moves elsewhere."""
        if (
            self.detail is not None
            and self.detail.info.status != "decided"
            and self.notes.document().isModified()
        ):
            self.save_notes()

    def _tab_shown(self) -> None:
        self._keep_notes()
        if self.tabs.currentWidget() is self.grid_page:
            self.grid.setFocus()

    # ------------------------------------------------------------------ actions

    def _run(self, title: str, action) -> bool:
        """Do one change; a refusal is shown and nothing changes. Reloads the jury."""
        try:
            with self.store.session() as s:
                action(s)
        except AtelierError as exc:
            dialogs.show_error(self, title, str(exc))
            self.reload()
            return False
        self.reload()
        return True

    def new_jury(self) -> None:
        dialog = NewJuryDialog(self.store, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.refresh(dialog.jury_id)

    def delete_jury(self) -> None:
        jury_id = self.jury_id()
        if jury_id is None or not confirm(
            self,
            _("Delete the jury"),
            _("Delete “{title}” with its members, candidates and scores?").format(
                title=self.detail.info.title
            ),
        ):
            return
        try:
            with self.store.session() as s:
                J.delete_jury(s, jury_id)
        except AtelierError as exc:
            dialogs.show_error(self, _("Delete the jury"), str(exc))
            return
        self.refresh()

    def add_member(self) -> None:
        if self.detail is None:
            return
        name, code = self.member_name.text(), self.member_code.text().strip()
        college = self.member_college.currentData()
        jury_id = self.detail.info.id
        if self._run(_("Add a member"), lambda s: J.add_member(
                s, jury_id, name, participant=code or None, college=college)):  # fmt: skip
            self.member_name.clear()
            self.member_code.clear()
            self.member_name.setFocus()

    def edit_member(self, member: J.MemberInfo, column: int, text: str) -> None:
        if column == 0:
            self._run(_("Rename"), lambda s: J.update_member(s, member.id, name=text))
        else:
            self._run(_("College"), lambda s: J.update_member(s, member.id, college=text))

    def _selected(self, table: QTableView, model):
        rows = table.selectionModel().selectedRows()
        return model.row_at(rows[0].row()) if rows else None

    def _scored(self, test) -> int:
        return sum(1 for key in self.detail.scores if test(key))

    def remove_member(self) -> None:
        member = self._selected(self.member_table, self.member_model)
        if member is None:
            return
        n = self._scored(lambda key: key[0] == member.id)
        if n and not confirm(self, _("Remove"), ngettext("Remove {name} and their score?",
                "Remove {name} and their {n} scores?", n).format(
                name=member.name, n=n)):  # fmt: skip
            return
        self._run(_("Remove"), lambda s: J.remove_member(s, member.id))

    def add_candidate(self) -> None:
        if self.detail is None:
            return
        name, jury_id = self.candidate_name.text(), self.detail.info.id
        if self._run(_("Add a candidate"), lambda s: J.add_candidate(s, jury_id, name)):
            self.candidate_name.clear()
            self.candidate_name.setFocus()

    def edit_candidate(self, candidate: J.CandidateInfo, column: int, text: str) -> None:
        if column == 0:
            self._run(_("Rename"), lambda s: J.update_candidate(s, candidate.id, name=text))
        else:
            self._run(
                _("Description"), lambda s: J.update_candidate(s, candidate.id, description=text)
            )

    def remove_candidate(self) -> None:
        candidate = self._selected(self.candidate_table, self.candidate_model)
        if candidate is None:
            return
        n = self._scored(lambda key: key[1] == candidate.id)
        if n and not confirm(self, _("Remove"), ngettext("Remove “{name}” and its score?",
                "Remove “{name}” and its {n} scores?", n).format(
                name=candidate.name, n=n)):  # fmt: skip
            return
        self._run(_("Remove"), lambda s: J.remove_candidate(s, candidate.id))

    def add_criterion(self) -> None:
        if self.detail is None:
            return
        name, weight = self.criterion_name.text(), self.criterion_weight.value()
        jury_id = self.detail.info.id
        if self._run(_("Add a criterion"), lambda s: J.add_criterion(s, jury_id, name, weight)):
            self.criterion_name.clear()
            self.criterion_weight.setValue(1)
            self.criterion_name.setFocus()

    def edit_criterion(self, criterion: J.CriterionInfo, column: int, text: str) -> None:
        if column == 0:
            self._run(_("Rename"), lambda s: J.update_criterion(s, criterion.id, name=text))
            return
        try:
            weight = float(text.replace(",", "."))
        except ValueError:
            weight = 0.0
        self._run(_("Weight"), lambda s: J.update_criterion(s, criterion.id, weight=weight))

    def remove_criterion(self) -> None:
        criterion = self._selected(self.criterion_table, self.criterion_model)
        if criterion is None:
            return
        n = self._scored(lambda key: key[2] == criterion.id)
        if n and not confirm(self, _("Remove"), ngettext("Remove “{name}” and its score?",
                "Remove “{name}” and its {n} scores?", n).format(
                name=criterion.name, n=n)):  # fmt: skip
            return
        self._run(_("Remove"), lambda s: J.remove_criterion(s, criterion.id))

    # ------------------------------------------------------------------ scores

    def save_score(self, candidate_id: uuid.UUID, criterion_id: uuid.UUID, text: str):
        """Save a typed score at once (empty text clears it). Returns an error message."""
        member_id = self.member_box.currentData()
        key = (member_id, candidate_id, criterion_id)
        before = self.detail.scores.get(key)
        text = text.strip()
        try:
            with self.store.session() as s:
                if text:
                    after = J.set_score(s, member_id, candidate_id, criterion_id, text)
                else:
                    J.clear_score(s, member_id, candidate_id, criterion_id)
                    after = None
        except AtelierError as exc:
            self.grid.last_ok = False
            self.grid_message.setStyleSheet(ERROR_STYLE)
            self.grid_message.setText(
                _("“{text}” refused: {reason}").format(text=text, reason=str(exc))
            )
            return str(exc)
        self.grid.last_ok = True
        self.grid_message.setStyleSheet(OK_STYLE)
        self.grid_message.setText(_("Saved.") if after is not None else _("Score cleared."))
        if before != after:
            self.undo_stack.push(ScoreCommand(self, key, before, after))
        self.reload()
        return None

    def _locked_cell(self, index) -> None:
        """Say why a typed key was not taken."""
        recusal = self.grid_model.recusal(index.row())
        if recusal is not None:
            text = _(
                "No score here: this member declared a conflict of interest with "
                "“{candidate}” ({reason})."
            ).format(candidate=self.grid_model.candidate(index.row()).name, reason=recusal.reason)
        elif self.detail.info.status == "decided":
            text = _("The decision of this jury is recorded: it can no longer change.")
        else:
            text = _("The weighted total is computed from the scores.")
        self.grid_message.setStyleSheet(ERROR_STYLE)
        self.grid_message.setText(text)  # fmt: skip

    def recuse(self) -> None:
        index = self.grid.currentIndex()
        member_id = self.member_box.currentData()
        if not index.isValid() or member_id is None:
            return
        candidate = self.grid_model.candidate(index.row())
        member = next(m.name for m in self.detail.members if m.id == member_id)
        reason, ok = QInputDialog.getText(
            self,
            _("Conflict of interest"),
            _("Why does this member recuse from “{candidate}”? Their scores of it will be "
              "removed and they will not score it.").format(candidate=candidate.name),
        )  # fmt: skip
        if not ok:
            return
        if self._run(
            _("Conflict of interest"),
            lambda s: J.declare_recusal(s, member_id, candidate.id, reason),
        ):
            self.undo_stack.clear()  # the dropped scores are not brought back by undo
            self.grid_message.setStyleSheet(OK_STYLE)
            self.grid_message.setText(
                _("Conflict of interest recorded: {member} does not score “{candidate}”.").format(
                    member=member, candidate=candidate.name
                )
            )

    def withdraw(self) -> None:
        index = self.grid.currentIndex()
        member_id = self.member_box.currentData()
        if not index.isValid() or member_id is None:
            return
        candidate = self.grid_model.candidate(index.row())
        self._run(
            _("Conflict of interest"),
            lambda s: J.withdraw_recusal(s, member_id, candidate.id),
        )

    # ------------------------------------------------------------------ deliberation

    def save_notes(self) -> bool:
        if self.detail is None:
            return False
        text, jury_id = self.notes.toPlainText(), self.detail.info.id
        self.notes.document().setModified(False)  # asked once, even when refused
        return self._run(_("Deliberation notes"), lambda s: J.set_notes(s, jury_id, text))

    def start_deliberation(self) -> None:
        if self.detail is not None and self.save_notes():
            jury_id = self.detail.info.id
            self._run(_("Deliberation"), lambda s: J.start_deliberation(s, jury_id))

    def record_decision(self) -> None:
        if self.detail is None:
            return
        text = self.decision.toPlainText().strip()
        if not text:
            dialogs.show_error(
                self, _("Record the decision"), _("Write the decision before recording it.")
            )
            return
        progress = J.completeness_of(self.detail)
        missing = progress.expected - progress.scored
        question = _("Record this decision? The jury will be closed: no score, member, "
                     "candidate or note can change afterwards.")  # fmt: skip
        if missing:
            question += " " + ngettext(
                "{n} score is still missing.", "{n} scores are still missing.", missing
            ).format(n=missing)
        if not confirm(self, _("Record the decision"), question):
            return
        if not self.save_notes():
            return
        jury_id = self.detail.info.id
        if self._run(_("Record the decision"), lambda s: J.record_decision(s, jury_id, text)):
            self.undo_stack.clear()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
