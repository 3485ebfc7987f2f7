"""Workshop bundles in the app: export in the dialog, preview and import in another
workspace, settle conflicts on the conflict screen by clicking, refuse a bad bundle."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import func, select

from app import store
from app.facilitation import exchange as E
from app.facilitation import exchange_export as X
from app.facilitation.demo import create_demo
from app.models import Action, Participant
from app.views.bundles import ConflictDialog, ExportBundleDialog, ImportBundleDialog
from app.views.bundles.importing import deletions_note
from app.views.main_window import MainWindow
from app.views.settings import AppSettings
from tests.test_exchange import SHARED, _enrich, snapshot, touch


@pytest.fixture
def two(tmp_path: Path):
    """Workspace A (the demo with votes, juries and a committee) and an empty B, in two
    folders as on two laptops."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    a = create_demo(tmp_path / "a" / "ville.atelier")
    pid = _enrich(a)
    b = store.create_workspace(tmp_path / "b" / "partenaire.atelier", backup_count=0)
    yield a, b, pid, tmp_path
    a.close(backup=False)
    b.close(backup=False)


def click(widget) -> None:
    assert widget.isEnabled(), widget.text()
    QTest.mouseClick(widget, Qt.MouseButton.LeftButton)


def finish(qloop, dialog):
    """Wait for the dialog's job (run off the UI thread) and return its result."""
    return qloop.run_until_complete(dialog.pending)


def export_in_dialog(qtbot, qloop, ws, pid, path: Path) -> X.ExportResult:
    dialog = ExportBundleDialog(ws, process_id=pid, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    click(dialog.export_button)
    result = finish(qloop, dialog)
    assert result is not None and result.path == path
    return result


def import_in_dialog(qtbot, qloop, ws, path: Path) -> ImportBundleDialog:
    dialog = ImportBundleDialog(ws, path=path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert finish(qloop, dialog) is not None, dialog.error.text()
    return dialog


def count(ws, model) -> int:
    with ws.session() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_the_export_dialog_says_who_is_pseudonymised_then_writes(qtbot, qloop, two, monkeypatch):
    a, _b, pid, tmp = two
    dialog = ExportBundleDialog(a, process_id=pid)
    qtbot.addWidget(dialog)
    dialog.show()
    with a.session() as s:
        expected = X.sharing_summary(s, pid)
    assert expected.shared == SHARED and expected.pseudonymised > 0
    assert dialog.sharing.text() == expected.message()
    assert f"{expected.pseudonymised} people are pseudonymised" in dialog.sharing.text()
    # The suggested file sits beside the workspace; "Choose…" asks where to write.
    assert Path(dialog.path.text()).parent == tmp / "a"
    target = tmp / "a" / "pour-les-partenaires"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *a, **k: (str(target), ""))
    )
    click(dialog.choose)
    assert dialog.path.text() == str(target) + E.SUFFIX
    click(dialog.export_button)
    result = finish(qloop, dialog)
    assert result.path == target.with_name(target.name + E.SUFFIX) and result.path.is_file()
    assert dialog.message.isVisible()
    assert str(result.path) in dialog.message.text() and result.sha256 in dialog.message.text()
    assert dialog.sharing.text() == expected.message()  # still said above the result
    E.read_bundle(result.path)  # a sound bundle


def test_export_import_conflicts_settled_by_clicking_and_again_changes_nothing(qtbot, qloop, two):
    a, b, pid, tmp = two
    to_b, to_a = tmp / "a" / "to-b.atelier-bundle", tmp / "b" / "to-a.atelier-bundle"
    export_in_dialog(qtbot, qloop, a, pid, to_b)

    # B previews then imports A's process.
    dialog = import_in_dialog(qtbot, qloop, b, to_b)
    plan = dialog.plan
    people = count(a, Participant)
    assert plan.added["participant"] == count(a, Participant) and not plan.conflicts
    assert dialog.model.counts("participant") == (people, 0, 0, 0)
    labels = [dialog.model.index(r, 0).data() for r in range(dialog.model.rowCount())]
    assert "Participants" in labels and "Ballots" in labels and "participant" not in labels
    assert plan.organisation and plan.organisation in dialog.origin.text()
    assert plan.app_version and plan.app_version in dialog.origin.text()
    assert dialog.deletions.text() == deletions_note()
    assert count(b, Participant) == 0  # the preview changed nothing
    imported = []
    dialog.imported.connect(imported.append)
    click(dialog.import_button)
    report = finish(qloop, dialog)
    assert imported == [report] and dialog.message.isVisible()
    assert snapshot(a, pid) == snapshot(b, pid)

    # Two actions are changed on both sides.
    with a.session() as s:
        first, second = s.scalars(select(Action.id).order_by(Action.title)).all()[:2]
    touch(a, Action, first, title="Ours: végétaliser la place")
    touch(a, Action, second, title="Ours: des bancs")
    touch(b, Action, first, title="Theirs: planter des arbres", progress=40)
    touch(b, Action, second, title="Theirs: une fontaine", status="done")
    export_in_dialog(qtbot, qloop, b, pid, to_a)

    dialog = import_in_dialog(qtbot, qloop, a, to_a)
    assert {c.id for c in dialog.plan.conflicts} == {str(first), str(second)}
    assert dialog.model.counts("action")[3] == 2
    assert dialog.conflicts_note.isVisible()
    click(dialog.import_button)  # opens the conflict screen, imports nothing yet
    screen = dialog.conflict_dialog
    assert isinstance(screen, ConflictDialog) and screen.isVisible()
    assert not screen.import_button.isEnabled()
    rows = {screen.model.conflict(r).id: r for r in range(screen.model.rowCount())}

    # Selecting a record shows both versions, the differing fields first and highlighted.
    screen.list.selectRow(rows[str(second)])
    versions = screen.comparison
    assert set(versions.differing()) == {"title", "status"}
    texts = {versions.index(r, 0).data(): r for r in range(versions.rowCount())}
    title_row = texts["Title"]
    assert versions.index(title_row, 1).data() == "Ours: des bancs"
    assert versions.index(title_row, 2).data() == "Theirs: une fontaine"
    assert versions.index(title_row, 1).data(Qt.ItemDataRole.BackgroundRole) is not None
    unchanged = [r for r in range(versions.rowCount()) if versions._rows[r][3] is False]
    assert (
        unchanged and versions.index(unchanged[0], 1).data(Qt.ItemDataRole.BackgroundRole) is None
    )

    click(screen.take_theirs)
    assert not screen.import_button.isEnabled()  # one record still to settle
    screen.list.selectRow(rows[str(first)])
    click(screen.keep_ours)
    assert screen.import_button.isEnabled()
    assert screen.resolutions() == {
        ("action", str(first)): "ours",
        ("action", str(second)): "theirs",
    }
    click(screen.import_button)
    report = finish(qloop, dialog)
    assert [c.id for c in report.theirs_taken] == [str(second)]
    assert [c.id for c in report.ours_kept] == [str(first)] and not report.unresolved
    with a.session() as s:
        assert s.get(Action, first).title == "Ours: végétaliser la place"
        kept = s.get(Action, second)
        assert (kept.title, kept.status) == ("Theirs: une fontaine", "done")

    # The same bundle again: nothing new, nothing in conflict, nothing changed.
    before = snapshot(a, pid)
    dialog = import_in_dialog(qtbot, qloop, a, to_a)
    assert dialog.plan.changes_nothing and not dialog.plan.conflicts
    assert "Nothing new" in dialog.summary.text()
    assert not dialog.conflicts_note.isVisible()
    click(dialog.import_button)
    finish(qloop, dialog)
    assert snapshot(a, pid) == before


def test_a_bad_bundle_shows_why_and_changes_nothing(qtbot, qloop, two):
    a, b, pid, tmp = two
    bundle = tmp / "a" / "good.atelier-bundle"
    with a.session() as s:
        X.export_process(s, pid, bundle)
    cut = tmp / "b" / "cut.atelier-bundle"
    cut.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    dialog = ImportBundleDialog(b, path=cut)
    qtbot.addWidget(dialog)
    dialog.show()
    assert finish(qloop, dialog) is None
    assert dialog.error.isVisible()
    assert "cannot be imported" in dialog.error.text() and "Nothing was imported" in (
        dialog.error.text()
    )
    assert not dialog.import_button.isEnabled() and dialog.model.rowCount() == 0
    assert count(b, Participant) == 0


def test_the_file_menu_imports_a_bundle_and_the_areas_refresh(
    qtbot, qloop, two, monkeypatch, errors
):
    a, b, pid, tmp = two
    bundle = tmp / "a" / "ville.atelier-bundle"
    settings = AppSettings()
    settings.backup_count = 0
    window = MainWindow(b, settings)
    qtbot.addWidget(window)
    window.show()
    menu = window.menuBar().actions()[0].menu()
    names = [action.objectName() for action in menu.actions()]
    assert "actionExportBundle" in names and "actionImportBundle" in names

    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", staticmethod(lambda *args, **kw: (str(bundle), ""))
    )
    # B has no process yet: the export dialog says so and offers nothing to export.
    [action] = [x for x in menu.actions() if x.objectName() == "actionExportBundle"]
    action.trigger()
    export = window.findChild(ExportBundleDialog)
    assert export is not None and not export.export_button.isEnabled()
    export.reject()
    with a.session() as s:
        X.export_process(s, pid, bundle)

    monkeypatch.setattr(
        QFileDialog, "getOpenFileName", staticmethod(lambda *args, **kw: (str(bundle), ""))
    )
    old_page = window.current_area()
    [action] = [x for x in menu.actions() if x.objectName() == "actionImportBundle"]
    action.trigger()
    dialog = window.findChild(ImportBundleDialog)
    assert finish(qloop, dialog) is not None
    click(dialog.import_button)
    finish(qloop, dialog)
    assert window.current_area() is not old_page  # rebuilt from the data
    assert count(b, Participant) == count(a, Participant)
    assert errors == []


def test_a_cancelled_export_or_reading_says_so_and_leaves_nothing(qtbot, qloop, two, monkeypatch):
    from app.facilitation import exchange_import as I

    a, b, pid, tmp = two
    target = tmp / "a" / "annule.atelier-bundle"

    def cancelled(*args, cancel, **kwargs):
        cancel.cancel()  # as the progress dialog's Cancel button does
        cancel.check()

    monkeypatch.setattr(X, "export_process", cancelled)
    dialog = ExportBundleDialog(a, process_id=pid, path=target)
    qtbot.addWidget(dialog)
    click(dialog.export_button)
    assert finish(qloop, dialog) is None
    assert dialog.message.text() == "Export cancelled; nothing was written."
    assert not target.exists() and dialog.export_button.isEnabled()

    monkeypatch.setattr(I, "plan_import", cancelled)
    preview = ImportBundleDialog(b, path=target)
    qtbot.addWidget(preview)
    assert finish(qloop, preview) is None
    assert preview.error.text() == "Reading cancelled; nothing was imported."
    assert not preview.import_button.isEnabled()


def test_the_all_at_once_buttons_and_no_import_before_every_choice(qtbot):
    from app.facilitation.exchange_import import Conflict

    conflicts = [
        Conflict("action", str(n), {"title": f"Ours {n}"}, {"title": f"Theirs {n}"}, ["title"])
        for n in range(3)
    ]
    screen = ConflictDialog(conflicts)
    qtbot.addWidget(screen)
    screen.show()
    screen.accept()  # Enter before any choice: refused
    assert screen.result() == 0 and screen.isVisible()
    assert screen.status.text() == "3 records still need a choice before importing."
    click(screen.all_theirs)
    assert set(screen.resolutions().values()) == {"theirs"} and len(screen.resolutions()) == 3
    click(screen.all_ours)
    assert set(screen.resolutions().values()) == {"ours"}
    assert screen.status.text().startswith("Every record has a choice: 0 taken from the bundle")
    choices = [screen.model.index(r, 3).data() for r in range(3)]
    assert choices == ["Keep ours"] * 3
    click(screen.import_button)
    assert screen.result() == 1
