"""Import (a wizard: file, columns, values, check, import) and export of participants."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGridLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from app.errors import AtelierError, Cancelled
from app.facilitation import importing
from app.facilitation.consent import list_purposes
from app.facilitation.exporting import export_participants
from app.facilitation.participants import stakeholder_choices
from app.facilitation.vocabularies import load_vocabularies
from app.i18n import N_, _, ngettext
from app.store import Store
from app.views import dialogs
from app.views.jobs import run_job, track
from app.views.models.base import Index, RowTableModel

TABLE_FILTER = "CSV, Excel (*.csv *.txt *.tsv *.xlsx)"

#: What the column-matching page offers, in this order (see app/facilitation/importing.py).
FIELD_LABELS = {
    "ignore": N_("(leave out)"),
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "full_name": N_("Full name (last and first)"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "postal_address": N_("Postal address"),
    "postal_code": N_("Postcode"),
    "city": N_("Town"),
    "stakeholder_type": N_("Stakeholder type"),
    "affiliation": N_("Organisation"),
    "birth_year": N_("Birth year"),
    "birth_date": N_("Date of birth (year kept)"),
    "notes": N_("Notes"),
    "jury_volunteer": N_("Volunteers for a citizen jury"),
}


def mapping_targets(vocabularies, purposes) -> list[tuple[str, str]]:
    """(target, label) pairs a column can be mapped to: fields, attributes, consents."""
    targets = [(target, _(label)) for target, label in FIELD_LABELS.items()]
    targets += [
        (f"attribute:{key}", _("Attribute: {name}").format(name=v.label))
        for key, v in vocabularies.items()
    ]
    targets += [(f"consent:{p.code}", _("Consent: {name}").format(name=p.label)) for p in purposes]
    return targets


def allowed_values(target: str, vocabularies) -> list[tuple[str, str]]:
    """(value, label) pairs a file's value can be mapped to for ``target``."""
    if target == "stakeholder_type":
        return stakeholder_choices()
    if target.startswith("attribute:"):
        vocabulary = vocabularies.get(target.split(":", 1)[1])
        return [(v.value, v.value) for v in vocabulary.values] if vocabulary else []
    return []


# --------------------------------------------------------------------------- export


def export_dialog(area) -> None:
    name, _filter = QFileDialog.getSaveFileName(
        area,
        _("Export participants"),
        str(Path.home() / _("participants.csv")),
        "CSV (*.csv);;Excel (*.xlsx)",
    )
    if name:
        track(area, export_to(area, Path(name), area.search.text()))


async def export_to(parent, path: Path, search: str = "") -> int | None:
    store: Store = parent.store
    kind = "xlsx" if path.suffix.lower() == ".xlsx" else "csv"

    def job(*, progress, cancel):
        with store.session() as session:
            return export_participants(
                session, path, kind=kind, search=search, progress=progress, cancel=cancel
            )

    try:
        count = await run_job(parent, _("Exporting…"), job)
    except Cancelled:
        return None
    except AtelierError as exc:
        dialogs.show_error(parent, _("Export"), str(exc))
        return None
    window = parent.window()
    if hasattr(window, "statusBar"):
        window.statusBar().showMessage(
            ngettext(
                "{n} participant exported to {path}", "{n} participants exported to {path}", count
            ).format(n=count, path=path),
            8000,
        )
    return count


# --------------------------------------------------------------------------- import


def import_dialog(area) -> None:
    wizard = ImportWizard(area.store, area)
    if wizard.exec() and wizard.imported:
        area.undo_stack.clear()
        area.refresh()


def _clear(grid: QGridLayout) -> None:
    """Remove every widget of a grid (a page rebuilt each time it is shown)."""
    while grid.count():
        item = grid.takeAt(0)
        if item.widget():
            item.widget().deleteLater()


class ProblemModel(RowTableModel):
    COLUMNS = (N_("Line"), N_("Column"), N_("Value"), N_("Problem"))

    def set_problems(self, problems) -> None:
        self.beginResetModel()
        self._rows = list(problems)
        self.endResetModel()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        problem = self._rows[index.row()]
        return (problem.line, problem.column, problem.value, problem.reason)[index.column()]


class ImportWizard(QWizard):
    """File → columns → values outside the vocabularies → check → import (one transaction)."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.preview: importing.SourcePreview | None = None
        self.mapping: importing.ImportMapping | None = None
        self.report: importing.ImportReport | None = None
        self.imported = 0
        with store.session() as session:
            self.vocabularies = load_vocabularies(session)
            self.purposes = list_purposes(session)
        self.setWindowTitle(_("Import participants"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.resize(860, 600)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.values_page = ValuesPage(self)
        self.check_page = CheckPage(self)
        for page in (self.file_page, self.columns_page, self.values_page, self.check_page):
            self.addPage(page)
        self.setButtonText(QWizard.WizardButton.FinishButton, _("Import"))
        self.setButtonText(QWizard.WizardButton.NextButton, _("Next"))
        self.setButtonText(QWizard.WizardButton.BackButton, _("Back"))
        self.setButtonText(QWizard.WizardButton.CancelButton, _("Cancel"))

    def load(self, path: Path) -> bool:
        try:
            self.preview = importing.preview_file(path)
        except AtelierError as exc:
            dialogs.show_error(self, _("Import participants"), str(exc))
            return False
        self.mapping = importing.suggest_mapping(
            self.preview, self.vocabularies, [p.code for p in self.purposes]
        )
        return True

    def targets(self) -> list[tuple[str, str]]:
        """(target, label) pairs a column can be mapped to."""
        return mapping_targets(self.vocabularies, self.purposes)

    def check(self) -> importing.ImportReport | None:
        """Check the whole file with the current mapping (no writing)."""
        with self.store.session() as session:
            self.report = importing.check_import(session, self.preview.path, self.mapping)
        return self.report

    async def run_import(self) -> int:
        mapping, path = self.mapping, self.preview.path

        def job(*, progress, cancel):
            with self.store.session() as session:
                return importing.import_participants(
                    session, path, mapping, progress=progress, cancel=cancel
                )

        try:
            result = await run_job(self, _("Importing…"), job)
        except Cancelled:
            return 0
        except importing.ImportRefused as exc:
            self.report = exc.report
            self.check_page.show_report()
            return 0
        except AtelierError as exc:
            dialogs.show_error(self, _("Import participants"), str(exc))
            return 0
        self.imported = result.count
        return result.count


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Choose a file"))
        self.setSubTitle(
            _(
                "A CSV file (comma, semicolon or tab; UTF-8, Windows or Latin-1) or an Excel "
                "file whose first row names the columns."
            )
        )
        layout = QGridLayout(self)
        self.path = QLineEdit(self)
        self.path.setObjectName("importPath")
        browse = QPushButton(_("Browse…"), self)
        browse.clicked.connect(self._browse)
        layout.addWidget(self.path, 0, 0)
        layout.addWidget(browse, 0, 1)
        self.info = QLabel(self)
        self.info.setWordWrap(True)
        layout.addWidget(self.info, 1, 0, 1, 2)
        layout.setRowStretch(2, 1)
        self.path.textChanged.connect(self.completeChanged)

    def _browse(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Import participants"), str(Path.home()), TABLE_FILTER
        )
        if name:
            self.path.setText(name)

    def isComplete(self) -> bool:
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:
        wizard: ImportWizard = self.wizard()
        if not wizard.load(Path(self.path.text().strip())):
            return False
        preview = wizard.preview
        self.info.setText(
            ngettext("{n} row found.", "{n} rows found.", preview.row_count).format(
                n=preview.row_count
            )
        )
        return True


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Match the columns"))
        self.setSubTitle(
            _("Say what each column of the file holds; leave out what you do not need.")
        )
        outer = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        outer.addWidget(self.summary)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll, 1)
        self.body = QWidget()
        scroll.setWidget(self.body)
        self.grid = QGridLayout(self.body)
        self.combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:
        wizard: ImportWizard = self.wizard()
        preview = wizard.preview
        _clear(self.grid)
        self.combos.clear()
        self.summary.setText(
            _("{name}: {kind}, {encoding}, {n} rows.").format(
                name=preview.path.name,
                kind=preview.kind.upper(),
                encoding=preview.encoding or "—",
                n=preview.row_count,
            )
        )
        for column, title in enumerate((_("Column"), _("Examples"), _("Holds"))):
            label = QLabel(f"<b>{title}</b>")
            self.grid.addWidget(label, 0, column)
        targets = wizard.targets()
        for row, header in enumerate(preview.headers, start=1):
            self.grid.addWidget(QLabel(header), row, 0)
            examples = [r[row - 1] for r in preview.sample_rows[:3] if len(r) >= row]
            sample = QLabel(" · ".join(e for e in examples if e)[:80])
            sample.setObjectName("detailHint")
            self.grid.addWidget(sample, row, 1)
            combo = QComboBox()
            combo.setObjectName(f"target_{row - 1}")
            for target, label in targets:
                combo.addItem(label, target)
            combo.setCurrentIndex(
                max(0, combo.findData(wizard.mapping.columns.get(header, "ignore")))
            )
            self.grid.addWidget(combo, row, 2)
            self.combos[header] = combo
        self.grid.setRowStretch(len(preview.headers) + 1, 1)

    def nextId(self) -> int:
        wizard: ImportWizard = self.wizard()
        ids = wizard.pageIds()
        if wizard.report is not None and not wizard.report.unknown_values:
            return ids[-1]  # nothing outside the vocabularies: straight to the check
        return ids[ids.index(wizard.currentId()) + 1]

    def validatePage(self) -> bool:
        wizard: ImportWizard = self.wizard()
        wizard.mapping.columns = {h: c.currentData() for h, c in self.combos.items()}
        try:
            wizard.check()
        except AtelierError as exc:
            dialogs.show_error(self, _("Import participants"), str(exc))
            return False
        return True


class ValuesPage(QWizardPage):
    """Values found in the file that are not in a vocabulary: the user says what they mean."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Values outside the lists"))
        self.setSubTitle(
            _(
                "These answers are not among the allowed values. Choose the value each one "
                "stands for; nothing is created without you."
            )
        )
        outer = QVBoxLayout(self)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        outer.addWidget(scroll, 1)
        self.body = QWidget()
        scroll.setWidget(self.body)
        self.grid = QGridLayout(self.body)
        self.combos: dict[tuple[str, str], QComboBox] = {}

    def initializePage(self) -> None:
        wizard: ImportWizard = self.wizard()
        _clear(self.grid)
        self.combos.clear()
        row = 0
        for target, counts in wizard.report.unknown_values.items():
            choices = allowed_values(target, wizard.vocabularies)
            title = dict(wizard.targets()).get(target, target)
            self.grid.addWidget(QLabel(f"<b>{title}</b>"), row, 0, 1, 2)
            row += 1
            for raw, count in sorted(counts.items(), key=lambda kv: -kv[1]):
                self.grid.addWidget(
                    QLabel(
                        ngettext("“{value}” ({n} row)", "“{value}” ({n} rows)", count).format(
                            value=raw, n=count
                        )
                    ),
                    row,
                    0,
                )
                combo = QComboBox()
                combo.addItem(_("(choose)"), None)
                combo.addItem(_("(leave empty)"), "")
                for value, label in choices:
                    combo.addItem(label, value)
                combo.currentIndexChanged.connect(self.completeChanged)
                self.grid.addWidget(combo, row, 1)
                self.combos[(target, raw)] = combo
                row += 1
        self.grid.setRowStretch(row, 1)

    def isComplete(self) -> bool:
        return all(c.currentData() is not None for c in self.combos.values())

    def validatePage(self) -> bool:
        wizard: ImportWizard = self.wizard()
        for (target, raw), combo in self.combos.items():
            wizard.mapping.values.setdefault(target, {})[raw] = combo.currentData()
        wizard.check()
        return True

    def nextId(self) -> int:
        return self.wizard().pageIds()[-1]


class CheckPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(_("Check before importing"))
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.model = ProblemModel(self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        layout.addWidget(self.table, 1)

    def initializePage(self) -> None:
        self.show_report()

    def show_report(self) -> None:
        report = self.wizard().report
        self.model.set_problems(report.problems[:1000])
        if report.ok:
            text = ngettext(
                "{n} participant ready to import.", "{n} participants ready to import.", report.rows
            ).format(n=report.rows)
            duplicates = len(report.duplicates_in_file) + len(report.duplicates_in_registry)
            if duplicates:
                text += " " + ngettext(
                    "{n} looks like a duplicate: check Participants > Duplicates afterwards.",
                    "{n} look like duplicates: check Participants > Duplicates afterwards.",
                    duplicates,
                ).format(n=duplicates)
        else:
            problems = len(report.problems)
            text = ngettext(
                "{n} problem must be fixed in the file or the matching; nothing will be "
                "imported until then.",
                "{n} problems must be fixed in the file or the matching; nothing will be "
                "imported until then.",
                problems,
            ).format(n=problems)
        self.summary.setText(text)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        report = self.wizard().report
        return report is not None and report.ok

    def validatePage(self) -> bool:
        wizard: ImportWizard = self.wizard()
        future = track(wizard, wizard.run_import())
        future.add_done_callback(lambda f: f.result() and wizard.accept())
        return False  # the wizard closes when the import job has finished
