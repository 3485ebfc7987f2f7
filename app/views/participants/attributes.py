"""Settings > Attributes: each demographic category and its allowed values.

Values are a controlled vocabulary, so "F", "Femme" and "femme " never become three values:
a value that folds to an existing one is refused, and two values can be merged into one.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation import vocabularies as vocab
from app.i18n import _
from app.store import Store
from app.views import dialogs


class AttributesDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.changed = False
        self.setWindowTitle(_("Attributes"))
        self.resize(720, 460)
        layout = QVBoxLayout(self)
        intro = QLabel(
            _(
                "Categories describe participants for statistics and jury quotas. Each has a "
                "fixed list of values, so the same answer is always written the same way."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        columns = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(QLabel(_("Categories")))
        self.categories = QListWidget(self)
        self.categories.setObjectName("categories")
        left.addWidget(self.categories, 1)
        row = QHBoxLayout()
        self.add_category_button = QPushButton(_("Add…"), self)
        self.rename_category_button = QPushButton(_("Rename…"), self)
        self.delete_category_button = QPushButton(_("Delete"), self)
        for button in (
            self.add_category_button,
            self.rename_category_button,
            self.delete_category_button,
        ):
            row.addWidget(button)
        left.addLayout(row)
        columns.addLayout(left, 1)

        right = QVBoxLayout()
        right.addWidget(QLabel(_("Allowed values")))
        self.values = QListWidget(self)
        self.values.setObjectName("values")
        right.addWidget(self.values, 1)
        row = QHBoxLayout()
        self.add_value_button = QPushButton(_("Add…"), self)
        self.rename_value_button = QPushButton(_("Rename…"), self)
        self.merge_value_button = QPushButton(_("Merge into…"), self)
        self.remove_value_button = QPushButton(_("Remove"), self)
        self.share_button = QPushButton(_("Population share…"), self)
        for button in (
            self.add_value_button,
            self.rename_value_button,
            self.merge_value_button,
            self.remove_value_button,
            self.share_button,
        ):
            row.addWidget(button)
        right.addLayout(row)
        columns.addLayout(right, 2)
        layout.addLayout(columns, 1)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

        self.categories.currentRowChanged.connect(self._show_values)
        self.add_category_button.clicked.connect(self.add_category)
        self.rename_category_button.clicked.connect(self.rename_category)
        self.delete_category_button.clicked.connect(self.delete_category)
        self.add_value_button.clicked.connect(self.add_value)
        self.rename_value_button.clicked.connect(self.rename_value)
        self.merge_value_button.clicked.connect(self.merge_value)
        self.remove_value_button.clicked.connect(self.remove_value)
        self.share_button.clicked.connect(self.set_share)
        self.reload()

    # -- reading
    def reload(self, select_key: str | None = None, select_value: str | None = None) -> None:
        with self.store.session() as session:
            self.vocabularies = load = vocab.load_vocabularies(session)
        current = select_key or self.current_key()
        self.categories.blockSignals(True)
        self.categories.clear()
        for key, vocabulary in load.items():
            item = QListWidgetItem(vocabulary.label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.categories.addItem(item)
        self.categories.blockSignals(False)
        keys = list(load)
        self.categories.setCurrentRow(keys.index(current) if current in keys else 0)
        self._show_values(select_value=select_value)

    def current_key(self) -> str | None:
        item = self.categories.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def current_value(self) -> str | None:
        item = self.values.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item else None

    def _show_values(self, _row: int = -1, select_value: str | None = None) -> None:
        self.values.clear()
        key = self.current_key()
        if key is None:
            return
        for value in self.vocabularies[key].values:
            text = value.value
            if value.population_share is not None:
                text += f"  ({value.population_share:.0%})"
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, value.value)
            self.values.addItem(item)
            if value.value == select_value:
                self.values.setCurrentItem(item)

    # -- changes
    def _run(self, action, *args, select_key=None, select_value=None) -> bool:
        try:
            with self.store.session() as session:
                action(session, *args)
        except AtelierError as exc:
            dialogs.show_error(self, _("Attributes"), str(exc))
            return False
        self.changed = True
        self.reload(select_key, select_value)
        return True

    def _ask(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self, title, label, text=text)
        value = value.strip()
        return value if ok and value else None

    def add_category(self) -> None:
        label = self._ask(_("New category"), _("Name of the category (e.g. Quartier):"))
        if label:
            self._run(vocab.add_category, None, label)

    def rename_category(self) -> None:
        key = self.current_key()
        if key is None:
            return
        label = self._ask(_("Rename"), _("New name:"), self.vocabularies[key].label)
        if label:
            self._run(vocab.rename_category, key, label, select_key=key)

    def delete_category(self) -> None:
        key = self.current_key()
        if key is not None:
            self._run(vocab.delete_category, key)

    def add_value(self) -> None:
        key = self.current_key()
        if key is None:
            return
        value = self._ask(_("New value"), _("Allowed value:"))
        if value:
            self._run(vocab.add_value, key, value, select_key=key, select_value=value)

    def rename_value(self) -> None:
        key, value = self.current_key(), self.current_value()
        if key is None or value is None:
            return
        new = self._ask(_("Rename"), _("New wording:"), value)
        if new:
            self._run(vocab.rename_value, key, value, new, select_key=key, select_value=new)

    def merge_value(self) -> None:
        key, value = self.current_key(), self.current_value()
        if key is None or value is None:
            return
        others = [v.value for v in self.vocabularies[key].values if v.value != value]
        if not others:
            return
        into, ok = QInputDialog.getItem(
            self,
            _("Merge values"),
            _("Participants with “{value}” get:").format(value=value),
            others,
            0,
            False,
        )
        if ok and into:
            self._run(vocab.merge_values, key, value, into, select_key=key, select_value=into)

    def remove_value(self) -> None:
        key, value = self.current_key(), self.current_value()
        if key is not None and value is not None:
            self._run(vocab.remove_value, key, value, select_key=key)

    def set_share(self) -> None:
        key, value = self.current_key(), self.current_value()
        if key is None or value is None:
            return
        current = next(v for v in self.vocabularies[key].values if v.value == value)
        percent, ok = QInputDialog.getDouble(
            self,
            _("Population share"),
            _("Share of “{value}” in the population (census), in %:").format(value=value),
            (current.population_share or 0) * 100,
            0,
            100,
            1,
        )
        if ok:
            self._run(
                vocab.set_population_share, key, value, percent / 100,
                select_key=key, select_value=value,
            )  # fmt: skip
