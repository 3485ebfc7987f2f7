"""Settings > Consent purposes, driven as a person would: retention spin boxes, Add…"""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from app.facilitation.consent import list_purposes
from app.views.participants.purposes import AddPurposeDialog, PurposesDialog


@pytest.fixture
def dialog(qtbot, workspace, errors) -> PurposesDialog:
    found = PurposesDialog(workspace, None)
    qtbot.addWidget(found)
    found.show()
    return found


def stored(workspace) -> dict[str, int | None]:
    with workspace.session() as s:
        return {p.code: p.retention_months for p in list_purposes(s)}


def test_lists_the_purposes_with_their_retention(dialog) -> None:
    model = dialog.model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "Contact",
        "Photos",
        "Citizen jury pool",
        "Sharing with partners",
    ]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Purpose",
        "Code",
        "Retention (months)",
    ]
    assert {code: box.value() for code, box in dialog.boxes.items()} == {
        "contact": 36,
        "photo": 24,
        "jury_pool": 36,
        "partner_sharing": 24,
    }
    # each box sits in its row of the table
    row = [model.purpose(r).code for r in range(model.rowCount())].index("photo")
    assert dialog.table.indexWidget(model.index(row, 2)) is dialog.boxes["photo"]
    assert not dialog.changed


@pytest.fixture
def modals(qapp):
    """Every modal dialog that opens during the test is rejected and listed, so a dialog
    opened by mistake makes the test fail instead of hang."""
    closed: list = []

    def check() -> None:
        found = QApplication.activeModalWidget()
        if found is not None:
            closed.append(found)
            found.reject()

    guard = QTimer()
    guard.timeout.connect(check)
    guard.start(20)
    yield closed
    guard.stop()


def test_retention_changed_and_cleared_is_saved(qtbot, dialog, workspace, errors, modals) -> None:
    box = dialog.boxes["photo"]
    box.setValue(12)
    assert stored(workspace)["photo"] == 12
    assert dialog.changed
    assert dialog.model.index(1, 2).data() == "12"
    # the box is still the one in the table (no reset swallowed it)
    assert dialog.table.indexWidget(dialog.model.index(1, 2)) is box

    # typed, then confirmed with Enter: saved once the number is complete
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "48")
    assert stored(workspace)["photo"] == 12  # not "4" on the first keystroke
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    qtbot.wait(100)
    assert stored(workspace)["photo"] == 48
    # Enter confirmed the number; it pressed no button (no Add… dialog, not closed)
    assert modals == [] and dialog.isVisible()

    box.setValue(box.minimum())
    assert box.text() == "until withdrawn"
    assert stored(workspace)["photo"] is None
    assert dialog.model.index(1, 2).data() == "until withdrawn"
    assert stored(workspace)["contact"] == 36  # the others untouched
    assert errors == []

    # a new dialog shows what was saved
    again = PurposesDialog(workspace, None)
    qtbot.addWidget(again)
    assert again.boxes["photo"].text() == "until withdrawn"
    assert again.boxes["photo"].value() == 0


def _fill_and_confirm(qtbot, code: str, label: str, months: int | None, seen: list) -> None:
    """Fill the modal Add dialog once it is open, then press OK."""

    tries = []

    def fill() -> None:
        found = QApplication.activeModalWidget()
        if not isinstance(found, AddPurposeDialog):
            if len(tries) < 100:  # about 2 s
                tries.append(1)
                QTimer.singleShot(20, fill)
            return
        seen.append(found)
        found.code_edit.setText(code)
        found.label.setText(label)  # setText: keyClicks cannot type accents
        found.months.setValue(months or 0)
        ok = found.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        if found.isVisible():  # refused: the dialog stays open for a correction; give up
            found.reject()

    QTimer.singleShot(0, fill)


def test_add_a_purpose(qtbot, dialog, workspace, errors) -> None:
    seen: list = []
    _fill_and_confirm(qtbot, "", "Lettre d'information électronique", 18, seen)
    code = dialog.add_purpose()
    assert seen and code == "lettre_d_information_electronique"
    assert stored(workspace)[code] == 18
    assert dialog.changed
    assert dialog.model.rowCount() == 5
    assert dialog.model.index(4, 0).data() == "Lettre d'information électronique"
    assert dialog.boxes[code].value() == 18

    _fill_and_confirm(qtbot, "expo", "Exposition", None, seen)
    assert dialog.add_purpose() == "expo"
    assert stored(workspace)["expo"] is None
    assert dialog.boxes["expo"].text() == "until withdrawn"
    assert errors == []


def test_a_refused_purpose_keeps_the_dialog_open(qtbot, dialog, workspace, errors) -> None:
    seen: list = []
    _fill_and_confirm(qtbot, "photo", "Autres photos", 12, seen)
    assert dialog.add_purpose() is None
    assert errors == ["A consent purpose “photo” already exists."]
    assert dialog.model.rowCount() == 4 and stored(workspace)["photo"] == 24

    _fill_and_confirm(qtbot, "", "   ", 12, seen)
    assert dialog.add_purpose() is None
    assert errors[-1] == "A consent purpose needs a name."
    assert len(stored(workspace)) == 4
