"""Where things live: the data directory, the default workspace, backups, preferences.

Paths come from platformdirs (``~/.local/share/AtelierCitoyen`` on Linux, ``%LOCALAPPDATA%``
on Windows, ``~/Library/Application Support`` on macOS). ``ATELIER_HOME`` moves everything under
one folder (tests and portable installs use it). ``ATELIER_DATABASE_URL`` replaces the workspace
file by a shared PostgreSQL store.

Preferences are kept in one INI file written by Qt's ``QSettings`` (IniFormat) in the views;
this module reads it with :mod:`configparser` so the CLI honours the same language without Qt.
"""

from __future__ import annotations

import configparser
import os
from dataclasses import dataclass
from pathlib import Path

from app import APP_ID

WORKSPACE_SUFFIX = ".atelier"
DEFAULT_BACKUP_COUNT = 10


def _home_override() -> Path | None:
    value = os.environ.get("ATELIER_HOME")
    return Path(value).expanduser() if value else None


def data_dir() -> Path:
    """The folder holding the default workspace and the backups."""
    home = _home_override()
    if home is not None:
        return home / "data"
    from platformdirs import user_data_path

    return user_data_path(APP_ID, appauthor=False)


def config_dir() -> Path:
    home = _home_override()
    if home is not None:
        return home / "config"
    from platformdirs import user_config_path

    return user_config_path(APP_ID, appauthor=False)


def settings_path() -> Path:
    """The INI file behind the preferences (QSettings IniFormat)."""
    return config_dir() / "settings.ini"


def default_workspace_path() -> Path:
    return data_dir() / f"workspace{WORKSPACE_SUFFIX}"


def backups_dir() -> Path:
    return data_dir() / "backups"


def database_url() -> str | None:
    """The shared store's URL when ``ATELIER_DATABASE_URL`` is set, else None (a file)."""
    value = os.environ.get("ATELIER_DATABASE_URL", "").strip()
    return value or None


@dataclass(frozen=True)
class Preferences:
    """What the user chose in Preferences, as the CLI and the store need it."""

    language: str | None = None
    facilitator: str = ""
    backup_count: int = DEFAULT_BACKUP_COUNT


def read_preferences(path: Path | None = None) -> Preferences:
    """Read the preferences without Qt; missing or damaged values fall back to defaults."""
    path = path or settings_path()
    parser = configparser.ConfigParser(interpolation=None)
    try:
        parser.read(path, encoding="utf-8")
    except (OSError, configparser.Error):
        return Preferences()
    section = parser["General"] if parser.has_section("General") else {}
    try:
        count = int(section.get("backup_count", DEFAULT_BACKUP_COUNT))
    except ValueError:
        count = DEFAULT_BACKUP_COUNT
    return Preferences(
        language=section.get("language") or None,
        facilitator=section.get("facilitator", ""),
        backup_count=max(0, count),
    )
