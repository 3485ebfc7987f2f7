"""What every CLI command shares: JSON output, a text progress bar, opening a workspace."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
from pathlib import Path

from app import config
from app.errors import AtelierError
from app.i18n import _
from app.store import Store, open_url, open_workspace


def print_json(document) -> None:
    """A stable JSON document on stdout (sorted keys, UTF-8 kept as is)."""
    json.dump(document, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True, default=str)
    sys.stdout.write("\n")


class TextProgress:
    """A text progress bar on stderr (only when stderr is a terminal)."""

    def __init__(self, label: str, enabled: bool = True) -> None:
        self.label = label
        self.enabled = enabled and sys.stderr.isatty()
        self._last = -1

    def __call__(self, done: int, total: int) -> None:
        if not self.enabled or total <= 0:
            return
        percent = int(100 * done / total)
        if percent == self._last:
            return
        self._last = percent
        filled = percent * 30 // 100
        sys.stderr.write(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {percent:3d}%")
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


#: Given instead of a workspace file: the shared database named by ATELIER_DATABASE_URL.
SHARED_STORE = "@shared"


def _shared(path: Path | str) -> Store | None:
    if str(path) != SHARED_STORE:
        return None
    url = config.database_url()
    if not url:
        raise AtelierError(
            _("{shared} means the shared database, but ATELIER_DATABASE_URL is not set.").format(
                shared=SHARED_STORE
            )
        )
    return open_url(url)


def open_for_reading(path: Path) -> Store:
    """Open a workspace to read it (no lock, no backup, nothing written); ``@shared``: the
    shared database."""
    return _shared(path) or open_workspace(path, read_only=True)


def open_for_writing(path: Path) -> Store:
    """Open a workspace to change it: locked, upgraded if older, backed up first (rotating);
    ``@shared``: the shared database."""
    shared = _shared(path)
    if shared is not None:
        return shared
    prefs = config.read_preferences()
    return open_workspace(path, backup_count=prefs.backup_count, backup_on_open=True)


def write_csv(target: str, header: list[str], rows: list[list[object]]) -> None:
    """Write a table: ``-`` is standard output, otherwise a file replaced atomically."""
    if target == "-":
        writer = csv.writer(sys.stdout, delimiter=";", lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        return
    path = Path(target).expanduser()
    try:
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh, delimiter=";", lineterminator="\r\n")
            writer.writerow(header)
            writer.writerows(rows)
        os.replace(tmp, path)
    except OSError as exc:
        raise AtelierError(
            _("“{path}” cannot be written: {reason}").format(path=path, reason=exc.strerror)
        ) from None
