"""Documents: choose a document and what it is about, make the PDF, see what was printed.

The history lists every document generated in this workspace with its SHA-256, so a copy
handed to the council can be checked later. "Identity…" sets the name and logo printed in the
header of every document.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import i18n
from app.errors import AtelierError
from app.facilitation import identity as identity_module
from app.facilitation import reports
from app.i18n import N_, _
from app.store import Store
from app.views import dialogs
from app.views.documents.actions import ask_path, generate_to, open_document
from app.views.jobs import track
from app.views.models.base import Index, RowTableModel


class HistoryModel(RowTableModel):
    COLUMNS = (N_("Date"), N_("Document"), N_("Title"), N_("Language"), N_("Pages"), N_("SHA-256"))

    def set_entries(self, entries: list[reports.HistoryEntry]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self.endResetModel()

    def row_at(self, row: int) -> reports.HistoryEntry:
        return self._rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        entry: reports.HistoryEntry = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                entry.created_at.astimezone().strftime("%Y-%m-%d %H:%M"),
                entry.kind_label,
                entry.title,
                entry.language,
                str(entry.pages),
                entry.sha256[:16] + "…",
            )[column]
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 5:
                return entry.sha256
            return entry.path or None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class IdentityDialog(QDialog):
    """The name and logo printed in the header of every document of this workspace."""

    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("identityDialog")
        self.setWindowTitle(_("Identity on documents"))
        self.store = store
        with store.session() as s:
            current = identity_module.get_identity(s)
            self.default_name = identity_module.default_name(s)
        self.logo: bytes | None = current.logo
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = QLineEdit(current.name if current.name_typed else "", self)
        self.name_edit.setObjectName("identityName")
        self.name_edit.setPlaceholderText(self.default_name or _("e.g. Ville de …"))
        form.addRow(_("Name printed in headers:"), self.name_edit)
        self.preview = QLabel(self)
        self.preview.setObjectName("logoPreview")
        self.preview.setMinimumHeight(64)
        buttons_row = QHBoxLayout()
        choose = QPushButton(_("Choose a logo…"), self)
        choose.setObjectName("chooseLogo")
        choose.clicked.connect(self.choose_logo)
        self.clear_button = QPushButton(_("No logo"), self)
        self.clear_button.setObjectName("clearLogo")
        self.clear_button.clicked.connect(self.clear_logo)
        buttons_row.addWidget(choose)
        buttons_row.addWidget(self.clear_button)
        buttons_row.addStretch(1)
        form.addRow(_("Logo (PNG or JPEG, at most 1 MB):"), self.preview)
        form.addRow("", buttons_row)
        layout.addLayout(form)
        box = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        box.accepted.connect(self.save)
        box.rejected.connect(self.reject)
        layout.addWidget(box)
        self.show_logo()

    def show_logo(self) -> None:
        if self.logo:
            pixmap = QPixmap()
            pixmap.loadFromData(self.logo)
            self.preview.setPixmap(
                pixmap.scaledToHeight(64, Qt.TransformationMode.SmoothTransformation)
            )
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText(_("(no logo)"))
        self.clear_button.setEnabled(self.logo is not None)

    def choose_logo(self) -> None:
        name, _filter = QFileDialog.getOpenFileName(
            self, _("Choose a logo"), str(Path.home()), _("Images (*.png *.jpg *.jpeg)")
        )
        if name:
            self.load_logo(Path(name))

    def load_logo(self, path: Path) -> bool:
        """Read and check a logo file; a refusal is explained and changes nothing."""
        try:
            data = path.read_bytes()
            identity_module.check_logo(data)
        except OSError as error:
            dialogs.show_error(self, _("Logo"), str(error.strerror or error))
            return False
        except AtelierError as error:
            dialogs.show_error(self, _("Logo"), str(error))
            return False
        self.logo = data
        self.show_logo()
        return True

    def clear_logo(self) -> None:
        self.logo = None
        self.show_logo()

    def save(self) -> None:
        try:
            with self.store.session() as s:
                identity_module.set_identity(s, name=self.name_edit.text(), logo=self.logo)
        except AtelierError as error:
            dialogs.show_error(self, _("Identity on documents"), str(error))
            return
        self.accept()


class DocumentsArea(QWidget):
    def __init__(
        self, store: Store, undo_stack: QUndoStack | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.undo_stack = undo_stack
        self.option_widgets: dict[str, QWidget] = {}
        self.last: reports.GeneratedInfo | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 16)

        title_row = QHBoxLayout()
        title = QLabel(_("Documents"), self)
        title.setObjectName("areaTitle")
        title_row.addWidget(title)
        title_row.addStretch(1)
        self.identity_label = QLabel(self)
        self.identity_label.setObjectName("identityLabel")
        title_row.addWidget(self.identity_label)
        identity_button = QPushButton(_("Identity…"), self)
        identity_button.setObjectName("identityButton")
        identity_button.clicked.connect(self.edit_identity)
        title_row.addWidget(identity_button)
        layout.addLayout(title_row)

        form = QFormLayout()
        self.kind_box = QComboBox(self)
        self.kind_box.setObjectName("documentKind")
        for kind, spec in reports.DOCUMENTS.items():
            self.kind_box.addItem(_(spec.label), kind)
        self.kind_box.currentIndexChanged.connect(lambda _i: self.kind_changed())
        form.addRow(_("Document:"), self.kind_box)
        subject_row = QHBoxLayout()
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("subjectFilter")
        self.filter_edit.setPlaceholderText(_("Filter…"))
        self.filter_edit.setMaximumWidth(160)
        self.filter_edit.textChanged.connect(lambda _t: self.fill_subjects())
        self.subject_box = QComboBox(self)
        self.subject_box.setObjectName("documentSubject")
        self.subject_box.setMinimumContentsLength(40)
        self.subject_box.currentIndexChanged.connect(lambda _i: self.update_buttons())
        subject_row.addWidget(self.subject_box, 1)
        subject_row.addWidget(self.filter_edit)
        self.subject_label = QLabel(_("About:"), self)
        form.addRow(self.subject_label, subject_row)
        self.language_box = QComboBox(self)
        self.language_box.setObjectName("documentLanguage")
        for code, name in i18n.LANGUAGES.items():
            self.language_box.addItem(name, code)
        self.language_box.setCurrentIndex(
            max(0, self.language_box.findData(i18n.current_language()))
        )
        form.addRow(_("Language:"), self.language_box)
        self.options_row = QHBoxLayout()
        self.options_label = QLabel(_("Options:"), self)
        form.addRow(self.options_label, self.options_row)
        layout.addLayout(form)

        actions = QHBoxLayout()
        self.generate_button = QPushButton(_("Generate…"), self)
        self.generate_button.setObjectName("generateDocument")
        self.generate_button.clicked.connect(self.generate)
        actions.addWidget(self.generate_button)
        self.open_after = QCheckBox(_("Open it when ready (to read or print)"), self)
        self.open_after.setObjectName("openAfter")
        self.open_after.setChecked(True)
        actions.addWidget(self.open_after)
        actions.addStretch(1)
        layout.addLayout(actions)
        self.status = QLabel(self)
        self.status.setObjectName("documentStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.status)

        layout.addWidget(QLabel(_("Documents generated in this workspace"), self))
        self.history = HistoryModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("documentHistory")
        self.table.setModel(self.history)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        for column in range(len(HistoryModel.COLUMNS)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        layout.addWidget(self.table, 1)
        history_actions = QHBoxLayout()
        self.open_button = QPushButton(_("Open"), self)
        self.open_button.setObjectName("openDocument")
        self.open_button.clicked.connect(self.open_selected)
        history_actions.addWidget(self.open_button)
        history_actions.addStretch(1)
        layout.addLayout(history_actions)
        self.table.selectionModel().selectionChanged.connect(lambda *_a: self.update_buttons())
        self._subjects: list[tuple[uuid.UUID, str]] = []
        self.refresh()

    # ------------------------------------------------------------------ data

    def kind(self) -> str:
        return self.kind_box.currentData()

    def subject_id(self) -> uuid.UUID | None:
        return self.subject_box.currentData()

    def refresh(self) -> None:
        with self.store.session() as s:
            name = identity_module.get_identity(s).name
            self.history.set_entries(reports.history(s))
        self.identity_label.setText(name or _("(no name set)"))
        self.kind_changed()

    def kind_changed(self) -> None:
        kind = self.kind()
        if kind is None:
            return
        spec = reports.spec(kind)
        self.subject_label.setText(
            _("{what}:").format(
                what=_(reports.SUBJECT_LABELS.get(spec.subject_kind, N_("Subject")))
            )
        )
        try:
            with self.store.session() as s:
                self._subjects = reports.subject_choices(s, kind)
        except AtelierError as error:
            self._subjects = []
            self.status.setText(str(error))
        self.filter_edit.setVisible(len(self._subjects) > 20)
        self.fill_subjects()
        self.build_options(spec)

    def fill_subjects(self) -> None:
        from app.models.text import fold, latin

        chosen = self.subject_id()
        wanted = latin(fold(self.filter_edit.text()))
        self.subject_box.blockSignals(True)
        self.subject_box.clear()
        for subject_id, label in self._subjects:
            if not wanted or wanted in latin(fold(label)):
                self.subject_box.addItem(label, subject_id)
        at = next(
            (i for i in range(self.subject_box.count()) if self.subject_box.itemData(i) == chosen),
            0 if self.subject_box.count() else -1,
        )
        self.subject_box.setCurrentIndex(at)
        self.subject_box.blockSignals(False)
        self.update_buttons()

    def build_options(self, spec: reports.DocumentSpec) -> None:
        while self.options_row.count():
            item = self.options_row.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.option_widgets = {}
        for option in spec.options:
            self.options_row.addWidget(QLabel(_(option.help), self))
            if option.choices:
                widget = QComboBox(self)
                for choice in option.choices:
                    widget.addItem(str(choice), choice)
                widget.setCurrentIndex(max(0, widget.findData(option.default)))
            elif option.type is int:
                widget = QSpinBox(self)
                widget.setRange(0, 5000)
                if option.default == 0:  # 0 lets the document choose (e.g. one per voter)
                    widget.setSpecialValueText(_("automatic"))
                widget.setValue(int(option.default))
            else:  # text, e.g. a date typed as YYYY-MM-DD
                widget = QLineEdit(str(option.default or ""), self)
                widget.setMaximumWidth(140)
            widget.setObjectName(f"option_{option.name}")
            self.options_row.addWidget(widget)
            self.option_widgets[option.name] = widget
        self.options_row.addStretch(1)
        self.options_label.setVisible(bool(spec.options))

    def options(self) -> dict:
        values = {}
        for name, widget in self.option_widgets.items():
            if isinstance(widget, QComboBox):
                values[name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text().strip()
            else:
                values[name] = widget.value()
        return values

    def current_entry(self) -> reports.HistoryEntry | None:
        index = self.table.currentIndex()
        if not index.isValid() or index.row() >= self.history.rowCount():
            return None
        return self.history.row_at(index.row())

    def update_buttons(self) -> None:
        self.generate_button.setEnabled(self.subject_id() is not None)
        entry = self.current_entry()
        self.open_button.setEnabled(bool(entry and entry.path and Path(entry.path).exists()))

    # ------------------------------------------------------------------ actions

    def generate(self):
        """Ask where to save, then make the document off the UI thread (returns the job)."""
        subject_id = self.subject_id()
        if subject_id is None:
            return None
        path = ask_path(self, self.kind(), self.subject_box.currentText())
        if path is None:
            return None
        return track(self, self.generate_at(path))

    async def generate_at(self, path: Path) -> reports.GeneratedInfo | None:
        self.status.setText(_("Writing {path}…").format(path=path))
        info = await generate_to(
            self,
            self.store,
            self.kind(),
            self.subject_id(),
            path,
            language=self.language_box.currentData(),
            options=self.options(),
            open_after=self.open_after.isChecked(),
        )
        if info is None:
            self.status.setText("")
            return None
        self.last = info
        self.status.setText(
            _("Wrote {path}: {pages} pages, SHA-256 {sha}.").format(
                path=info.path, pages=info.pages, sha=info.sha256
            )
        )
        with self.store.session() as s:
            self.history.set_entries(reports.history(s))
        if self.history.rowCount():
            self.table.selectRow(0)
        self.update_buttons()
        return info

    def open_selected(self) -> None:
        entry = self.current_entry()
        if entry is None or not entry.path:
            return
        if not Path(entry.path).exists():
            dialogs.show_error(
                self,
                _("Open"),
                _("The file {path} is no longer there; generate the document again.").format(
                    path=entry.path
                ),
            )
            return
        open_document(entry.path)

    def edit_identity(self) -> None:
        dialog = IdentityDialog(self.store, self)
        if dialog.exec():
            self.refresh()

    def showEvent(self, event) -> None:
        # Sessions, votes or people may have been added in another area since.
        self.refresh()
        super().showEvent(event)
