"""Command groups of the ``atelier`` CLI (``atelier participants import …``).

Each group is a top-level verb; each contributing module has ``register(subparsers)`` that adds
its sub-commands (``argparse`` sub-parsers with ``set_defaults(func=...)``). A sub-command's
function takes the parsed arguments and returns an exit code; it raises
:class:`~app.errors.AtelierError` for bad input or a refused operation.
"""

from __future__ import annotations

from app.i18n import N_

#: group name → (help text, modules that contribute sub-commands)
GROUPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "participants": (
        N_("the participant registry: list, import, export, consent, duplicates"),
        ("app.commands.participants", "app.commands.participant_files"),
    ),
    "processes": (
        N_("co-construction processes: list, create"),
        ("app.commands.processes",),
    ),
    "vote": (
        N_("votes: create, open, cast ballots, close, tally, publish"),
        ("app.commands.votes",),
    ),
    "jury": (
        N_(
            "juries: citizen juries drawn by lot (quotas, draw, verify, replace) and "
            "evaluation juries (members, criteria, scores)"
        ),
        ("app.commands.panels", "app.commands.juries"),
    ),
    "committee": (
        N_("follow-up committees: members, actions, decisions, indicators"),
        ("app.commands.committees",),
    ),
    "sessions": (
        N_("workshop sessions: create, agenda, sign-in, minutes"),
        ("app.commands.sessions",),
    ),
    "volunteers": (
        N_("co-delivery: volunteers, missions, hours, the value of citizen time"),
        ("app.commands.volunteers",),
    ),
    "bundle": (
        N_("workshop bundles: export a process, import one from a partner, show one"),
        ("app.commands.bundles", "app.commands.exchange_compare"),
    ),
}

#: Modules that add a top-level verb of their own (``register_verb(subparsers)``), e.g. ``tally``.
VERB_MODULES: tuple[str, ...] = (
    "app.commands.tally",
    "app.commands.sortition",
    "app.commands.reports",
)
