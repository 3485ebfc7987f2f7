"""The five languages in the interface: offered in Preferences, switched live, Qt's own strings."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QMessageBox

from app import i18n, store
from app.views import dialogs, main_window, qt_i18n
from app.views.areas import AREAS
from app.views.main_window import MainWindow
from app.views.settings import AppSettings

TOOLS = Path(__file__).resolve().parent.parent / "tools" / "i18n.py"

#: language -> (sidebar's "Participants", the File menu, Qt's own "Cancel", QLocale name)
EXPECTED = {
    "fr": ("Participant·es", "&Fichier", "Annuler", "fr_FR"),
    "en": ("Participants", "&File", "Cancel", "en_GB"),
    "it": ("Partecipanti", "&File", "Annulla", "it_IT"),
    "es": ("Participantes", "&Archivo", "Cancelar", "es_ES"),
    "bg": ("Участници", "&Файл", "Отказ", "bg_BG"),
}


@pytest.fixture(scope="module")
def catalogues():
    spec = importlib.util.spec_from_file_location("i18n_tools", TOOLS)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def window(qtbot, qapp, demo_path: Path, monkeypatch):
    monkeypatch.setattr(dialogs, "show_error", lambda *args: None)
    monkeypatch.setattr(main_window, "show_error", lambda *args: None)
    settings = AppSettings()
    settings.backup_count = 0
    qt_i18n.apply_language("fr")
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    win = MainWindow(ws, settings)
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()
    qt_i18n.apply_language("en")
    for box in win.findChildren(QMessageBox):
        box.deleteLater()
    QApplication.processEvents()


def test_preferences_offer_the_five_languages_by_their_own_names(qtbot) -> None:
    dialog = dialogs.PreferencesDialog(AppSettings())
    qtbot.addWidget(dialog)
    offered = [
        (dialog.language.itemData(i), dialog.language.itemText(i))
        for i in range(dialog.language.count())
    ]
    assert offered == [
        ("fr", "Français"),
        ("en", "English"),
        ("it", "Italiano"),
        ("es", "Español"),
        ("bg", "Български"),
    ]


@pytest.mark.parametrize("language", ["it", "es", "bg"])
def test_choosing_a_partner_language_in_preferences_switches_the_window(
    qtbot, window: MainWindow, language: str
) -> None:
    participants, file_menu, cancel, locale_name = EXPECTED[language]
    window.select_area("participants")
    path = window.store.path
    dialog = dialogs.PreferencesDialog(window.settings, window)
    qtbot.addWidget(dialog)
    dialog.language.setCurrentIndex(dialog.language.findData(language))
    dialog.accept()
    window.set_language(window.settings.language)
    assert i18n.current_language() == language
    assert window.sidebar.item(1).text() == participants
    assert window.menuBar().actions()[0].text() == file_menu
    # the workspace and the area in view stay
    assert window.store.path == path
    assert window.stack.currentIndex() == 1
    assert window.current_area().model.total == 60
    # Qt's own dialogs (qtbase translations) and number formats follow
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == cancel
    assert QLocale().name() == locale_name
    assert AppSettings().language == language


def test_every_area_shows_no_english_left_in_each_language(
    qtbot, window: MainWindow, catalogues
) -> None:
    """Each area, built in each language, shows no label or button still in English.

    A text counts as English when it is a source string whose translation differs.
    """
    english_by_language = {}
    for language in ("fr", "it", "es", "bg"):
        catalogue = catalogues.load(language)
        english_by_language[language] = {
            m.id
            for m in catalogue
            if isinstance(m.id, str) and m.id and m.string and m.string != m.id
        }
    for language in ("it", "es", "bg", "fr"):
        window.set_language(language)
        assert window.sidebar.item(1).text() == EXPECTED[language][0]
        left = []
        for area in AREAS:
            window.select_area(area.key)
            page = window.current_area()
            for widget in page.findChildren(QLabel) + page.findChildren(QAbstractButton):
                text = widget.text().strip()
                if widget.isVisibleTo(window) and text in english_by_language[language]:
                    left.append((area.key, type(widget).__name__, text))
        assert left == [], language


@pytest.mark.parametrize(
    ("language", "day", "moment"),
    [
        ("fr", "19/09/2026", "19/09/2026 09:30"),
        ("en", "19/09/2026", "19/09/2026 09:30"),
        ("it", "19/09/2026", "19/09/2026 09:30"),
        ("es", "19/9/2026", "19/9/2026 9:30"),
        ("bg", "19.09.2026\u202fг.", "19.09.2026\u202fг. 9:30"),
    ],
)
def test_dates_in_lists_have_four_digit_years(qapp, language, day, moment) -> None:
    from datetime import UTC, date, datetime

    from app.views.models.committees import day_text
    from app.views.models.sessions import local_datetime

    qt_i18n.apply_language(language)
    try:
        assert day_text(date(2026, 9, 19)) == day
        local = datetime(2026, 9, 19, 9, 30).astimezone()  # 9:30 on this computer's clock
        assert local_datetime(local.astimezone(UTC)) == moment
    finally:
        qt_i18n.apply_language("en")


@pytest.mark.parametrize(
    ("language", "best"), [("bg", "Отлично"), ("it", "Ottimo"), ("es", "Muy bien"), ("fr", None)]
)
def test_a_majority_judgment_vote_gets_grades_in_the_facilitators_language(
    qtbot, demo, language, best
) -> None:
    """Grades are data stored with the vote: named in the language it was created in, they
    are printed on its paper ballots in that language."""
    from datetime import date

    from app.facilitation import reports, votes
    from app.facilitation import sessions as S
    from app.views.votes.create import CreateVoteDialog

    with demo.session() as s:
        session_id = S.process_overview(s)[0].sessions[0].id
    qt_i18n.apply_language(language)
    try:
        dialog = CreateVoteDialog(demo, session_id)
        qtbot.addWidget(dialog)
        dialog.question.setText("Quel aménagement ?")
        dialog.method.setCurrentIndex(dialog.method.findData("majority_judgment"))
        for title in ("Bancs", "Arbres"):
            dialog.add_option(title)
        dialog.accept()
        with demo.session() as s:
            info = votes.vote_info(s, dialog.vote_id)
            assert info.rules.get("grades", [None])[0] == best
            if best:
                pdf = reports.build_pdf(
                    s, "ballots", dialog.vote_id, language=language, today=date(2026, 9, 1)
                )
                assert best in pdf_text(pdf.data)
    finally:
        qt_i18n.apply_language("en")


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_the_command_line_names_grades_in_its_language(demo_path, capsys) -> None:
    from app import store
    from app.cli import main
    from app.facilitation import votes

    code = main(
        ["--lang", "es", "vote", "create", str(demo_path), "--session", "Atelier 1",
         "--question", "¿Qué plaza?", "--method", "majority_judgment",
         "--option", "Árboles", "--option", "Bancos", "--json"]
    )  # fmt: skip
    assert code == 0
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    try:
        with ws.session() as s:
            created = [v for v in votes.list_votes(s, None) if v.question == "¿Qué plaza?"]
            assert created[0].rules["grades"][0] == "Muy bien"
    finally:
        ws.close(backup=False)
