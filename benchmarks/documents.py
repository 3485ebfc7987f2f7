"""Printed documents at the size of a big town hall: session summary and sign-in sheet.

    python benchmarks/documents.py               500 present, 5 votes, ~40 pages; 2,000 on the sheet
    python benchmarks/documents.py --extra 5000 --attendees 1000
    python benchmarks/documents.py --json        the figures as JSON
    python benchmarks/documents.py --keep DIR    keep the PDFs in DIR to look at them

The demo workspace is the base (municipality, attribute vocabularies with population shares);
N extra people are bulk-inserted and registered in its process, M of them signed in to its
third session, with random attributes. That session gets five closed votes (majority
judgment, instant-runoff, STV, Method of Equal Shares, a proposal) whose ballots are typed in
as weighted counts, twelve agenda items, sixty decisions and long minutes, so its summary runs
to about forty pages with a table of contents and charts.

Measured (median of 3, after a warm-up that loads fonts and modules):

1. **summary**: ``reports.build_pdf(session, "session", …)``; target under 3 s.
2. **sign-in sheet**: ``reports.build_pdf(session, "signin", …)`` for everyone registered;
   target under 2 s.

The exit code is 0 either way; the figures are printed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

TARGET_SUMMARY_S = 3.0
TARGET_SIGNIN_S = 2.0
DAY = date(2026, 12, 12)

WORDS = [
    "la",
    "place",
    "doit",
    "rester",
    "ouverte",
    "aux",
    "enfants",
    "aux",
    "anciens",
    "et",
    "aux",
    "commerçants",
    "du",
    "marché",
    "les",
    "habitant·es",
    "proposent",
    "des",
    "arbres",
    "de",
    "l'ombre",
    "des",
    "bancs",
    "une",
    "fontaine",
    "et",
    "un",
    "éclairage",
    "plus",
    "doux",
    "le",
    "soir",
    "la",
    "circulation",
    "des",
    "vélos",
    "est",
    "discutée",
    "ainsi",
    "que",
    "le",
    "stationnement",
]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 26))]
    return words[0].capitalize() + " " + " ".join(words[1:]) + "."


def build(path: Path, extra: int, attendees: int, seed: int = 11):
    """The demo plus a crowd; returns (store, session id)."""
    from sqlalchemy import func, insert, select

    from app.facilitation import sessions as S
    from app.facilitation import votes as V
    from app.facilitation.demo import create_demo
    from app.facilitation.vocabularies import load_vocabularies
    from app.models import Attendance, Participant, ParticipantAttribute, Registration
    from app.models.text import fold

    rng = random.Random(seed)
    ws = create_demo(path)
    with ws.session() as s:
        overview = S.process_overview(s)[0]
        process_id, session_id = overview.id, overview.sessions[2].id
        info = S.session_info(s, session_id)
        vocabularies = list(load_vocabularies(s).values())
        firsts = ["Élodie", "Benoît", "Zoé", "Mathéo", "Chloé", "Noémie", "Дмитрий", "Aïcha"]
        lasts = ["Œuvray", "Bérenger", "Lefèvre", "N’Diaye", "Petrova", "Müller", "Caron"]
        people, attributes = [], []
        for n in range(extra):
            first, last = rng.choice(firsts), f"{rng.choice(lasts)}-{n:05d}"
            pid = uuid.uuid4()
            people.append(
                {"id": pid, "first_name": first, "last_name": last, "code": f"Z{n:07d}",
                 "sort_key": fold(f"{last} {first}"), "first_key": fold(f"{first} {last}"),
                 "search_text": fold(f"{first} {last}"), "stakeholder_type": rng.choice(
                     ["resident"] * 6 + ["association", "shopkeeper", "youth", "staff"])}
            )  # fmt: skip
            for vocabulary in vocabularies:
                value = rng.choice(vocabulary.values)
                attributes.append(
                    {"participant_id": pid, "category_id": vocabulary.id, "value_id": value.id}
                )
        s.execute(insert(Participant), people)
        s.execute(insert(ParticipantAttribute), attributes)
        s.execute(
            insert(Registration),
            [{"process_id": process_id, "participant_id": p["id"]} for p in people],
        )
        came = rng.sample(people, attendees)
        s.execute(
            insert(Attendance),
            [
                {"session_id": session_id, "participant_id": p["id"],
                 "signed_in_at": info.starts_at + timedelta(minutes=rng.randint(-20, 30))}
                for p in came
            ],
        )  # fmt: skip
        s.commit()
        for n in range(12):
            S.add_agenda_item(s, session_id, f"Séquence {n + 1} : {_sentence(rng)[:80]}", 15)
        for _n in range(60):
            S.add_decision(s, session_id, _sentence(rng), rng.choice(["adopted", "proposed"]))
        minutes = "\n\n".join(
            " ".join(_sentence(rng) for _ in range(rng.randint(4, 9))) for _ in range(190)
        )
        S.set_minutes(s, session_id, minutes)
        specs = [
            ("Quelle ambiance pour la place ?", "majority_judgment", 6, {}),
            ("Quel nom pour la place ?", "irv", 8, {}),
            ("Délégué·es au comité de suivi", "stv", 10, {"seats": 3}),
            ("Budget participatif", "mes", 12, {"budget": 200000}),
            ("Adopter le scénario B ?", "proposal", 3, {}),
        ]
        left = len(came)
        for question, method, n, rules in specs:
            names = ["Pour", "Contre", "Abstention"] if method == "proposal" else [
                f"Option {chr(65 + i)} — {rng.choice(WORDS)}" for i in range(n)]  # fmt: skip
            options = [
                V.OptionData(name, cost=rng.randint(5, 60) * 1000 if method == "mes" else None)
                for name in names
            ]
            vote_id = V.create_vote(s, session_id, V.VoteData(question, method, options, rules))
            V.open_vote(s, vote_id)
            left = len(came)
            while left > 0:
                weight = min(left, rng.randint(5, 25))
                if method == "majority_judgment":
                    ballot = {i: min(5, max(0, int(rng.gauss(1 + 0.5 * i, 1.3)))) for i in range(n)}
                elif method in ("irv", "stv"):
                    order = sorted(range(n), key=lambda i: i + rng.random() * 4)
                    ballot = tuple(frozenset({i}) for i in order[: rng.randint(1, n)])
                elif method == "mes":
                    ballot = frozenset(i for i in range(n) if rng.random() < 0.35) or frozenset({0})
                else:
                    ballot = rng.choice(["yes", "yes", "no", "abstain"])
                V.cast_ballot(s, vote_id, ballot, weight=weight)
                left -= weight
            V.cast_ballot(s, vote_id, None, status="blank", weight=4)
            V.cast_ballot(s, vote_id, None, status="spoiled", weight=2)
            V.close_vote(s, vote_id)
        registered_total = s.scalar(
            select(func.count())
            .select_from(Registration)
            .where(Registration.process_id == process_id)
        )
    return ws, session_id, registered_total


def _timed(func, runs: int = 3) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--extra",
        type=int,
        default=1940,
        help="people added to the demo's 60 (default: 2,000 in all)",
    )
    parser.add_argument("--attendees", type=int, default=500)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, metavar="DIR")
    args = parser.parse_args()

    from app.facilitation import reports

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        ws, session_id, registered = build(Path(tmp) / "big.atelier", args.extra, args.attendees)
        built = time.perf_counter() - started
        with ws.session() as s:
            # Warm-up: fonts, modules.
            reports.build_pdf(s, "signin", session_id, today=DAY, blank_rows=0)
            summary_s, summary = _timed(
                lambda: reports.build_pdf(s, "session", session_id, today=DAY)
            )
            signin_s, sheet = _timed(lambda: reports.build_pdf(s, "signin", session_id, today=DAY))
        if args.keep:
            args.keep.mkdir(parents=True, exist_ok=True)
            (args.keep / "summary.pdf").write_bytes(summary.data)
            (args.keep / "signin.pdf").write_bytes(sheet.data)
        ws.close(backup=False)
    figures = {
        "workspace_built_s": round(built, 2),
        "registered": registered,
        "attendees": args.attendees,
        "summary_pages": summary.pages,
        "summary_s": round(summary_s, 3),
        "summary_target_s": TARGET_SUMMARY_S,
        "signin_pages": sheet.pages,
        "signin_s": round(signin_s, 3),
        "signin_target_s": TARGET_SIGNIN_S,
    }
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(
            f"workspace built in {built:.1f} s ({registered} registered, {args.attendees} present)"
        )
        ok = "ok" if summary_s < TARGET_SUMMARY_S else "SLOW"
        print(f"session summary: {summary.pages} pages in {summary_s:.2f} s "
              f"(target < {TARGET_SUMMARY_S:.0f} s) {ok}")  # fmt: skip
        ok = "ok" if signin_s < TARGET_SIGNIN_S else "SLOW"
        print(f"sign-in sheet: {sheet.pages} pages, {registered} people in {signin_s:.2f} s "
              f"(target < {TARGET_SIGNIN_S:.0f} s) {ok}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
