"""The volunteers dialog of the citizen juries: tick, filter, save."""

from __future__ import annotations

from PySide6.QtCore import Qt
from sqlalchemy import select

from app.facilitation import panels
from app.models import Process
from app.views.juries.volunteers import VolunteersDialog


def test_ticking_and_unticking_volunteers_is_saved(qtbot, demo, errors) -> None:
    with demo.session() as s:
        process_id = s.scalars(select(Process.id)).first()
        before = {r.participant_id: r.volunteer for r in panels.registrations(s, process_id)}
    dialog = VolunteersDialog(demo, process_id)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == len(before)
    assert f"{sum(before.values())} volunteers" in dialog.count.text()
    first = dialog.list.item(0)
    second = dialog.list.item(1)
    flipped = {
        first.data(Qt.ItemDataRole.UserRole): not before[first.data(Qt.ItemDataRole.UserRole)],
        second.data(Qt.ItemDataRole.UserRole): not before[second.data(Qt.ItemDataRole.UserRole)],
    }
    for item in (first, second):
        checked = item.checkState() == Qt.CheckState.Checked
        item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
    name = first.text().split("  ·  ")[0]
    dialog.search.setText(name)
    assert not first.isHidden()
    assert sum(not dialog.list.item(r).isHidden() for r in range(dialog.list.count())) < len(before)
    dialog.accept()
    assert errors == []
    with demo.session() as s:
        after = {r.participant_id: r.volunteer for r in panels.registrations(s, process_id)}
    assert after == {**before, **flipped}


def test_the_citizen_juries_page_opens_the_volunteers_dialog(qtbot, demo, monkeypatch) -> None:
    from app.views.juries.panels import CitizenJuriesPage
    from app.views.juries.volunteers import VolunteersDialog

    with demo.session() as s:
        process_id = s.scalars(select(Process.id)).first()
        panels.create_panel(s, panels.PanelData(process_id, "Jury citoyen", 6))
    page = CitizenJuriesPage(demo)
    qtbot.addWidget(page)
    page.show()
    opened: list[VolunteersDialog] = []

    def accept(dialog: VolunteersDialog) -> int:
        opened.append(dialog)
        dialog.list.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.list.item(1).setCheckState(Qt.CheckState.Checked)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(VolunteersDialog, "exec", accept)
    qtbot.mouseClick(page.volunteers_button, Qt.MouseButton.LeftButton)
    assert len(opened) == 1 and opened[0].process_id == process_id
    with demo.session() as s:
        marked = {r.participant_id for r in panels.registrations(s, process_id) if r.volunteer}
    assert {opened[0].list.item(r).data(Qt.ItemDataRole.UserRole) for r in (0, 1)} <= marked
