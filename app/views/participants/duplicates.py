"""Participants > Duplicates: likely duplicates in the registry, merged with their history."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.errors import AtelierError
from app.facilitation.duplicates import duplicate_groups, merge_participants
from app.facilitation.participants import participant_detail
from app.i18n import _, ngettext
from app.store import Store
from app.views import dialogs


class DuplicatesDialog(QDialog):
    def __init__(self, store: Store, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.merged = 0
        self.setWindowTitle(_("Duplicates"))
        self.resize(760, 440)
        layout = QVBoxLayout(self)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        columns = QHBoxLayout()
        self.groups = QListWidget(self)
        self.groups.setObjectName("groups")
        self.members = QListWidget(self)
        self.members.setObjectName("members")
        columns.addWidget(self.groups, 1)
        right = QVBoxLayout()
        right.addWidget(QLabel(_("Keep this record, merge the others into it:")))
        right.addWidget(self.members, 1)
        columns.addLayout(right, 2)
        layout.addLayout(columns, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.merge_button = QPushButton(_("Merge"), self)
        buttons.addButton(self.merge_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        self.merge_button.clicked.connect(self.merge)
        layout.addWidget(buttons)
        self.groups.currentRowChanged.connect(self._show_group)
        self.reload()

    def reload(self) -> None:
        with self.store.session() as session:
            groups = duplicate_groups(session)
            self._groups = [[participant_detail(session, pid) for pid in g] for g in groups]
        self.groups.clear()
        for group in self._groups:
            first = group[0].data
            self.groups.addItem(f"{first.first_name} {first.last_name} ({len(group)})".strip())
        n = len(self._groups)
        self.summary.setText(
            ngettext(
                "{n} group of likely duplicates (same name, and same email, phone or birth year).",
                "{n} groups of likely duplicates (same name, and same email, phone or birth year).",
                n,
            ).format(n=n)
            if n
            else _("No likely duplicates.")
        )
        self.merge_button.setEnabled(bool(n))
        if n:
            self.groups.setCurrentRow(0)
        else:
            self.members.clear()

    def _show_group(self, row: int) -> None:
        self.members.clear()
        if row < 0 or row >= len(self._groups):
            return
        for detail in self._groups[row]:
            d = detail.data
            facts = " · ".join(x for x in (d.email, d.phone, str(d.birth_year or "")) if x)
            item = QListWidgetItem(
                f"{d.first_name} {d.last_name} — {detail.code}"
                + (f"\n{facts}" if facts else "")
                + "\n"
                + ngettext(
                    "attended {n} session", "attended {n} sessions", detail.attendance_count
                ).format(n=detail.attendance_count)
            )
            item.setData(Qt.ItemDataRole.UserRole, detail.id)
            self.members.addItem(item)
        self.members.setCurrentRow(0)

    def merge(self) -> bool:
        group_row = self.groups.currentRow()
        keep_item = self.members.currentItem()
        if group_row < 0 or keep_item is None:
            return False
        keep = keep_item.data(Qt.ItemDataRole.UserRole)
        others = [d.id for d in self._groups[group_row] if d.id != keep]
        try:
            with self.store.session() as session:
                for other in others:
                    merge_participants(session, keep, other)
        except AtelierError as exc:
            dialogs.show_error(self, _("Duplicates"), str(exc))
            return False
        self.merged += len(others)
        self.reload()
        return True
