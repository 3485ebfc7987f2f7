"""Follow-up committees (comités de suivi): the committee, its members, meetings, decisions log.

A committee follows what a process decided. Its members come from participants, organisations
or free names (or a whole citizen jury in one step); full members (chair, secretary, member)
may be capped, observers never are. Its meetings are ordinary sessions of the process with
``committee_id`` set, so agenda, sign-in and minutes are those of :mod:`sessions`.

The action plan is in :mod:`app.facilitation.actions`, indicators in
:mod:`app.facilitation.indicators`, the dashboard and annual review in
:mod:`app.facilitation.committee_review`.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from app.errors import AtelierError
from app.facilitation import audit
from app.facilitation import sessions as S
from app.facilitation.conflicts import begin_edit, check_version, commit_edit, conflict_factory
from app.i18n import N_, _
from app.models import (
    MEMBER_ROLES,
    Action,
    Attendance,
    Committee,
    CommitteeMember,
    Decision,
    Organisation,
    Panel,
    PanelSeat,
    Participant,
)
from app.models import Session as WorkshopSession
from app.models.text import fold


class CommitteeError(AtelierError):
    """Bad input or a refused change on a committee, its plan or its indicators."""


#: Roles that count against the committee's maximum (observers never do).
FULL_ROLES = ("chair", "secretary", "member")

_ROLES = {
    "chair": N_("Chair"),
    "secretary": N_("Secretary"),
    "member": N_("Member"),
    "observer": N_("Observer"),
}


def role_label(code: str) -> str:
    return _(_ROLES.get(code, code))


def role_choices() -> list[tuple[str, str]]:
    return [(code, role_label(code)) for code in MEMBER_ROLES]


def _line(value: str | None) -> str | None:
    return " ".join((value or "").split()) or None


def today_local() -> date:
    return datetime.now().astimezone().date()


# --------------------------------------------------------------------------- committees


@dataclass
class CommitteeData:
    """What a person types about a committee."""

    process_id: uuid.UUID | None = None
    title: str = ""
    description: str | None = None
    #: The most full members it may have (None: no limit); observers are never counted.
    max_members: int | None = None

    def cleaned(self) -> CommitteeData:
        data = CommitteeData(
            process_id=self.process_id,
            title=_line(self.title) or "",
            description=(self.description or "").strip() or None,
            max_members=self.max_members,
        )
        if data.process_id is None:
            raise CommitteeError(_("A committee follows a process; choose one."))
        if not data.title:
            raise CommitteeError(_("A committee needs a title."))
        if data.max_members is not None and data.max_members < 1:
            raise CommitteeError(
                _("The maximum number of members must be at least 1 (or no maximum).")
            )
        return data


@dataclass(frozen=True)
class CommitteeInfo:
    id: uuid.UUID
    process_id: uuid.UUID
    process_title: str
    title: str
    description: str | None
    max_members: int | None
    #: Full members sitting today (chair, secretary, member).
    full_members: int
    observers: int
    meetings: int

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "process_id": str(self.process_id),
            "process": self.process_title,
            "title": self.title,
            "description": self.description,
            "max_members": self.max_members,
            "full_members": self.full_members,
            "observers": self.observers,
            "meetings": self.meetings,
        }


def _committee(session: Session, committee_id: uuid.UUID) -> Committee:
    committee = session.get(Committee, committee_id)
    if committee is None:
        raise CommitteeError(_("This committee no longer exists."))
    return committee


def _sitting(on: date):
    """Members who have not left by ``on`` (a Core condition)."""
    return (CommitteeMember.left_on.is_(None)) | (CommitteeMember.left_on > on)


def committee_info(
    session: Session, committee_id: uuid.UUID, *, today: date | None = None
) -> CommitteeInfo:
    c = _committee(session, committee_id)
    today = today or today_local()
    counts: dict[bool, int] = {}
    # Grouped by the role itself: PostgreSQL refuses GROUP BY an expression with a parameter.
    for role, n in session.execute(
        select(CommitteeMember.role, func.count())
        .where(CommitteeMember.committee_id == c.id, _sitting(today))
        .group_by(CommitteeMember.role)
    ):
        counts[role == "observer"] = counts.get(role == "observer", 0) + n
    meetings = session.scalar(
        select(func.count())
        .select_from(WorkshopSession)
        .where(WorkshopSession.committee_id == c.id)
    )
    process = S._process(session, c.process_id)
    return CommitteeInfo(
        id=c.id,
        process_id=c.process_id,
        process_title=process.title,
        title=c.title,
        description=c.description,
        max_members=c.max_members,
        full_members=counts.get(False, 0),
        observers=counts.get(True, 0),
        meetings=meetings or 0,
    )


def list_committees(
    session: Session, process_id: uuid.UUID | None = None, *, today: date | None = None
) -> list[CommitteeInfo]:
    query = select(Committee.id).order_by(Committee.title)
    if process_id is not None:
        query = query.where(Committee.process_id == process_id)
    return [committee_info(session, cid, today=today) for cid in session.scalars(query).all()]


def create_committee(session: Session, data: CommitteeData) -> CommitteeInfo:
    data = data.cleaned()
    S._process(session, data.process_id)
    committee = Committee(
        id=uuid.uuid4(),
        process_id=data.process_id,
        title=data.title,
        description=data.description,
        max_members=data.max_members,
    )
    session.add(committee)
    session.flush()
    audit.append(
        session,
        "committee.created",
        {"committee": str(committee.id), "process": str(data.process_id), "title": data.title},
        committee.id,
    )
    session.commit()
    return committee_info(session, committee.id)


def committee_data(session: Session, committee_id: uuid.UUID) -> CommitteeData:
    c = _committee(session, committee_id)
    return CommitteeData(c.process_id, c.title, c.description, c.max_members)


def update_committee(
    session: Session,
    committee_id: uuid.UUID,
    data: CommitteeData,
    *,
    today: date | None = None,
    expected_version: int | None = None,
) -> CommitteeInfo:
    """Change title, description or maximum; a maximum below the sitting members is refused.
    ``expected_version`` (the version the user saw) refuses a save over someone else's newer
    one with :class:`EditConflict`."""
    begin_edit(session)
    c = _committee(session, committee_id)
    data = data.cleaned()
    conflict = conflict_factory(
        session,
        Committee,
        committee_id,
        expected_version,
        data,
        lambda: committee_data(session, committee_id),
    )
    check_version(c, expected_version, conflict)
    S._process(session, data.process_id)
    if data.max_members is not None:
        sitting = committee_info(session, c.id, today=today).full_members
        if sitting > data.max_members:
            raise CommitteeError(
                _(
                    "The committee already has {n} full members; a maximum of {max} is too low."
                ).format(n=sitting, max=data.max_members)
            )
    c.process_id, c.title = data.process_id, data.title
    c.description, c.max_members = data.description, data.max_members
    commit_edit(session, expected_version, conflict)
    return committee_info(session, c.id, today=today)


def delete_committee(session: Session, committee_id: uuid.UUID) -> S.Deleted:
    """Delete a committee with its members, actions and indicators (its meetings stay, as
    ordinary sessions of the process)."""
    c = _committee(session, committee_id)
    result = S.Deleted(c.id, c.title)
    session.delete(c)
    session.commit()
    return result


def find_committee(session: Session, ref: str) -> uuid.UUID:
    """A committee by its id or a unique prefix of its title (accents and case ignored)."""
    found = S._resolve(session, Committee, ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CommitteeError(_("No committee matches “{ref}”.").format(ref=ref))
    raise CommitteeError(
        _("“{ref}” matches several committees; give more of the title or the id.").format(ref=ref)
    )


def find_jury_panel(session: Session, ref: str) -> uuid.UUID:
    """A citizen jury (panel) by its id or a unique prefix of its title."""
    found = S._resolve(session, Panel, ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CommitteeError(_("No citizen jury matches “{ref}”.").format(ref=ref))
    raise CommitteeError(
        _("“{ref}” matches several citizen juries; give more of the title or the id.").format(
            ref=ref
        )
    )


@dataclass(frozen=True)
class JuryChoice:
    """A citizen jury a committee can take its members from, with how many sit on it."""

    id: uuid.UUID
    title: str
    sitting: int


def jury_choices(session: Session, process_id: uuid.UUID) -> list[JuryChoice]:
    """The citizen juries (panels) of a process, by title, with their sitting members (the
    people :func:`add_panel_members` would add)."""
    sitting = (
        select(PanelSeat.panel_id, func.count().label("n"))
        .join(Participant, Participant.id == PanelSeat.participant_id)
        .where(
            PanelSeat.kind == "selected",
            PanelSeat.status == "active",
            Participant.erased_at.is_(None),
        )
        .group_by(PanelSeat.panel_id)
        .subquery()
    )
    rows = session.execute(
        select(Panel.id, Panel.title, func.coalesce(sitting.c.n, 0))
        .outerjoin(sitting, sitting.c.panel_id == Panel.id)
        .where(Panel.process_id == process_id)
    ).all()
    return sorted((JuryChoice(*row) for row in rows), key=lambda j: fold(j.title))


def organisation_choices(session: Session) -> list[tuple[uuid.UUID, str]]:
    """Every organisation as (id, name), by name (for an owner or member picker)."""
    rows = session.execute(select(Organisation.id, Organisation.name)).all()
    return sorted(((r[0], r[1]) for r in rows), key=lambda r: fold(r[1]))


def _pick(rows: list[tuple[uuid.UUID, str]], ref: str) -> uuid.UUID | list[str]:
    """The id ``ref`` names among (id, name) rows: the id itself, an exact name, or a unique
    name prefix (accents and case ignored); otherwise the names it matches."""
    ref = (ref or "").strip()
    try:
        wanted = uuid.UUID(ref)
    except ValueError:
        wanted = None
    for row_id, _name in rows:
        if row_id == wanted:
            return row_id
    folded = fold(ref)
    exact = [row_id for row_id, name in rows if folded and fold(name) == folded]
    if len(exact) == 1:
        return exact[0]
    matches = [(row_id, name) for row_id, name in rows if folded and fold(name).startswith(folded)]
    if len(matches) == 1:
        return matches[0][0]
    return [name for _id, name in matches]


# --------------------------------------------------------------------------- members


@dataclass
class MemberData:
    """A member: a participant, an organisation or a free name (at least one of them)."""

    participant_id: uuid.UUID | None = None
    organisation_id: uuid.UUID | None = None
    #: The name shown; taken from the participant or organisation when left empty.
    name: str | None = None
    role: str = "member"
    joined_on: date | None = None
    left_on: date | None = None

    def cleaned(self, session: Session) -> MemberData:
        data = replace(self, name=_line(self.name), role=self.role or "member")
        if data.role not in MEMBER_ROLES:
            raise CommitteeError(_("Unknown committee role “{role}”.").format(role=data.role))
        if data.joined_on and data.left_on and data.left_on < data.joined_on:
            raise CommitteeError(_("A member cannot leave before joining."))
        if data.participant_id is not None:
            person = session.get(Participant, data.participant_id)
            if person is None or person.erased_at is not None:
                raise CommitteeError(_("This participant no longer exists."))
            data.name = data.name or person.full_name or person.code
        if data.organisation_id is not None:
            organisation = session.get(Organisation, data.organisation_id)
            if organisation is None:
                raise CommitteeError(_("This organisation no longer exists."))
            data.name = data.name or organisation.name
        if not data.name:
            raise CommitteeError(
                _("A member is a participant, an organisation or at least a name.")
            )
        return data


@dataclass(frozen=True)
class MemberInfo:
    id: uuid.UUID
    committee_id: uuid.UUID
    name: str
    role: str
    participant_id: uuid.UUID | None
    organisation_id: uuid.UUID | None
    joined_on: date | None
    left_on: date | None

    @property
    def is_full(self) -> bool:
        return self.role in FULL_ROLES

    def sitting_on(self, day: date) -> bool:
        return self.left_on is None or self.left_on > day

    def data(self) -> MemberData:
        """What to give :func:`add_member` to put this member back (undo a removal)."""
        return MemberData(
            self.participant_id,
            self.organisation_id,
            self.name,
            self.role,
            self.joined_on,
            self.left_on,
        )

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "name": self.name,
            "role": self.role,
            "participant_id": str(self.participant_id) if self.participant_id else None,
            "organisation_id": str(self.organisation_id) if self.organisation_id else None,
            "joined_on": self.joined_on.isoformat() if self.joined_on else None,
            "left_on": self.left_on.isoformat() if self.left_on else None,
        }


def _member_info(m: CommitteeMember) -> MemberInfo:
    return MemberInfo(
        m.id,
        m.committee_id,
        m.name,
        m.role,
        m.participant_id,
        m.organisation_id,
        m.joined_on,
        m.left_on,
    )


def _member(session: Session, member_id: uuid.UUID) -> CommitteeMember:
    member = session.get(CommitteeMember, member_id)
    if member is None:
        raise CommitteeError(_("This committee member no longer exists."))
    return member


_ROLE_ORDER = {role: n for n, role in enumerate(MEMBER_ROLES)}


def list_members(
    session: Session,
    committee_id: uuid.UUID,
    *,
    sitting_only: bool = False,
    today: date | None = None,
) -> list[MemberInfo]:
    """Members by role (chair first, observers last), then name."""
    _committee(session, committee_id)
    query = select(CommitteeMember).where(CommitteeMember.committee_id == committee_id)
    if sitting_only:
        query = query.where(_sitting(today or today_local()))
    rows = [_member_info(m) for m in session.scalars(query)]
    rows.sort(key=lambda m: (_ROLE_ORDER.get(m.role, 99), fold(m.name)))
    return rows


def _check_room(
    session: Session,
    committee: Committee,
    adding: int,
    today: date,
    *,
    leaving: uuid.UUID | None = None,
) -> None:
    """Refuse when ``adding`` more full members would go over the committee's maximum."""
    if committee.max_members is None or adding <= 0:
        return
    query = (
        select(func.count())
        .select_from(CommitteeMember)
        .where(
            CommitteeMember.committee_id == committee.id,
            CommitteeMember.role.in_(FULL_ROLES),
            _sitting(today),
        )
    )
    if leaving is not None:
        query = query.where(CommitteeMember.id != leaving)
    sitting = session.scalar(query) or 0
    if sitting + adding > committee.max_members:
        raise CommitteeError(
            _(
                "The committee is limited to {max} full members and has {n}; "
                "add this person as an observer or raise the maximum."
            ).format(max=committee.max_members, n=sitting)
        )


def _check_not_member(
    session: Session, committee_id: uuid.UUID, data: MemberData, today: date, skip=None
) -> None:
    for column, value in (
        (CommitteeMember.participant_id, data.participant_id),
        (CommitteeMember.organisation_id, data.organisation_id),
    ):
        if value is None:
            continue
        query = select(CommitteeMember.name).where(
            CommitteeMember.committee_id == committee_id, column == value, _sitting(today)
        )
        if skip is not None:
            query = query.where(CommitteeMember.id != skip)
        name = session.scalar(query.limit(1))
        if name is not None:
            raise CommitteeError(
                _("{name} is already a member of this committee.").format(name=name)
            )


def add_member(
    session: Session, committee_id: uuid.UUID, data: MemberData, *, today: date | None = None
) -> MemberInfo:
    """Add a member. Full members beyond the committee's maximum are refused."""
    committee = _committee(session, committee_id)
    today = today or today_local()
    data = data.cleaned(session)
    _check_not_member(session, committee.id, data, today)
    if data.role in FULL_ROLES and (data.left_on is None or data.left_on > today):
        _check_room(session, committee, 1, today)
    member = CommitteeMember(
        id=uuid.uuid4(),
        committee_id=committee.id,
        participant_id=data.participant_id,
        organisation_id=data.organisation_id,
        name=data.name,
        role=data.role,
        joined_on=data.joined_on,
        left_on=data.left_on,
    )
    session.add(member)
    session.commit()
    return _member_info(member)


def add_panel_members(
    session: Session,
    committee_id: uuid.UUID,
    panel_id: uuid.UUID,
    *,
    role: str = "member",
    joined_on: date | None = None,
    today: date | None = None,
) -> list[MemberInfo]:
    """Make every sitting member of a citizen jury (active selected seats) a committee member,
    in one step: all are added or, if the maximum would be passed, none. People already on the
    committee are skipped. Returns the members added."""
    committee = _committee(session, committee_id)
    today = today or today_local()
    panel = session.get(Panel, panel_id)
    if panel is None:
        raise CommitteeError(_("This citizen jury no longer exists."))
    if role not in MEMBER_ROLES:
        raise CommitteeError(_("Unknown committee role “{role}”.").format(role=role))
    people = session.scalars(
        select(Participant)
        .join(PanelSeat, PanelSeat.participant_id == Participant.id)
        .where(
            PanelSeat.panel_id == panel.id,
            PanelSeat.kind == "selected",
            PanelSeat.status == "active",
            Participant.erased_at.is_(None),
        )
        .order_by(PanelSeat.position)
    ).all()
    if not people:
        raise CommitteeError(_("The citizen jury “{title}” has nobody sitting on it.").format(
            title=panel.title))  # fmt: skip
    already = set(
        session.scalars(
            select(CommitteeMember.participant_id).where(
                CommitteeMember.committee_id == committee.id, _sitting(today)
            )
        )
    )
    newcomers = [p for p in people if p.id not in already]
    if role in FULL_ROLES:
        _check_room(session, committee, len(newcomers), today)
    added = []
    for person in newcomers:
        member = CommitteeMember(
            id=uuid.uuid4(),
            committee_id=committee.id,
            participant_id=person.id,
            name=person.full_name or person.code,
            role=role,
            joined_on=joined_on,
        )
        session.add(member)
        added.append(member)
    session.commit()
    return [_member_info(m) for m in added]


def find_member(session: Session, committee_id: uuid.UUID, ref: str) -> uuid.UUID:
    """A member of the committee by id, name, or a unique beginning of the name."""
    rows = session.execute(
        select(CommitteeMember.id, CommitteeMember.name).where(
            CommitteeMember.committee_id == committee_id
        )
    ).all()
    found = _pick([tuple(r) for r in rows], ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CommitteeError(_("No member of the committee matches “{ref}”.").format(ref=ref))
    raise CommitteeError(
        _("“{ref}” matches several members; give more of the name or the id.").format(ref=ref)
    )


def find_organisation(session: Session, ref: str) -> uuid.UUID:
    """An organisation by id, name, or a unique beginning of the name."""
    rows = session.execute(select(Organisation.id, Organisation.name)).all()
    found = _pick([tuple(r) for r in rows], ref)
    if isinstance(found, uuid.UUID):
        return found
    if not found:
        raise CommitteeError(_("No organisation matches “{ref}”.").format(ref=ref))
    raise CommitteeError(
        _("“{ref}” matches several organisations; give more of the name or the id.").format(ref=ref)
    )


def member_data(session: Session, member_id: uuid.UUID) -> MemberData:
    return _member_info(_member(session, member_id)).data()


def update_member(
    session: Session, member_id: uuid.UUID, data: MemberData, *, today: date | None = None
) -> MemberInfo:
    """Change a member's role, dates or name; a new name follows onto their actions."""
    member = _member(session, member_id)
    today = today or today_local()
    data = data.cleaned(session)
    _check_not_member(session, member.committee_id, data, today, skip=member.id)
    was_full = member.role in FULL_ROLES and (member.left_on is None or member.left_on > today)
    will_be_full = data.role in FULL_ROLES and (data.left_on is None or data.left_on > today)
    if will_be_full and not was_full:
        _check_room(session, member.committee, 1, today, leaving=member.id)
    if data.name != member.name:
        session.execute(
            update(Action).where(Action.owner_member_id == member.id).values(owner_name=data.name)
        )
    member.participant_id, member.organisation_id = data.participant_id, data.organisation_id
    member.name, member.role = data.name, data.role
    member.joined_on, member.left_on = data.joined_on, data.left_on
    session.commit()
    return _member_info(member)


def remove_member(session: Session, member_id: uuid.UUID) -> MemberInfo:
    """Remove a member. Their actions keep the owner's name (no longer linked to a member).
    To record that someone left, set ``left_on`` with :func:`update_member` instead."""
    member = _member(session, member_id)
    info = _member_info(member)
    session.execute(
        update(Action)
        .where(Action.owner_member_id == member.id)
        .values(owner_member_id=None, owner_name=func.coalesce(Action.owner_name, member.name))
    )
    session.delete(member)
    audit.append(
        session,
        "committee.member_removed",
        {"committee": str(info.committee_id), "member": str(info.id), "name": info.name},
        info.committee_id,
    )
    session.commit()
    return info


def restore_member(session: Session, info: MemberInfo) -> MemberInfo:
    """Undo :func:`remove_member`: the member comes back with the same id, and the actions
    of the committee that still bear their name are linked to them again."""
    _committee(session, info.committee_id)
    if session.get(CommitteeMember, info.id) is not None:
        raise CommitteeError(_("{name} is already a member of this committee.").format(
            name=info.name))  # fmt: skip
    session.add(
        CommitteeMember(
            id=info.id,
            committee_id=info.committee_id,
            participant_id=info.participant_id,
            organisation_id=info.organisation_id,
            name=info.name,
            role=info.role,
            joined_on=info.joined_on,
            left_on=info.left_on,
        )
    )
    session.flush()
    session.execute(
        update(Action)
        .where(
            Action.committee_id == info.committee_id,
            Action.owner_member_id.is_(None),
            Action.owner_organisation_id.is_(None),
            Action.owner_name == info.name,
        )
        .values(owner_member_id=info.id)
    )
    session.commit()
    return info


# --------------------------------------------------------------------------- meetings


@dataclass(frozen=True)
class MeetingInfo:
    id: uuid.UUID
    title: str
    starts_at: datetime
    ends_at: datetime | None
    place: str | None
    attendance: int
    minutes_status: str

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "title": self.title,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": self.ends_at.isoformat() if self.ends_at else None,
            "place": self.place,
            "attendance": self.attendance,
            "minutes_status": self.minutes_status,
        }


def create_meeting(
    session: Session,
    committee_id: uuid.UUID,
    title: str,
    starts_at: datetime | None,
    *,
    ends_at: datetime | None = None,
    place: str | None = None,
    facilitators: str | None = None,
    agenda: str | None = None,
) -> S.SessionInfo:
    """A meeting of the committee: a session of its process, with agenda, sign-in and minutes
    as any session (see :mod:`app.facilitation.sessions`)."""
    committee = _committee(session, committee_id)
    data = S.SessionData(
        process_id=committee.process_id,
        title=title,
        starts_at=starts_at,
        ends_at=ends_at,
        place=place,
        facilitators=facilitators,
        agenda=agenda,
    ).cleaned()
    info = S.create_session(session, data)
    S._session(session, info.id).committee_id = committee.id
    session.commit()
    return info


def _meeting(session: Session, meeting_id: uuid.UUID) -> WorkshopSession:
    meeting = S._session(session, meeting_id)
    if meeting.committee_id is None:
        raise CommitteeError(
            _("The session “{title}” is not a meeting of a committee.").format(title=meeting.title)
        )
    return meeting


def list_meetings(session: Session, committee_id: uuid.UUID) -> list[MeetingInfo]:
    """The committee's meetings in date order, with how many signed in."""
    _committee(session, committee_id)
    present = (
        select(Attendance.session_id, func.count().label("n"))
        .group_by(Attendance.session_id)
        .subquery()
    )
    rows = session.execute(
        select(
            WorkshopSession.id,
            WorkshopSession.title,
            WorkshopSession.starts_at,
            WorkshopSession.ends_at,
            WorkshopSession.place,
            func.coalesce(present.c.n, 0),
            WorkshopSession.minutes_status,
        )
        .outerjoin(present, present.c.session_id == WorkshopSession.id)
        .where(WorkshopSession.committee_id == committee_id)
        .order_by(WorkshopSession.starts_at)
    ).all()
    return [MeetingInfo(*row) for row in rows]


def next_meeting(
    session: Session, committee_id: uuid.UUID, *, now: datetime | None = None
) -> MeetingInfo | None:
    """The first meeting that has not yet ended (or started, without an end time)."""
    now = now or datetime.now().astimezone()
    for meeting in list_meetings(session, committee_id):
        if (meeting.ends_at or meeting.starts_at) >= now:
            return meeting
    return None


# --------------------------------------------------------------------------- decisions log


@dataclass(frozen=True)
class LoggedDecision:
    """One line of the decisions log (relevé de décisions)."""

    id: uuid.UUID
    text: str
    status: str
    decided_on: date | None
    decided_by: str | None
    meeting_id: uuid.UUID
    meeting_title: str

    def as_dict(self) -> dict:
        return {
            "id": str(self.id),
            "text": self.text,
            "status": self.status,
            "decided_on": self.decided_on.isoformat() if self.decided_on else None,
            "decided_by": self.decided_by,
            "meeting_id": str(self.meeting_id),
            "meeting": self.meeting_title,
        }


def _logged(d: Decision, meeting: WorkshopSession) -> LoggedDecision:
    return LoggedDecision(
        d.id, d.text, d.status, d.decided_on, d.decided_by, meeting.id, meeting.title
    )


def record_decision(
    session: Session,
    meeting_id: uuid.UUID,
    text: str,
    *,
    status: str = "adopted",
    decided_on: date | None = None,
    decided_by: str | None = None,
) -> LoggedDecision:
    """Record a decision of a meeting in the decisions log: when (default: the meeting's day)
    and who decided (e.g. "the committee, unanimously")."""
    meeting = _meeting(session, meeting_id)
    info = S.add_decision(session, meeting.id, text, status)
    decision = session.get(Decision, info.id)
    decision.decided_on = decided_on or meeting.starts_at.astimezone().date()
    decision.decided_by = _line(decided_by)
    session.commit()
    return _logged(decision, meeting)


def update_logged_decision(
    session: Session,
    decision_id: uuid.UUID,
    *,
    decided_on: date | None = None,
    decided_by: str | None = None,
) -> LoggedDecision:
    """Change when and by whom a decision was taken (text and status: ``update_decision``)."""
    decision = S._decision(session, decision_id)
    if decided_on is not None:
        decision.decided_on = decided_on
    if decided_by is not None:
        decision.decided_by = _line(decided_by)
    session.commit()
    return _logged(decision, decision.session)


def decisions_log(
    session: Session,
    committee_id: uuid.UUID,
    *,
    start: date | None = None,
    end: date | None = None,
) -> list[LoggedDecision]:
    """Decisions of the committee's meetings in date order, optionally from ``start`` to
    ``end`` (inclusive, on the decision's date)."""
    _committee(session, committee_id)
    rows = session.execute(
        select(Decision, WorkshopSession)
        .join(WorkshopSession, Decision.session_id == WorkshopSession.id)
        .where(WorkshopSession.committee_id == committee_id)
        .order_by(WorkshopSession.starts_at, Decision.position)
    ).all()
    result = []
    for decision, meeting in rows:
        day = decision.decided_on or meeting.starts_at.astimezone().date()
        if (start and day < start) or (end and day > end):
            continue
        result.append(_logged(decision, meeting))
    return result
