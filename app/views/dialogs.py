"""Preferences, About, and the one way the views tell a person something went wrong."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, __version__, i18n
from app.i18n import _
from app.views.settings import AppSettings


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """A clear message, never a traceback."""
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("errorMessage")
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str) -> bool:
    """Ask before something that cannot be undone; No is the default answer."""
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


class PreferencesDialog(QDialog):
    """Language, default facilitator name, number of automatic backups."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.setWindowTitle(_("Preferences"))
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.language = QComboBox(self)
        for code, name in i18n.LANGUAGES.items():
            self.language.addItem(name, code)
        current = i18n.normalise(settings.language)
        self.language.setCurrentIndex(max(0, self.language.findData(current)))
        form.addRow(_("Language"), self.language)
        self.facilitator = QLineEdit(settings.facilitator, self)
        self.facilitator.setPlaceholderText(_("e.g. Claire Dupont"))
        form.addRow(_("Default facilitator name"), self.facilitator)
        self.backups = QSpinBox(self)
        self.backups.setRange(0, 100)
        self.backups.setValue(settings.backup_count)
        self.backups.setSpecialValueText(_("No automatic backups"))
        self.backups.setToolTip(
            _("How many automatic backups to keep for each workspace (made when it opens and "
              "closes).")
        )  # fmt: skip
        form.addRow(_("Backups to keep"), self.backups)
        layout.addLayout(form)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def accept(self) -> None:
        self.settings.language = self.language.currentData()
        self.settings.facilitator = self.facilitator.text().strip()
        self.settings.backup_count = self.backups.value()
        self.settings.sync()
        super().accept()


class AboutDialog(QDialog):
    def __init__(self, location: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(_("About {app}").format(app=APP_NAME))
        layout = QVBoxLayout(self)
        title = QLabel(f"<h2>{APP_NAME}</h2>")
        layout.addWidget(title)
        text = QLabel(
            _(
                "Version {version}\n\nCo-construction workshops with the people who live in "
                "a place: register and sign in participants, vote, draw citizen juries by lot, "
                "follow up decisions, print documents for the council. Everything stays on "
                "this computer and works without a network.\n\nWorkspace: {location}"
            ).format(version=__version__, location=location)
        )
        text.setWordWrap(True)
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        text.setMinimumWidth(420)
        layout.addWidget(text)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
