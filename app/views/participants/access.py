"""Right of access: everything held about one person, shown and saved as JSON or text."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.facilitation.consent import access_export, access_text
from app.i18n import _
from app.store import Store


class AccessDialog(QDialog):
    def __init__(self, store: Store, participant_id: uuid.UUID, parent: QWidget | None = None):
        super().__init__(parent)
        with store.session() as session:
            self.document = access_export(session, participant_id)
            self.text = access_text(session, participant_id)
        self.setWindowTitle(_("Right of access"))
        self.resize(680, 560)
        layout = QVBoxLayout(self)
        view = QPlainTextEdit(self)
        view.setReadOnly(True)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        view.setPlainText(self.text)
        layout.addWidget(view, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        save_json = QPushButton(_("Save as JSON…"), self)
        save_text = QPushButton(_("Save as text…"), self)
        buttons.addButton(save_json, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(save_text, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        save_json.clicked.connect(lambda: self._save("json"))
        save_text.clicked.connect(lambda: self._save("txt"))
        layout.addWidget(buttons)

    def write(self, path: Path, kind: str) -> Path:
        if kind == "json":
            body = json.dumps(self.document, ensure_ascii=False, indent=2, default=str)
        else:
            body = self.text
        path.write_text(body + "\n", encoding="utf-8")
        return path

    def _save(self, kind: str) -> None:
        name, _filter = QFileDialog.getSaveFileName(
            self, _("Save"), str(Path.home() / f"acces.{kind}"), f"*.{kind}"
        )
        if name:
            self.write(Path(name), kind)
