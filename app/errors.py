"""Errors a user can meet, each with a clear message in their language.

Everything the CLI or the views show to a person derives from :class:`AtelierError`; its
``str()`` is the translated, one-line message. Anything else escaping is a bug.
"""

from __future__ import annotations


class AtelierError(Exception):
    """A refused operation or bad input, explained in plain words."""


class WorkspaceError(AtelierError):
    """A workspace cannot be opened or written."""

    def __init__(self, message: str, path: object = None) -> None:
        super().__init__(message)
        self.path = path


class WorkspaceMissing(WorkspaceError):
    pass


class NotAWorkspace(WorkspaceError):
    pass


class NewerWorkspace(WorkspaceError):
    pass


class ReadOnlyWorkspace(WorkspaceError):
    pass


class WorkspaceLocked(WorkspaceError):
    pass


class WorkspaceDamaged(WorkspaceError):
    pass


class Cancelled(AtelierError):
    """The user cancelled a long operation; nothing was changed."""
