"""How the command line reports an edit refused because someone else saved first."""

from __future__ import annotations

import sys

from app.commands.common import print_json
from app.facilitation.conflicts import EditConflict
from app.i18n import _

#: The exit status of a refused command (as app.cli.EXIT_REFUSED).
EXIT_REFUSED = 1


def report_conflict(conflict: EditConflict, *, as_json: bool = False) -> int:
    """Both versions, field by field, on standard error (or as JSON on standard output);
    returns the exit status. Nothing was saved."""
    if as_json:
        print_json(conflict.as_dict())
        return EXIT_REFUSED
    print(_("atelier: {message}").format(message=conflict), file=sys.stderr)
    width = max((len(f.label) for f in conflict.fields), default=0)
    for field in conflict.fields:
        mark = "*" if field.differs else " "
        print(
            _("{mark} {field}  yours: {yours}  saved: {stored}").format(
                mark=mark,
                field=field.label.ljust(width),
                yours=field.yours_text.replace("\n", "; "),
                stored=field.stored_text.replace("\n", "; "),
            ),
            file=sys.stderr,
        )
    print(
        _("To save yours over it, run the command again with --if-version {version}.").format(
            version=conflict.stored_version
        ),
        file=sys.stderr,
    )
    return EXIT_REFUSED
