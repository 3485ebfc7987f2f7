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
from app.views.participants.area import ParticipantsArea
from app.views.votes.area import VotesArea


@dataclass(frozen=True)
class Area:
    key: str
    title: str  # untranslated source string; shown through _()
    icon: QStyle.StandardPixmap
    #: builds the area's page for a workspace and the window's undo stack
    make: Callable[[Store, QUndoStack], QWidget]


def _juries(store: Store, undo_stack: QUndoStack) -> QWidget:
    # Imported on first use: the sortition engine loads HiGHS and numpy.
    from app.views.juries.area import JuriesArea

    return JuriesArea(store, undo_stack)


def _committees(store: Store, undo_stack: QUndoStack) -> QWidget:
    from app.views.committees.area import CommitteesArea

    return CommitteesArea(store, undo_stack)


def _documents(store: Store, undo_stack: QUndoStack) -> QWidget:
    # Imported on first use; reportlab itself loads only when a document is made.
    from app.views.documents.area import DocumentsArea

    return DocumentsArea(store, undo_stack)


def _exchange(store: Store, undo_stack: QUndoStack) -> QWidget:
    from app.views.exchange.area import ExchangeArea

    return ExchangeArea(store)


def _codelivery(store: Store, undo_stack: QUndoStack) -> QWidget:
    from app.views.codelivery.area import CodeliveryArea

    return CodeliveryArea(store, undo_stack)


def _coming(title: str, text: str) -> Callable[[Store, QUndoStack], QWidget]:
    return lambda store, undo_stack: EmptyState(_(title), _(text))


AREAS: tuple[Area, ...] = (
    Area("processes", N_("Processes & sessions"), QStyle.StandardPixmap.SP_FileDialogDetailedView,
         lambda store, undo_stack: ProcessesArea(store)),
    Area("participants", N_("Participants"), QStyle.StandardPixmap.SP_DirHomeIcon,
         lambda store, undo_stack: ParticipantsArea(store, undo_stack)),
    Area("votes", N_("Votes"), QStyle.StandardPixmap.SP_DialogApplyButton,
         lambda store, undo_stack: VotesArea(store)),
    Area("juries", N_("Juries"), QStyle.StandardPixmap.SP_BrowserReload, _juries),
    Area("committees", N_("Committees"), QStyle.StandardPixmap.SP_FileDialogListView,
         _committees),
    Area("co-delivery", N_("Co-delivery"), QStyle.StandardPixmap.SP_DialogYesButton,
         _codelivery),
    Area("exchange", N_("Exchange day"), QStyle.StandardPixmap.SP_DriveNetIcon, _exchange),
    Area("documents", N_("Documents"), QStyle.StandardPixmap.SP_FileIcon, _documents),
)  # fmt: skip
