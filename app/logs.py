"""Rotating log files in the user data directory (``<data dir>/logs/atelier.log``).

Set up once by the desktop app and the ``atelier`` command; a log that cannot be written (a
read-only home) never stops the app. No Qt here.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from app import config

LOG_NAME = "atelier.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"

_handler: logging.Handler | None = None


def log_dir() -> Path:
    return config.data_dir() / "logs"


def log_path() -> Path:
    """The current log file (older ones are ``atelier.log.1`` … ``.5`` beside it)."""
    return log_dir() / LOG_NAME


def setup_logging(level: int = logging.INFO) -> Path | None:
    """Send the ``app`` loggers and uncaught errors to the rotating file; idempotent.

    Returns the log file, or None when it cannot be written (logging then stays off).
    """
    global _handler
    path = log_path()
    root = logging.getLogger()
    if _handler is not None:
        if Path(getattr(_handler, "baseFilename", "")) == path.resolve():
            return path
        root.removeHandler(_handler)  # ATELIER_HOME changed (tests): follow it
        _handler.close()
        _handler = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter(_FORMAT))
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > level:
        root.setLevel(level)
    _handler = handler
    return path


def shutdown_logging() -> None:
    """Detach and close the file handler (tests; the app lets ``logging`` do it at exit)."""
    global _handler
    if _handler is not None:
        logging.getLogger().removeHandler(_handler)
        _handler.close()
        _handler = None
