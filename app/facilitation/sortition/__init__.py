"""Sortition of citizen juries: quotas, feasibility, LEXIMIN and legacy draws, audit data.

A pure engine: no database, no Qt. The workspace layer and the ``atelier sortition`` CLI call it.

* :mod:`.model` — :class:`Person`, :class:`Quota`, :class:`Instance` (validated, canonical JSON,
  SHA-256 digest) and :func:`quotas_from_shares` (quotas from census shares).
* :mod:`.feasibility` — :func:`check` explains in plain words why quotas cannot be met and
  computes the smallest relaxation (an integer programme minimising the total widening);
  :func:`apply` applies it.
* :mod:`.leximin` — the LEXIMIN distribution over quota-satisfying panels (Flanigan, Gölz, Gupta,
  Hennig, Procaccia, *Nature* 596, 2021), solved with HiGHS.
* :mod:`.legacy` — the Sortition Foundation's legacy greedy procedure and its empirical
  distribution.
* :mod:`.draw` — seeded, replayable draws from a distribution, alternates, replacements and the
  probability summary.
* :mod:`.files` — Sortition Foundation ``categories.csv`` / ``people.csv`` and the invitation
  lottery (first stage) over an address list.

Long functions take ``progress(fraction, message)`` and ``cancel`` (an
:class:`app.jobs.CancelToken`) and raise :class:`app.errors.Cancelled` between solver calls.
"""

from __future__ import annotations

from app.facilitation.sortition.model import (
    Distribution,
    Instance,
    Person,
    Quota,
    SortitionError,
    quotas_from_shares,
)

__all__ = [
    "Distribution",
    "Instance",
    "Person",
    "Quota",
    "SortitionError",
    "quotas_from_shares",
]
