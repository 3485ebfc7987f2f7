"""Numbers, percentages, euros and dates follow the language's conventions."""

from __future__ import annotations

from datetime import date

import pytest

from app import i18n
from app.locale_formats import format_day, format_euros, format_number, format_percent


@pytest.mark.parametrize(
    ("language", "number", "percent", "euros", "day"),
    [
        ("fr", "12\u202f345,68", "12,5\u00a0%", "1\u202f235\u00a0€", "31/12/2026"),
        ("it", "12.345,68", "12,5%", "1.235\u00a0€", "31/12/2026"),
        ("es", "12.345,68", "12,5\u00a0%", "1.235\u00a0€", "31/12/2026"),
        ("bg", "12\u00a0345,68", "12,5%", "1\u00a0235\u00a0€", "31.12.2026"),
        ("en", "12,345.68", "12.5%", "€1,235", "2026-12-31"),
    ],
)
def test_each_language_writes_numbers_its_way(language, number, percent, euros, day) -> None:
    with i18n.language(language):
        assert format_number(12345.678, 2) == number
        assert format_percent(0.125, 1) == percent
        assert format_euros(1234.6) == euros
        assert format_day(date(2026, 12, 31)) == day


def test_trimmed_numbers_and_missing_values() -> None:
    with i18n.language("fr"):
        assert format_number(2.50, 2, trim=True) == "2,5"
        assert format_number(-0.0001, 2, trim=True) == "0"
        assert format_number(None) == "—"
        assert format_percent(None) == "—"
        assert format_day(None) == "—"
