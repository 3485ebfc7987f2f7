"""The in-app guide (Help > Guide, F1) and the "What's this?" help on the less obvious controls."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGroupBox, QWidget

from app import i18n
from app.views.guide import GUIDE_DIR, GuideWindow, guide_path

LANGUAGES = ("fr", "en")


class _Outline(HTMLParser):
    """The section ids (h2), the images and the internal links of a guide page."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.ids: set[str] = set()
        self.images: list[str] = []
        self.anchors: list[str] = []
        self.stylesheets: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "h2":
            self.sections.append(a.get("id", ""))
        elif tag == "img":
            self.images.append(a.get("src", ""))
        elif tag == "a" and a.get("href", "").startswith("#"):
            self.anchors.append(a["href"][1:])
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))


def outline(language: str) -> _Outline:
    parser = _Outline()
    parser.feed((GUIDE_DIR / f"guide.{language}.html").read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_stylesheet_and_link_of_the_guide_exists(language: str) -> None:
    page = outline(language)
    assert len(page.images) >= 10
    for src in page.images + page.stylesheets:
        assert (GUIDE_DIR / src).is_file(), src
    for src in page.images:  # the pictures of the page's own language
        assert src.endswith(f"-{language}.png"), src
    assert set(page.anchors) <= page.ids


def test_both_languages_have_the_same_sections_and_pictures() -> None:
    fr, en = outline("fr"), outline("en")
    assert fr.sections == en.sections
    assert "vote" in fr.sections and "jury" in fr.sections and "documents" in fr.sections
    assert [s.replace("-fr.", "-en.") for s in fr.images] == en.images


def test_the_guide_pictures_are_small_enough_to_ship() -> None:
    pictures = list((GUIDE_DIR / "img").glob("*.png"))
    used = {Path(src).name for language in LANGUAGES for src in outline(language).images}
    assert {p.name for p in pictures} == used  # none missing, none left over
    assert all(p.stat().st_size < 120_000 for p in pictures)
    assert sum(p.stat().st_size for p in pictures) < 2_000_000


def test_guide_path_follows_the_language() -> None:
    assert guide_path("fr").name == "guide.fr.html"
    assert guide_path("en").name == "guide.en.html"
    i18n.set_language("fr")
    assert guide_path().name == "guide.fr.html"


def test_the_window_shows_the_guide_with_its_pictures_and_goes_back(qtbot) -> None:
    window = GuideWindow("en")
    qtbot.addWidget(window)
    window.show()
    browser = window.browser
    assert Path(browser.source().toLocalFile()) == GUIDE_DIR / "guide.en.html"
    assert "Draw a citizen jury" in browser.toPlainText()
    assert not window.back_button.isEnabled()
    url = browser.source()
    url.setFragment("jury")
    browser.setSource(url)  # as a click on "Draw a citizen jury" in the contents
    assert window.back_button.isEnabled()
    window.back_button.click()
    assert window.forward_button.isEnabled()
    image = browser.document().resource(
        browser.document().ResourceType.ImageResource, "img/jury-draw-en.png"
    )
    assert image is not None and not image.isNull()
    window.show_language("fr")
    assert "Tirer au sort un jury citoyen" in browser.toPlainText()


def test_open_in_the_web_browser_opens_the_local_file(qtbot, monkeypatch) -> None:
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    window = GuideWindow("fr")
    qtbot.addWidget(window)
    assert window.open_externally()
    assert Path(opened[0].toLocalFile()) == GUIDE_DIR / "guide.fr.html"


@pytest.fixture
def main_window(qtbot, demo_path: Path):
    from app import store
    from app.views.main_window import MainWindow
    from app.views.settings import AppSettings

    settings = AppSettings()
    settings.backup_count = 0
    ws = store.open_workspace(demo_path, backup_count=0, backup_on_open=False)
    window = MainWindow(ws, settings)
    qtbot.addWidget(window)
    window.show()
    return window


def test_help_guide_opens_the_guide_of_the_interface_language(qtbot, main_window) -> None:
    guide = main_window.findChild(type(main_window.menuBar().actions()[0]), "actionGuide")
    assert guide is not None
    assert guide.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    guide.trigger()
    window = main_window.guide_window
    assert window.isVisible() and window.isWindow() and not window.isModal()
    assert Path(window.browser.source().toLocalFile()).name == "guide.en.html"
    main_window.set_language("fr")  # the open guide follows the interface language
    assert Path(window.browser.source().toLocalFile()).name == "guide.fr.html"
    window.close()
    main_window.findChild(type(guide), "actionGuide").trigger()
    assert main_window.guide_window is window and window.isVisible()  # the same window again
    assert window.windowTitle().startswith("Guide")
    whats_this = main_window.findChild(type(guide), "actionWhatsThis")
    assert whats_this is not None and whats_this.shortcut() == QKeySequence("Shift+F1")
    assert whats_this.text() == i18n._("What's &this?")


def _whats_this(widget: QWidget) -> str:
    text = widget.whatsThis()
    assert text, widget.objectName()
    return text


def test_the_less_obvious_controls_explain_themselves(qtbot, demo) -> None:
    from app.views.juries.panels import CensusDialog, CitizenJuriesPage, SeedDialog
    from app.views.votes.create import CreateVoteDialog

    page = CitizenJuriesPage(demo)
    qtbot.addWidget(page)
    assert "Min" in _whats_this(page.quota_table)
    (box,) = [b for b in page.findChildren(QGroupBox) if b.title() == "Can the quotas be met?"]
    assert _whats_this(box)
    assert "LEXIMIN" in _whats_this(page.chart)
    census = CensusDialog([], 10)
    qtbot.addWidget(census)
    assert _whats_this(census.tolerance)
    seed = SeedDialog("Jury")
    qtbot.addWidget(seed)
    assert _whats_this(seed.seed)

    from app.facilitation import sessions as S

    with demo.session() as s:
        session_id = S.process_overview(s)[0].sessions[0].id
    dialog = CreateVoteDialog(demo, session_id)
    qtbot.addWidget(dialog)
    assert "grade" in _whats_this(dialog.method)
    assert "Equal Shares" in _whats_this(dialog.rule_fields["budget"])


def test_every_guide_picture_is_made_by_the_screenshot_script() -> None:
    """The guide shows only pictures that ``tools/screenshots.py --guide`` regenerates."""
    import importlib.util

    script = Path(__file__).resolve().parent.parent / "tools" / "screenshots.py"
    spec = importlib.util.spec_from_file_location("screenshots_for_test", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.GUIDE_OUT == GUIDE_DIR / "img"
    made = {f"{stem}-{language}.png" for stem in module.GUIDE_SHOTS for language in LANGUAGES}
    used = {Path(src).name for language in LANGUAGES for src in outline(language).images}
    assert made == used
