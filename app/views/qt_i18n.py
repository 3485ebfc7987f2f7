"""Language switching on the Qt side: our catalogue, Qt's own strings, and the locale."""

from __future__ import annotations

from datetime import date, datetime

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QRect, QTranslator
from PySide6.QtWidgets import QListWidget, QStyle, QStyleOptionViewItem

from app import i18n

_qt_translator: QTranslator | None = None


def apply_language(language: str | None) -> str:
    """Switch our strings (gettext), Qt's standard strings (qtbase) and number/date formats."""
    global _qt_translator
    code = i18n.set_language(language)
    # European conventions for English too (day/month/year, 24-hour clock).
    QLocale.setDefault(QLocale("en_GB" if code == "en" else code))
    app = QCoreApplication.instance()
    if app is not None:
        if _qt_translator is not None:
            app.removeTranslator(_qt_translator)
        translator = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if translator.load(f"qtbase_{code}", folder):
            app.installTranslator(translator)
            _qt_translator = translator
        else:
            _qt_translator = None
    return code


def _four_digit_year(pattern: str) -> str:
    # Qt's short formats write two-digit years in Italian, Spanish and Bulgarian ("19.09.26 г.")
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def format_day(day: date | None) -> str:
    """A date in the interface language's short form, with a four-digit year ("" for None)."""
    if day is None:
        return ""
    locale = QLocale()
    return locale.toString(day, _four_digit_year(locale.dateFormat(QLocale.FormatType.ShortFormat)))


def format_datetime(moment: datetime | None) -> str:
    """A moment in the computer's time zone, as :func:`format_day` plus the short time."""
    if moment is None:
        return ""
    locale = QLocale()
    pattern = _four_digit_year(locale.dateTimeFormat(QLocale.FormatType.ShortFormat))
    return locale.toString(moment.astimezone(), pattern)


def fit_sidebar(sidebar: QListWidget, minimum: int = 230) -> int:
    """Widen a list of titles (the main window's sidebar) so its longest title shows whole in
    the current language and style ("Съвместно изпълнение" in Bulgarian); returns the width."""
    sidebar.ensurePolished()
    option = QStyleOptionViewItem()
    option.initFrom(sidebar)
    option.rect = QRect(0, 0, 1000, 40)
    option.features = (
        QStyleOptionViewItem.ViewItemFeature.HasDisplay
        | QStyleOptionViewItem.ViewItemFeature.HasDecoration
    )
    option.decorationSize = sidebar.iconSize()
    text = sidebar.style().subElementRect(QStyle.SubElement.SE_ItemViewItemText, option, sidebar)
    chrome = option.rect.width() - text.width() + 2 * sidebar.frameWidth() + 2
    widest = max(
        (
            sidebar.fontMetrics().horizontalAdvance(sidebar.item(i).text())
            for i in range(sidebar.count())
        ),
        default=0,
    )
    width = max(minimum, widest + chrome)
    sidebar.setFixedWidth(width)
    return width
