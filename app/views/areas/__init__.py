"""The areas of the main window's sidebar, in order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QStyle, QWidget

from app.i18n import N_, _
from app.store import Store
from app.views.areas.empty_state import EmptyState
from app.views.areas.processes import ProcessesArea
from app.views.committees.area import CommitteesArea
from app.views.participants.area import ParticipantsArea
from app.views.votes.area import VotesArea


@dataclass(frozen=True)
class Area:
    key: str
    title: str  # untranslated source string; shown through _()
    icon: QStyle.StandardPixmap
    #: builds the area's page for a workspace and the window's undo stack
    make: Callable[[Store, QUndoStack], QWidget]


def _coming(title: str, text: str) -> Callable[[Store, QUndoStack], QWidget]:
    return lambda store, undo_stack: EmptyState(_(title), _(text))


AREAS: tuple[Area, ...] = (
    Area("processes", N_("Processes & sessions"), QStyle.StandardPixmap.SP_FileDialogDetailedView,
         lambda store, undo_stack: ProcessesArea(store)),
    Area("participants", N_("Participants"), QStyle.StandardPixmap.SP_DirHomeIcon,
         lambda store, undo_stack: ParticipantsArea(store, undo_stack)),
    Area("votes", N_("Votes"), QStyle.StandardPixmap.SP_DialogApplyButton,
         lambda store, undo_stack: VotesArea(store)),
    Area("juries", N_("Juries"), QStyle.StandardPixmap.SP_BrowserReload, _coming(
        N_("Juries"),
        N_("Citizen juries drawn by lot will live here: quotas by gender, age, neighbourhood, "
           "a fair and reproducible draw (LEXIMIN) with alternates, and evaluation juries that "
           "score candidates on weighted criteria.\n\nNot available in this version yet."))),
    Area("committees", N_("Committees"), QStyle.StandardPixmap.SP_FileDialogListView,
         lambda store, undo_stack: CommitteesArea(store, undo_stack)),
    Area("documents", N_("Documents"), QStyle.StandardPixmap.SP_FileIcon, _coming(
        N_("Documents"),
        N_("Printable documents will live here: the session summary for the council, sign-in "
           "sheets, paper ballots, jury draw reports and the annual review, as PDF files made "
           "on this computer.\n\nNot available in this version yet."))),
)  # fmt: skip
