"""Preferences and recent workspaces, kept in QSettings (an INI file the CLI can also read)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from app import config

MAX_RECENT = 8


class AppSettings:
    """Typed access to the preferences file (``config.settings_path()``)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or config.settings_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._qs = QSettings(str(self.path), QSettings.Format.IniFormat)

    # -- preferences
    @property
    def language(self) -> str | None:
        value = self._qs.value("language", "")
        return str(value) or None

    @language.setter
    def language(self, value: str | None) -> None:
        self._qs.setValue("language", value or "")

    @property
    def facilitator(self) -> str:
        return str(self._qs.value("facilitator", ""))

    @facilitator.setter
    def facilitator(self, value: str) -> None:
        self._qs.setValue("facilitator", value)

    @property
    def backup_count(self) -> int:
        try:
            return max(0, int(self._qs.value("backup_count", config.DEFAULT_BACKUP_COUNT)))
        except (TypeError, ValueError):
            return config.DEFAULT_BACKUP_COUNT

    @backup_count.setter
    def backup_count(self, value: int) -> None:
        self._qs.setValue("backup_count", int(value))

    # -- recent workspaces
    def recent_workspaces(self) -> list[Path]:
        value = self._qs.value("recent", [])
        if isinstance(value, str):
            value = [value] if value else []
        return [Path(v) for v in value]

    def add_recent(self, path: Path) -> None:
        path = path.resolve()
        items = [p for p in self.recent_workspaces() if p != path]
        self._qs.setValue("recent", [str(p) for p in [path, *items][:MAX_RECENT]])

    def remove_recent(self, path: Path) -> None:
        items = [p for p in self.recent_workspaces() if p != path.resolve()]
        self._qs.setValue("recent", [str(p) for p in items])

    # -- window state
    def value(self, key: str, default=None):
        return self._qs.value(key, default)

    def set_value(self, key: str, value) -> None:
        self._qs.setValue(key, value)

    def sync(self) -> None:
        self._qs.sync()
