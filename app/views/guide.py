"""The facilitator's guide (Help > Guide, F1): local HTML pages in the interface language,
shown in a window of their own with back and forward, offline."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from app import APP_NAME, i18n
from app.i18n import _

GUIDE_DIR = Path(__file__).resolve().parent.parent / "resources" / "guide"
#: The language shown when the guide is not written in the asked language (French readers
#: always have theirs; anyone else is more likely to read English than French).
FALLBACK_LANGUAGE = "en"


def guide_languages() -> list[str]:
    """The languages the guide is written in (one ``guide.<code>.html`` each), sorted."""
    return sorted(p.name.split(".")[1] for p in GUIDE_DIR.glob("guide.*.html"))


def guide_path(language: str | None = None) -> Path:
    """The guide's HTML file for ``language`` (default: the interface language).

    ``language`` may be a code such as ``"it"`` or ``"es_ES"``; when the guide is not written
    in it, the English guide is given (the French one if there were no English one).
    """
    code = (language or i18n.current_language()).replace("-", "_").split("_")[0].lower()
    for candidate in (code, FALLBACK_LANGUAGE, i18n.DEFAULT_LANGUAGE):
        path = GUIDE_DIR / f"guide.{candidate}.html"
        if candidate.isalpha() and path.is_file():
            return path
    raise FileNotFoundError(GUIDE_DIR / f"guide.{FALLBACK_LANGUAGE}.html")


class GuideWindow(QWidget):
    """A non-modal window showing the guide; links inside it are followed, links to the web
    open in the system browser."""

    def __init__(self, language: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("guideWindow")
        self.setWindowFlags(Qt.WindowType.Window)  # its own window, beside the main one
        self.resize(1060, 780)
        self.browser = QTextBrowser(self)
        self.browser.setObjectName("guideBrowser")
        self.browser.setOpenExternalLinks(True)
        self.back_button = QPushButton(_("Back"), self)
        self.back_button.setObjectName("guideBack")
        self.back_button.setShortcut(QKeySequence.StandardKey.Back)
        self.back_button.clicked.connect(self.browser.backward)
        self.forward_button = QPushButton(_("Forward"), self)
        self.forward_button.setObjectName("guideForward")
        self.forward_button.setShortcut(QKeySequence.StandardKey.Forward)
        self.forward_button.clicked.connect(self.browser.forward)
        self.home_button = QPushButton(_("Contents"), self)
        self.home_button.setObjectName("guideHome")
        self.home_button.clicked.connect(self.browser.home)
        self.external_button = QPushButton(_("Open in the web browser"), self)
        self.external_button.setObjectName("guideExternal")
        self.external_button.setToolTip(_("Show the same guide in your web browser, to print it."))
        self.external_button.clicked.connect(self.open_externally)
        self.browser.backwardAvailable.connect(self.back_button.setEnabled)
        self.browser.forwardAvailable.connect(self.forward_button.setEnabled)
        self.back_button.setEnabled(False)
        self.forward_button.setEnabled(False)
        row = QHBoxLayout()
        for button in (self.back_button, self.forward_button, self.home_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        row.addWidget(self.external_button)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.browser, 1)
        self.path: Path | None = None
        self.show_language(language)

    def show_language(self, language: str | None = None) -> Path:
        """Load the guide of ``language`` (default: the interface language)."""
        path = guide_path(language)
        if path != self.path:
            self.path = path
            self.browser.clearHistory()
            self.browser.setSource(QUrl.fromLocalFile(str(path)))
        self.setWindowTitle(_("Guide — {app}").format(app=APP_NAME))
        self.back_button.setText(_("Back"))
        self.forward_button.setText(_("Forward"))
        self.home_button.setText(_("Contents"))
        self.external_button.setText(_("Open in the web browser"))
        return path

    def open_externally(self) -> bool:
        """The page in view, in the system's web browser (to print it, for instance)."""
        source = self.browser.source()
        return QDesktopServices.openUrl(source if source.isValid() else QUrl())
