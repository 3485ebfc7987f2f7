"""Language switching on the Qt side: our catalogue, Qt's own strings, and the locale."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

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
