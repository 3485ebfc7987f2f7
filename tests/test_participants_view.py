"""The Participants area driven as a person would: detail panel, undo/redo, dialogs."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from app import store
from app.facilitation.participants import count_participants, participant_data
from app.models import Attendance, Participant
from app.views import qt_i18n
from app.views.main_window import MainWindow
from app.views.settings import AppSettings


@pytest.fixture
def window(qtbot, demo_path: Path, atelier_home: Path, errors):
    settings = AppSettings()
    settings.backup_count = 0
    qt_i18n.apply_language("en")
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    win = MainWindow(ws, settings)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture
def page(window: MainWindow):
    return window.select_area("participants")


def people(ws) -> int:
    with ws.session() as s:
        return count_participants(s)


def select_row(page, row: int = 0):
    index = page.model.index(row, 0)
    page.table.setCurrentIndex(index)
    return page.model.row_at(row)


def test_selecting_a_row_fills_the_detail_panel(page) -> None:
    row = select_row(page, 0)
    assert page.detail.participant_id == row.id
    assert page.detail.last_name.text() == row.last_name
    assert len(page.detail.code.text()) == 8
    genre = page.detail.attribute_boxes["genre"]
    assert genre.currentText() in {"Femme", "Homme", "Autre ou non précisé"}


def test_edit_then_undo_and_redo(qtbot, window, page) -> None:
    row = select_row(page, 0)
    page.detail.email.clear()
    qtbot.keyClicks(page.detail.email, "nouvelle.adresse@exemple.fr")
    page.detail.attribute_boxes["quartier"].setCurrentText("Bellevue")
    qtbot.mouseClick(page.detail.save_button, Qt.MouseButton.LeftButton)
    with window.store.session() as s:
        saved = participant_data(s, row.id)
    assert saved.email == "nouvelle.adresse@exemple.fr"
    assert saved.attributes["quartier"] == "Bellevue"
    window.undo_stack.undo()
    with window.store.session() as s:
        assert participant_data(s, row.id).email == row.email
    assert page.detail.email.text() == (row.email or "")
    window.undo_stack.redo()
    with window.store.session() as s:
        assert participant_data(s, row.id).email == "nouvelle.adresse@exemple.fr"


def test_create_with_undo_and_redo_keeps_the_same_person(qtbot, window, page) -> None:
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    # QTest types ASCII only; accented text is set directly.
    page.detail.first_name.setText("Gaëlle")
    qtbot.keyClicks(page.detail.last_name, "Quere")
    page.detail.stakeholder.setCurrentIndex(page.detail.stakeholder.findData("shopkeeper"))
    qtbot.keyClick(page.detail.last_name, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert people(window.store) == 61
    created = page.detail.participant_id
    code = page.detail.code.text()
    assert created is not None and len(code) == 8
    window.undo_stack.undo()
    assert people(window.store) == 60
    window.undo_stack.redo()
    assert people(window.store) == 61
    with window.store.session() as s:
        assert s.get(Participant, created).code == code


def test_a_refused_entry_shows_why_and_saves_nothing(qtbot, window, page, errors) -> None:
    page.new_participant()
    qtbot.keyClicks(page.detail.last_name, "Sans-Courriel")
    qtbot.keyClicks(page.detail.email, "pas une adresse")
    page.detail.request_save()
    assert errors and "not an email address" in errors[-1]
    assert people(window.store) == 60
    assert window.undo_stack.count() == 0


def test_likely_duplicate_is_flagged_before_adding(qtbot, window, page, answers) -> None:
    row = select_row(page, 0)
    with window.store.session() as s:
        existing = participant_data(s, row.id)
    page.new_participant()
    page.detail.first_name.setText(existing.first_name.upper())
    page.detail.last_name.setText(existing.last_name.lower())
    page.detail.email.setText(existing.email or "")
    page.detail.request_save()
    assert answers, "the user was asked about the likely duplicate"
    assert people(window.store) == 61  # answered Yes: added anyway


def test_delete_and_undo_restores_history(window, page, answers) -> None:
    with window.store.session() as s:
        busiest = s.execute(
            select(Attendance.participant_id, func.count())
            .group_by(Attendance.participant_id)
            .order_by(func.count().desc())
        ).first()
    row_index = next(
        r for r in range(page.model.rowCount()) if page.model.row_at(r).id == busiest[0]
    )
    select_row(page, row_index)
    assert page.delete_selected()
    assert people(window.store) == 59
    window.undo_stack.undo()
    assert people(window.store) == 60
    with window.store.session() as s:
        attended = s.scalar(select(func.count()).where(Attendance.participant_id == busiest[0]))
    assert attended == busiest[1]


def test_filter_by_neighbourhood_and_stakeholder_type(qtbot, page) -> None:
    qtbot.keyClicks(page.search, "tilleuls")
    qtbot.waitUntil(lambda: 0 < page.model.total < 60, timeout=2000)
    qtbot.wait(50)
    page.search.clear()
    qtbot.waitUntil(lambda: page.model.total == 60, timeout=2000)
    qtbot.keyClicks(page.search, "shopkeeper")
    qtbot.waitUntil(lambda: page.model.total < 60, timeout=2000)
    kinds = {page.model.index(r, 2).data() for r in range(page.model.rowCount())}
    assert kinds == {"Shopkeeper"}


def test_attributes_dialog_adds_a_value_and_the_panel_offers_it(qtbot, page, monkeypatch) -> None:
    from app.views.participants.attributes import AttributesDialog

    dialog = AttributesDialog(page.store, page)
    qtbot.addWidget(dialog)
    dialog.categories.setCurrentRow(2)  # quartier
    monkeypatch.setattr(
        "app.views.participants.attributes.QInputDialog.getText",
        lambda *a, **k: ("Le Moulin", True),
    )
    dialog.add_value()
    assert "Le Moulin" in [dialog.values.item(i).text() for i in range(dialog.values.count())]
    dialog.add_value()  # the same value again is refused (folded duplicate)
    assert dialog.changed
    dialog.close()
    page._rebuild_detail()
    box = page.detail.attribute_boxes["quartier"]
    assert box.findText("Le Moulin") >= 0


def test_retention_dialog_erases_and_keeps_counts(qtbot, qloop, window, page, answers) -> None:
    from datetime import date

    from app.views.participants.retention import RetentionDialog

    with window.store.session() as s:
        attendance_before = s.scalar(select(func.count()).select_from(Attendance))
    dialog = RetentionDialog(window.store, page, today=date(2031, 1, 1))
    qtbot.addWidget(dialog)
    listed = dialog.model.rowCount()
    assert listed > 0
    ids = dialog.chosen_ids(selected_only=False)
    erased = qloop.run_until_complete(dialog.erase(ids))
    assert erased == listed
    assert dialog.model.rowCount() == 0
    with window.store.session() as s:
        assert s.scalar(select(func.count()).select_from(Attendance)) == attendance_before
    assert people(window.store) == 60 - erased


def test_access_dialog_saves_json_and_text(qtbot, page, tmp_path: Path) -> None:
    import json

    from app.views.participants.access import AccessDialog

    row = select_row(page, 0)
    dialog = AccessDialog(page.store, row.id, page)
    qtbot.addWidget(dialog)
    assert row.last_name in dialog.text
    saved = json.loads(dialog.write(tmp_path / "acces.json", "json").read_text(encoding="utf-8"))
    assert row.last_name in json.dumps(saved, ensure_ascii=False)
    assert dialog.write(tmp_path / "acces.txt", "txt").read_text(encoding="utf-8").strip()


def test_export_then_import_through_the_wizard(qtbot, qloop, window, page, tmp_path) -> None:
    from app.views.participants.files import ImportWizard, export_to

    path = tmp_path / "registre.csv"
    assert qloop.run_until_complete(export_to(page, path)) == 60
    fresh = store.create_workspace(tmp_path / "nouveau.atelier", backup_count=0)
    try:
        from app.facilitation.demo import add_vocabularies

        with fresh.transaction() as s:
            add_vocabularies(s)
        wizard = ImportWizard(fresh, page)
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.file_page.path.setText(str(path))
        wizard.next()
        assert wizard.currentPage() is wizard.columns_page
        wizard.next()
        assert wizard.currentPage() is wizard.check_page
        assert wizard.report.ok, wizard.report.problems[:3]
        assert qloop.run_until_complete(wizard.run_import()) == 60
        with fresh.session() as s:
            assert count_participants(s) == 60
    finally:
        fresh.close(backup=False)
    QApplication.processEvents()


def test_record_and_withdraw_a_consent_in_the_detail_panel(window, page) -> None:
    from datetime import date

    from app.facilitation.consent import consents_of

    row = select_row(page, 0)
    panel = page.detail.consents_panel
    before = panel.model.rowCount()
    assert panel.record("jury_pool", date(2026, 11, 2), "oral", "à l'accueil")
    assert panel.model.rowCount() == before + 1
    with window.store.session() as s:
        records = [c for c in consents_of(s, row.id) if c.purpose == "jury_pool"]
    assert [(c.given_on, c.method, c.note) for c in records] == [
        (date(2026, 11, 2), "oral", "à l'accueil")
    ]
    target = next(
        r for r in range(panel.model.rowCount()) if panel.model.consent(r).purpose == "jury_pool"
    )
    panel.table.setCurrentIndex(panel.model.index(target, 0))
    assert panel.withdraw_selected(on=date(2026, 11, 20))
    with window.store.session() as s:
        withdrawn = next(c for c in consents_of(s, row.id) if c.purpose == "jury_pool")
    assert withdrawn.withdrawn_on == date(2026, 11, 20)
    assert "consent" in page.detail.consents.text()


def test_consents_wait_until_a_new_participant_is_saved(page) -> None:
    page.new_participant()
    assert not page.detail.consents_panel.add_button.isEnabled()
