"""The in-app guide (Help > Guide, F1) and the "What's this?" help on the less obvious controls."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QGroupBox, QWidget

from app import i18n
from app.views.guide import GUIDE_DIR, GuideWindow, guide_languages, guide_path

LANGUAGES = ("fr", "en", "it", "es", "bg")
#: The language of the pictures each guide shows: its own (``tools/screenshots.py --guide
#: --lang it es bg`` renders the interface in each language).
PICTURES = {language: language for language in LANGUAGES}
#: The <title> and the <h1> of each guide: each in its own language.
TITLES = {
    "fr": ("Atelier Citoyen — un premier atelier, pas à pas",
           "Votre premier atelier avec Atelier Citoyen"),
    "en": ("Atelier Citoyen — a first workshop, step by step",
           "Your first workshop with Atelier Citoyen"),
    "it": ("Atelier Citoyen — un primo incontro, passo dopo passo",
           "Il tuo primo incontro con Atelier Citoyen"),
    "es": ("Atelier Citoyen — una primera sesión, paso a paso",
           "Su primera sesión con Atelier Citoyen"),
    "bg": ("Atelier Citoyen — първа сесия, стъпка по стъпка",
           "Вашата първа сесия с Atelier Citoyen"),
}  # fmt: skip
#: A section title of each guide, as the window shows it.
JURY_SECTION = {
    "fr": "Tirer au sort un jury citoyen",
    "en": "Draw a citizen jury",
    "it": "Sorteggiare una giuria cittadina",
    "es": "Sortear un jurado ciudadano",
    "bg": "Теглене на гражданско жури чрез жребий",
}
#: Elements that have no end tag in HTML.
VOID = {"meta", "link", "img", "br", "hr", "input"}


class _Outline(HTMLParser):
    """The section ids (h2), the images, the internal links, the menu names and the title of a
    guide page, and whether every element it opens is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.sections: list[str] = []
        self.ids: set[str] = set()
        self.images: list[str] = []
        self.anchors: list[str] = []
        self.stylesheets: list[str] = []
        self.lang = ""
        self.title = self.h1 = ""
        self.menus: list[str] = []
        self.errors: list[str] = []
        self._open: list[str] = []
        self._menu: list[str] | None = None

    def handle_starttag(self, tag: str, attrs) -> None:
        a = dict(attrs)
        if tag not in VOID:
            self._open.append(tag)
        if "id" in a:
            if a["id"] in self.ids:
                self.errors.append(f"id {a['id']} twice")
            self.ids.add(a["id"])
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "h2":
            self.sections.append(a.get("id", ""))
        elif tag == "img":
            self.images.append(a.get("src", ""))
            if not a.get("alt"):
                self.errors.append(f"{a.get('src')} has no alt text")
        elif tag == "a" and a.get("href", "").startswith("#"):
            self.anchors.append(a["href"][1:])
        elif tag == "link" and a.get("rel") == "stylesheet":
            self.stylesheets.append(a.get("href", ""))
        elif tag == "span" and a.get("class") == "menu":
            self._menu = []

    def handle_endtag(self, tag: str) -> None:
        if not self._open or self._open[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self._open[-1] if self._open else None}>")
        else:
            self._open.pop()
        if tag == "span" and self._menu is not None:
            self.menus.append(" ".join("".join(self._menu).split()))
            self._menu = None

    def handle_data(self, data: str) -> None:
        if self._menu is not None:
            self._menu.append(data)
        if self._open and self._open[-1] == "title":
            self.title += data
        elif self._open and self._open[-1] == "h1":
            self.h1 += data

    def close(self) -> None:
        super().close()
        if self._open:
            self.errors.append(f"never closed: {self._open}")


def outline(language: str) -> _Outline:
    parser = _Outline()
    parser.feed((GUIDE_DIR / f"guide.{language}.html").read_text(encoding="utf-8"))
    parser.close()
    return parser


def test_the_guide_is_written_in_five_languages() -> None:
    assert guide_languages() == sorted(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_guide_is_well_formed_and_titled_in_its_language(language: str) -> None:
    page = outline(language)
    assert page.errors == []
    assert page.lang == language
    assert (page.title, page.h1) == TITLES[language]
    if language == "bg":  # Cyrillic, not a transliteration
        assert sum("а" <= c.lower() <= "я" for c in page.title) > 15


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_picture_stylesheet_and_link_of_the_guide_exists(language: str) -> None:
    page = outline(language)
    assert len(page.images) >= 10
    for src in page.images + page.stylesheets:
        assert (GUIDE_DIR / src).is_file(), src
    for src in page.images:  # the pictures of the interface in that language
        assert src.endswith(f"-{PICTURES[language]}.png"), src
    assert set(page.anchors) <= page.ids


@pytest.mark.parametrize("language", LANGUAGES[1:])
def test_every_guide_has_the_sections_and_pictures_of_the_french_one(language: str) -> None:
    fr, other = outline("fr"), outline(language)
    assert fr.sections == other.sections
    assert "vote" in fr.sections and "jury" in fr.sections and "documents" in fr.sections
    assert fr.ids == other.ids
    assert sorted(fr.anchors) == sorted(other.anchors)
    picture = PICTURES[language]
    assert [s.replace("-fr.", f"-{picture}.") for s in fr.images] == other.images


def _plain(text: str) -> str:
    """A menu or button name as it reads, whatever its accelerator and apostrophes."""
    text = text.replace("&&", "\0").replace("&", "").replace("\0", "&")
    return " ".join(text.replace("'", "’").replace("...", "…").split())


def _interface_names(language: str) -> set[str]:
    """Every string the interface can show in ``language``, from its catalogue."""
    from babel.messages.pofile import read_po

    if language == "en":
        with open(i18n.LOCALE_DIR / "fr" / "LC_MESSAGES" / "atelier.po", "rb") as f:
            catalogue = read_po(f)
        texts = [m.id for m in catalogue if m.id]
    else:
        with open(i18n.LOCALE_DIR / language / "LC_MESSAGES" / "atelier.po", "rb") as f:
            catalogue = read_po(f)
        texts = [m.string for m in catalogue if m.id and m.string]
    flat = [t for text in texts for t in ([text] if isinstance(text, str) else text)]
    return {_plain(t) for t in flat}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_guide_names_menus_and_buttons_as_the_interface_does(language: str) -> None:
    """Each name in a "menu" span (``File > Open…``: each part) is a string of the interface
    in that language, word for word."""
    names = _interface_names(language)
    menus = outline(language).menus
    assert len(menus) > 50
    missing = [part for menu in menus for part in menu.split(" > ") if _plain(part) not in names]
    assert missing == []


def test_the_guide_pictures_are_small_enough_to_ship() -> None:
    pictures = list((GUIDE_DIR / "img").glob("*.png"))
    used = {Path(src).name for language in LANGUAGES for src in outline(language).images}
    assert {p.name for p in pictures} == used  # none missing, none left over
    assert all(p.stat().st_size < 120_000 for p in pictures)
    # about 0.55 MB for the 15 pictures of one language
    assert sum(p.stat().st_size for p in pictures) < 700_000 * len(set(PICTURES.values()))


def test_guide_path_follows_the_language() -> None:
    for language in LANGUAGES:
        assert guide_path(language).name == f"guide.{language}.html"
    assert guide_path("bg_BG").name == "guide.bg.html"
    assert guide_path("es-419").name == "guide.es.html"
    assert guide_path("fr_CA").name == "guide.fr.html"
    i18n.set_language("fr")
    assert guide_path().name == "guide.fr.html"


@pytest.mark.parametrize("language", ["de", "pt_BR", "nl", "../guide", ""])
def test_a_language_without_a_guide_gets_the_english_one(language: str, monkeypatch) -> None:
    monkeypatch.setattr(i18n, "current_language", lambda: "de")  # "" asks the interface
    assert guide_path(language) == GUIDE_DIR / "guide.en.html"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_window_opens_the_guide_of_the_interface_language(
    language: str, qtbot, monkeypatch
) -> None:
    # As when the preferences offer the language (whether or not app.i18n lists it yet).
    monkeypatch.setitem(i18n.LANGUAGES, language, language)
    assert i18n.set_language(language) == language
    window = GuideWindow()
    qtbot.addWidget(window)
    window.show()
    assert Path(window.browser.source().toLocalFile()) == GUIDE_DIR / f"guide.{language}.html"
    text = window.browser.toPlainText()
    assert TITLES[language][1] in text and JURY_SECTION[language] in text
    for other in set(LANGUAGES) - {language}:
        assert JURY_SECTION[other] not in text
    document = window.browser.document()
    for src in outline(language).images:  # every picture loads
        image = document.resource(document.ResourceType.ImageResource, src)
        assert image is not None and not image.isNull(), src


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
    assert set(PICTURES.values()) <= set(module.LANGUAGES)
    made = {f"{stem}-{lang}.png" for stem in module.GUIDE_SHOTS for lang in PICTURES.values()}
    used = {Path(src).name for language in LANGUAGES for src in outline(language).images}
    assert made == used
