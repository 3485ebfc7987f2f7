"""The committee's members: from participants, a whole citizen jury, or a name/organisation;
role and dates; removing someone keeps their name on their past actions."""

from __future__ import annotations

import uuid

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout

from app.facilitation import committees as C
from app.i18n import _
from app.views import dialogs
from app.views.committees.commands import AddMembers, EditMember, RemoveMember
from app.views.committees.common import Page, selected_row, table
from app.views.committees.forms import EditMemberDialog, FormDialog, MemberDialog
from app.views.models.committees import MemberModel


class MembersPage(Page):
    def __init__(self, area) -> None:
        super().__init__(area)
        layout = QVBoxLayout(self)
        self.model = MemberModel(self)
        self.table = table(self, self.model, "membersTable")
        self.table.doubleClicked.connect(lambda _i: self.edit_member())
        layout.addWidget(self.table, 1)
        self.hint = QLabel(
            _("Observers are never counted against the maximum. Removing a member keeps their "
              "name on the actions they own; to record that someone left, set “Left on”."),
            self,
        )  # fmt: skip
        self.hint.setObjectName("areaSubtitle")
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        row = QHBoxLayout()
        for text, slot, name in ((_("Add members…"), self.add_members, "addMembers"),
                                 (_("Edit…"), self.edit_member, "editMember"),
                                 (_("Remove"), self.remove_member, "removeMember")):  # fmt: skip
            button = QPushButton(text, self)
            button.setObjectName(name)
            button.clicked.connect(slot)
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)

    def reload(self, select: uuid.UUID | None = None) -> None:
        current = select or self.selected_id()
        with self.store.session() as session:
            rows = C.list_members(session, self.area.committee_id)
        self.model.today = self.area.today()
        self.model.set_rows(rows)
        row = self.model.row_of(current) if current else -1
        if row >= 0:
            self.table.selectRow(row)

    def selected_id(self) -> uuid.UUID | None:
        row = selected_row(self.table)
        return self.model.row_at(row).id if row >= 0 else None

    def _changed(self, member_id: uuid.UUID | None) -> None:
        self.area.refresh()
        if member_id is not None and self.area.tabs.currentWidget() is self:
            self.reload(member_id)

    def add_members(self) -> MemberDialog:
        area = self.area

        def submit(form: FormDialog) -> None:
            common = dict(today=area.today())
            if form.mode == MemberDialog.JURY:
                panel = form.jury.currentData()
                if panel is None:
                    raise C.CommitteeError(_("This process has no citizen jury yet."))
                command = AddMembers(
                    self.store, area.committee_id, self._changed, area.refused, panel_id=panel,
                    role=form.role.currentData(), joined_on=form.member_data().joined_on,
                    text=_("Add the citizen jury “{title}”").format(title=form.jury.currentText()),
                    **common,
                )  # fmt: skip
            else:
                command = AddMembers(
                    self.store, area.committee_id, self._changed, area.refused,
                    data=form.member_data(), **common,
                )  # fmt: skip
            area.undo_stack.push(command)
            if command.error is not None:
                raise command.error

        dialog = MemberDialog(
            self.store, area.committee.process_id, submit, self, today=area.today()
        )
        return area.open_dialog(dialog)

    def edit_member(self) -> EditMemberDialog | None:
        member_id = self.selected_id()
        if member_id is None:
            dialogs.show_error(self, _("No member chosen"), _("Choose a member in the list."))
            return None
        with self.store.session() as session:
            data = C.member_data(session, member_id)

        def submit(form: FormDialog) -> None:
            command = EditMember(
                self.store, member_id, form.data(), self._changed, self.area.refused,
                today=self.area.today(),
            )  # fmt: skip
            self.area.undo_stack.push(command)
            if command.error is not None:
                raise command.error

        return self.area.open_dialog(EditMemberDialog(data, submit, self))

    def remove_member(self) -> None:
        row = selected_row(self.table)
        if row < 0:
            dialogs.show_error(self, _("No member chosen"), _("Choose a member in the list."))
            return
        member = self.model.row_at(row)
        self.area.push(
            RemoveMember(self.store, member.id, member.name, self._changed, self.area.refused)
        )
