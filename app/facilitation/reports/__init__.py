"""Printable documents (PDF, made offline with reportlab): the registry, generation, history.

Each kind of document is a module of this package with a builder
``build(session, subject_id, *, today, **options) -> style.Document``; :func:`generate` runs
it in the chosen language, renders the PDF (temporary file, then renamed), records it in the
history (:class:`~app.models.GeneratedDocument`, with its SHA-256) and returns what was made.
The same data and date always give the same bytes, so a printed document can be checked
against its recorded hash.

Importing this package does not import reportlab (the app starts without it); the builders and
the renderer are loaded when a document is generated.
"""

from __future__ import annotations

import hashlib
import importlib
import io
import os
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import i18n
from app.errors import AtelierError, Cancelled
from app.i18n import N_, _
from app.jobs import CancelToken, Progress, no_progress
from app.models import GeneratedDocument


class ReportError(AtelierError):
    """A document cannot be made (unknown kind, missing subject, unwritable file…)."""


@dataclass(frozen=True)
class DocumentOption:
    """A setting a document accepts (a builder keyword, a CLI option ``--name-with-dashes``)."""

    name: str
    type: type
    default: Any
    #: One line for ``--help`` (marked with N_).
    help: str
    choices: tuple | None = None


@dataclass(frozen=True)
class DocumentSpec:
    kind: str
    #: What the document is called in menus (marked with N_, translated when shown).
    label: str
    #: What it is about: session, vote, panel, jury, committee, participant.
    subject_kind: str
    #: "module:function" of the builder.
    builder: str
    #: "module:function" (session) -> [(id, label)] of the subjects one can choose.
    subjects: str
    #: "module:function" (session, reference) -> id, for the CLI (an id or a title prefix).
    finder: str
    options: tuple[DocumentOption, ...] = ()


_SUBJECTS = "app.facilitation.reports.subjects"

#: Every kind of document, in the order menus list them. Other modules add theirs here.
DOCUMENTS: dict[str, DocumentSpec] = {
    "session": DocumentSpec(
        "session",
        N_("Session summary"),
        "session",
        "app.facilitation.reports.session_summary:build",
        f"{_SUBJECTS}:sessions",
        f"{_SUBJECTS}:find_session",
    ),
    "signin": DocumentSpec(
        "signin",
        N_("Sign-in sheet"),
        "session",
        "app.facilitation.reports.signin:build",
        f"{_SUBJECTS}:sessions",
        f"{_SUBJECTS}:find_session",
        (DocumentOption("blank_rows", int, 12, N_("blank rows for people not on the list")),),
    ),
    "ballots": DocumentSpec(
        "ballots",
        N_("Paper ballots"),
        "vote",
        "app.facilitation.reports.ballots:build",
        f"{_SUBJECTS}:votes",
        f"{_SUBJECTS}:find_vote",
        (
            DocumentOption("per_page", int, 2, N_("ballots per page (1, 2 or 4)"), (1, 2, 4)),
            DocumentOption("count", int, 0, N_("number of ballots (default: the electorate)")),
        ),
    ),
    "access": DocumentSpec(
        "access",
        N_("Participant's data (right of access)"),
        "participant",
        "app.facilitation.reports.access:build",
        f"{_SUBJECTS}:participants",
        f"{_SUBJECTS}:find_participant",
    ),
    "jury": DocumentSpec(
        "jury",
        N_("Citizen jury draw report"),
        "panel",
        "app.facilitation.reports.jury:build",
        "app.facilitation.reports.jury:subjects",
        "app.facilitation.reports.jury:find",
    ),
    "evaluation": DocumentSpec(
        "evaluation",
        N_("Evaluation jury report"),
        "jury",
        "app.facilitation.reports.evaluation:build",
        "app.facilitation.reports.evaluation:subjects",
        "app.facilitation.reports.evaluation:find",
    ),
    "committee": DocumentSpec(
        "committee",
        N_("Committee report"),
        "committee",
        "app.facilitation.reports.committee:build",
        "app.facilitation.reports.committee:subjects",
        "app.facilitation.reports.committee:find",
    ),
    "annual": DocumentSpec(
        "annual",
        N_("Committee annual review"),
        "committee",
        "app.facilitation.reports.committee:build_annual",
        "app.facilitation.reports.committee:subjects",
        "app.facilitation.reports.committee:find",
        (DocumentOption("year", int, 0, N_("the year reviewed (default: the year of --date)")),),
    ),
    "certificate": DocumentSpec(
        "certificate",
        N_("Certificate of volunteering"),
        "volunteer",
        "app.facilitation.reports.certificate:build",
        "app.facilitation.reports.certificate:subjects",
        "app.facilitation.reports.certificate:find",
        (
            DocumentOption("start", str, "", N_("count from this day (YYYY-MM-DD)")),
            DocumentOption("end", str, "", N_("count until this day (YYYY-MM-DD)")),
        ),
    ),
    "comparison": DocumentSpec(
        "comparison",
        N_("Comparison of processes (exchange day)"),
        "processes",
        "app.facilitation.reports.comparison:build",
        "app.facilitation.reports.comparison:subjects",
        "app.facilitation.reports.comparison:find",
    ),
}

#: What each subject kind is called (for the subject chooser's label).
SUBJECT_LABELS: dict[str, str] = {
    "session": N_("Session"),
    "vote": N_("Vote"),
    "panel": N_("Citizen jury"),
    "jury": N_("Evaluation jury"),
    "committee": N_("Committee"),
    "participant": N_("Participant"),
    "volunteer": N_("Volunteer"),
    "processes": N_("Processes"),
}


def _resolve(path: str) -> Callable[..., Any]:
    module, _sep, name = path.partition(":")
    try:
        loaded = importlib.import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        raise ReportError(_("This document is not available in this version.")) from None
    return getattr(loaded, name)


def spec(kind: str) -> DocumentSpec:
    found = DOCUMENTS.get(kind)
    if found is None:
        raise ReportError(
            _("Unknown document “{kind}”; choose among: {kinds}.").format(
                kind=kind, kinds=", ".join(DOCUMENTS)
            )
        )
    return found


def subject_choices(session: Session, kind: str) -> list[tuple[uuid.UUID, str]]:
    """(id, label) of everything a document of ``kind`` can be about, in a sensible order."""
    return _resolve(spec(kind).subjects)(session)


def find_subject(session: Session, kind: str, reference: str) -> uuid.UUID:
    """The subject a reference typed on the command line names (an id or a title prefix)."""
    return _resolve(spec(kind).finder)(session, reference)


@dataclass(frozen=True)
class GeneratedInfo:
    path: Path
    pages: int
    sha256: str
    title: str
    kind: str = ""
    language: str = "fr"

    def as_dict(self) -> dict:
        return {
            "path": str(self.path),
            "pages": self.pages,
            "sha256": self.sha256,
            "title": self.title,
            "kind": self.kind,
            "language": self.language,
        }


@dataclass(frozen=True)
class PdfBytes:
    data: bytes
    pages: int
    title: str
    language: str
    #: Section titles and their first page (level, text, page).
    headings: tuple[tuple[int, str, int], ...] = ()


def build_pdf(
    session: Session,
    kind: str,
    subject_id: uuid.UUID | None,
    *,
    language: str = "fr",
    today: date | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    **options: Any,
) -> PdfBytes:
    """The PDF of a document, in memory (nothing written, nothing recorded)."""
    from app.facilitation.identity import get_identity
    from app.facilitation.reports import style

    found = spec(kind)
    today = today or date.today()
    interface = i18n.current_language()
    try:
        with i18n.language(language) as chosen:
            builder = _resolve(found.builder)
            document = builder(session, subject_id, today=today, **options)
            if cancel is not None:
                cancel.check()
            buffer = io.BytesIO()
            rendered = style.render(
                document,
                buffer,
                identity=get_identity(session),
                language=chosen,
                today=today,
                progress=progress,
                cancel=cancel,
            )
    except AtelierError as error:
        if not isinstance(error, Cancelled) and i18n.normalise(language) != interface:
            # A refusal is said in the interface's language, not the document's: the same
            # check refuses again outside the document's language.
            _resolve(found.builder)(session, subject_id, today=today, **options)
        raise
    return PdfBytes(buffer.getvalue(), rendered.pages, document.title, chosen, rendered.headings)


def generate(
    session: Session,
    kind: str,
    subject_id: uuid.UUID | None,
    path: str | os.PathLike,
    *,
    language: str = "fr",
    today: date | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
    record: bool = True,
    **options: Any,
) -> GeneratedInfo:
    """Write a document to ``path`` and record it in the history; returns what was made.

    ``options`` go to the builder (e.g. ``per_page=2`` for ballots). The file is written
    whole or not at all; on any error nothing is recorded.
    """
    path = Path(path)
    if not path.parent.is_dir():
        raise ReportError(_("The folder {folder} does not exist.").format(folder=path.parent))
    pdf = build_pdf(
        session,
        kind,
        subject_id,
        language=language,
        today=today,
        progress=progress,
        cancel=cancel,
        **options,
    )
    digest = hashlib.sha256(pdf.data).hexdigest()
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        partial.write_bytes(pdf.data)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ReportError(
            _("Cannot write {path}: {reason}").format(path=path, reason=exc.strerror or exc)
        ) from exc
    if record:
        session.add(
            GeneratedDocument(
                kind=kind,
                subject_id=subject_id,
                title=pdf.title[:300],
                language=pdf.language,
                pages=pdf.pages,
                sha256=digest,
                path=str(path),
            )
        )
        session.commit()
    return GeneratedInfo(path, pdf.pages, digest, pdf.title, kind, pdf.language)


@dataclass(frozen=True)
class HistoryEntry:
    id: uuid.UUID
    created_at: datetime
    kind: str
    subject_id: uuid.UUID | None
    title: str
    language: str
    pages: int
    sha256: str
    path: str | None

    @property
    def kind_label(self) -> str:
        found = DOCUMENTS.get(self.kind)
        return _(found.label) if found else self.kind

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "created_at": self.created_at.isoformat(),
            "kind": self.kind,
            "subject_id": str(self.subject_id) if self.subject_id else None,
            "title": self.title,
            "language": self.language,
            "pages": self.pages,
            "sha256": self.sha256,
            "path": self.path,
        }


def history(
    session: Session, kind: str | None = None, subject_id: uuid.UUID | None = None
) -> list[HistoryEntry]:
    """Documents generated so far, newest first (optionally of one kind, about one subject)."""
    query = select(GeneratedDocument).order_by(
        GeneratedDocument.created_at.desc(), GeneratedDocument.id
    )
    if kind is not None:
        query = query.where(GeneratedDocument.kind == kind)
    if subject_id is not None:
        query = query.where(GeneratedDocument.subject_id == subject_id)
    return [
        HistoryEntry(
            d.id, d.created_at, d.kind, d.subject_id, d.title, d.language, d.pages, d.sha256, d.path
        )
        for d in session.scalars(query)
    ]


def check_file(session: Session, path: str | os.PathLike) -> list[HistoryEntry]:
    """The recorded documents whose hash is the file's (empty: not made by this workspace)."""
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return [h for h in history(session) if h.sha256 == digest]


__all__ = [
    "DOCUMENTS",
    "DocumentOption",
    "DocumentSpec",
    "GeneratedInfo",
    "HistoryEntry",
    "PdfBytes",
    "ReportError",
    "build_pdf",
    "check_file",
    "find_subject",
    "generate",
    "history",
    "spec",
    "subject_choices",
]
