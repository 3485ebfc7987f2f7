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
