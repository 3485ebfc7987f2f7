"""The data model (SQLAlchemy 2.0, no Qt). Importing this package registers every table."""

from app.models.audit import AuditEvent
from app.models.base import Base, Entity, utcnow
from app.models.meta import WorkspaceMeta
from app.models.organisation import Organisation
from app.models.participant import (
    CONSENT_METHODS,
    CONSENT_PURPOSES,
    STAKEHOLDER_TYPES,
    AttributeCategory,
    AttributeValue,
    ConsentPurpose,
    ConsentRecord,
    Participant,
    ParticipantAttribute,
)
from app.models.process import (
    DECISION_STATUSES,
    MINUTES_STATUSES,
    PHASES,
    AgendaItem,
    Attendance,
    Decision,
    Process,
    Registration,
    Session,
)
from app.models.vote import (
    BALLOT_STATUSES,
    ELIGIBILITY,
    ENTRY_MODES,
    VOTE_STATUSES,
    Ballot,
    Vote,
    VoteOption,
    VoterMark,
)

#: The Alembic revision this code writes. A test checks it is the migrations' head; the store
#: compares a workspace against it without loading Alembic, to keep start-up fast.
SCHEMA_HEAD = "0003"

__all__ = [
    "BALLOT_STATUSES",
    "CONSENT_METHODS",
    "CONSENT_PURPOSES",
    "DECISION_STATUSES",
    "ELIGIBILITY",
    "ENTRY_MODES",
    "MINUTES_STATUSES",
    "PHASES",
    "SCHEMA_HEAD",
    "STAKEHOLDER_TYPES",
    "VOTE_STATUSES",
    "AgendaItem",
    "Attendance",
    "AttributeCategory",
    "AttributeValue",
    "AuditEvent",
    "Ballot",
    "Base",
    "ConsentPurpose",
    "ConsentRecord",
    "Decision",
    "Entity",
    "Organisation",
    "Participant",
    "ParticipantAttribute",
    "Process",
    "Registration",
    "Session",
    "Vote",
    "VoteOption",
    "VoterMark",
    "WorkspaceMeta",
    "utcnow",
]
