"""Evaluation juries: weighted totals, fair recusals, scale, agreement, decision, CLI."""

from __future__ import annotations

import json
import math

import pytest
from sqlalchemy import select

from app.facilitation import audit
from app.facilitation import juries as J
from app.facilitation.sessions import list_processes
from app.models import AuditEvent, JuryScore, Participant

# Criteria: Usage (weight 2), Cost (weight 1). Scores (usage, cost) per member and candidate.
SCORES = {
    "Alice": {"A": (8, 5), "B": (6, 7), "C": (2, 3)},
    "Bob": {"A": (9, 6), "B": (4, 4), "C": (3, 1)},
    "Chloé": {"A": (7, 7), "B": (8, 5), "C": (5, 2)},
}
# Weighted totals by hand, (2·usage + cost) / 3:
#   Alice: A 21/3 = 7,  B 19/3, C 7/3
#   Bob:   A 24/3 = 8,  B 12/3 = 4, C 7/3
#   Chloé: A 21/3 = 7,  B 21/3 = 7, C 12/3 = 4
# Means: A (7 + 8 + 7)/3 = 22/3, B (19/3 + 4 + 7)/3 = 52/9, C (7/3 + 7/3 + 4)/3 = 26/9.


class Jury:
    """A jury with ids by name, on a real workspace."""

    def __init__(self, session, scores=SCORES, scale=(0, 10)) -> None:
        self.s = session
        process = list_processes(session)[0]
        self.info = J.create_jury(
            session, process.id, "Jury du concours", scale_min=scale[0], scale_max=scale[1]
        )
        self.id = self.info.id
        self.m = {name: J.add_member(session, self.id, name).id for name in scores}
        first = next(iter(scores.values()))
        self.c = {name: J.add_candidate(session, self.id, name).id for name in first}
        self.k = {
            "Usage": J.add_criterion(session, self.id, "Usage", 2).id,
            "Cost": J.add_criterion(session, self.id, "Cost", 1).id,
        }
        for member, row in scores.items():
            for candidate, (usage, cost) in row.items():
                self.score(member, candidate, "Usage", usage)
                self.score(member, candidate, "Cost", cost)

    def score(self, member, candidate, criterion, value):
        return J.set_score(self.s, self.m[member], self.c[candidate], self.k[criterion], value)

    def results(self) -> dict[str, J.CandidateResult]:
        return {r.name: r for r in J.results(self.s, self.id).ranking}


@pytest.fixture
def jury(demo):
    with demo.session() as s:
        yield Jury(s)


def test_weighted_totals_and_ranking_match_the_hand_computation(jury) -> None:
    found = J.results(jury.s, jury.id)
    assert [(r.rank, r.name) for r in found.ranking] == [(1, "A"), (2, "B"), (3, "C")]
    by_name = {r.name: r for r in found.ranking}
    assert by_name["A"].score == pytest.approx(22 / 3)
    assert by_name["B"].score == pytest.approx(52 / 9)
    assert by_name["C"].score == pytest.approx(26 / 9)
    assert by_name["B"].totals[jury.m["Alice"]] == pytest.approx(19 / 3)
    assert by_name["B"].totals[jury.m["Bob"]] == pytest.approx(4)
    assert by_name["B"].spread == pytest.approx(7 - 4)
    assert by_name["A"].counted == 3 and not any(r.tied for r in found.ranking)
    assert "mean of the totals of the members who scored it" in found.convention
    assert found.completeness.complete and found.completeness.scored == 18


def test_a_recusal_leaves_the_member_out_and_the_others_unchanged(jury) -> None:
    before = jury.results()
    dropped = J.declare_recusal(jury.s, jury.m["Bob"], jury.c["A"], "works for the firm")
    assert dropped == 2  # Bob's two scores of A are gone
    after = jury.results()
    # A is the mean of the members who are not recused: neither a zero nor a reweighting.
    assert after["A"].score == pytest.approx((7 + 7) / 2)
    assert after["A"].counted == 2 and after["A"].recused == [jury.m["Bob"]]
    assert after["A"].totals[jury.m["Bob"]] is None
    for other in ("B", "C"):
        assert after[other].score == pytest.approx(before[other].score)
    # Bob can no longer score A; the completeness no longer expects it.
    with pytest.raises(J.JuryError, match="conflict of interest"):
        jury.score("Bob", "A", "Usage", 5)
    assert J.completeness(jury.s, jury.id).expected == 16
    assert J.completeness(jury.s, jury.id).complete
    kinds = [e.kind for e in jury.s.scalars(select(AuditEvent))]
    assert "jury.recusal" in kinds
    J.withdraw_recusal(jury.s, jury.m["Bob"], jury.c["A"])
    jury.score("Bob", "A", "Usage", 5)
    progress = J.completeness(jury.s, jury.id)
    bob = next(m for m in progress.members if m.name == "Bob")
    assert bob.missing == [("A", "Cost")] and not progress.complete


def test_an_incomplete_member_total_does_not_count_yet(jury) -> None:
    J.clear_score(jury.s, jury.m["Chloé"], jury.c["C"], jury.k["Cost"])
    c = jury.results()["C"]
    assert c.totals[jury.m["Chloé"]] is None and c.counted == 2
    assert c.score == pytest.approx(7 / 3)


def test_equal_scores_share_a_rank(demo) -> None:
    same = {"Alice": {"A": (6, 6), "B": (6, 6), "C": (2, 2)}}
    with demo.session() as s:
        jury = Jury(s, same)
        ranking = J.results(s, jury.id).ranking
    assert [(r.rank, r.tied) for r in ranking] == [(1, True), (1, True), (3, False)]


@pytest.mark.parametrize("bad", [11, -1, "abc", "nan", 10.5])
def test_scores_outside_the_scale_are_refused_and_change_nothing(jury, bad) -> None:
    with pytest.raises(J.JuryError):
        jury.score("Alice", "A", "Usage", bad)
    assert jury.s.get(JuryScore, (jury.m["Alice"], jury.c["A"], jury.k["Usage"])).score == 8


def test_scores_on_the_edges_and_decimal_commas_are_accepted(jury) -> None:
    assert jury.score("Alice", "A", "Usage", 0) == 0
    assert jury.score("Alice", "A", "Usage", 10) == 10
    assert jury.score("Alice", "A", "Usage", "7,5") == 7.5


def test_bad_weights_and_names_are_refused(jury) -> None:
    for weight in (0, -1, math.inf):
        with pytest.raises(J.JuryError, match="weight"):
            J.add_criterion(jury.s, jury.id, "Beauty", weight)
    with pytest.raises(J.JuryError, match="already a member"):
        J.add_member(jury.s, jury.id, "alice")
    with pytest.raises(J.JuryError, match="above its bottom"):
        J.create_jury(jury.s, jury.info.process_id, "Other", scale_min=5, scale_max=5)
    with pytest.raises(J.JuryError, match="outside"):
        J.update_jury(jury.s, jury.id, scale=(0, 5))


def test_a_member_from_the_participants_keeps_their_name(jury) -> None:
    person = jury.s.scalars(select(Participant).limit(1)).one()
    member = J.add_member(jury.s, jury.id, participant=person.code, college="elected")
    assert member.name == person.full_name and member.participant_id == person.id
    with pytest.raises(J.JuryError, match="already sits"):
        J.add_member(jury.s, jury.id, participant=str(person.id))
    with pytest.raises(J.JuryError, match="college"):
        J.add_member(jury.s, jury.id, "Dan", college="king")


def test_the_decision_is_recorded_with_a_hash_and_freezes_the_jury(jury) -> None:
    J.set_notes(jury.s, jury.id, "Long discussion on costs.")
    record = J.record_decision(jury.s, jury.id, "Le projet A est lauréat.")
    info = J.jury_info(jury.s, jury.id)
    assert info.status == "decided" and info.decision == "Le projet A est lauréat."
    assert info.decided_at is not None and info.notes == "Long discussion on costs."
    event = jury.s.scalars(select(AuditEvent).where(AuditEvent.kind == "jury.decided")).one()
    payload = json.loads(event.payload)
    assert payload["scores_hash"] == record.scores_hash == J.results(jury.s, jury.id).scores_hash
    assert payload["ranking"][0][:2] == [1, "A"]
    assert audit.verify(jury.s).ok
    for refused in (
        lambda: jury.score("Alice", "A", "Usage", 3),
        lambda: J.clear_score(jury.s, jury.m["Alice"], jury.c["A"], jury.k["Usage"]),
        lambda: J.add_member(jury.s, jury.id, "Dan"),
        lambda: J.remove_candidate(jury.s, jury.c["C"]),
        lambda: J.update_criterion(jury.s, jury.k["Usage"], weight=5),
        lambda: J.declare_recusal(jury.s, jury.m["Bob"], jury.c["A"], "x"),
        lambda: J.set_notes(jury.s, jury.id, "changed"),
        lambda: J.record_decision(jury.s, jury.id, "again"),
        lambda: J.set_scores(jury.s, jury.id, [J.ScoreLine("Alice", "A", "Usage", "1")]),
    ):
        with pytest.raises(J.JuryError, match="can no longer change"):
            refused()
    assert jury.s.get(JuryScore, (jury.m["Alice"], jury.c["A"], jury.k["Usage"])).score == 8


def test_a_changed_score_changes_the_hash(jury) -> None:
    before = J.results(jury.s, jury.id).scores_hash
    jury.score("Alice", "A", "Usage", 9)
    assert J.results(jury.s, jury.id).scores_hash != before


def test_agreement_perfect_and_reversed(demo) -> None:
    alike = {name: {"A": (9, 9), "B": (5, 5), "C": (1, 1)} for name in ("Alice", "Bob", "Chloé")}
    reversed_ = {"Alice": {"A": (9, 9), "B": (5, 5), "C": (1, 1)},
                 "Bob": {"A": (1, 1), "B": (5, 5), "C": (9, 9)}}  # fmt: skip
    with demo.session() as s:
        perfect = J.results(s, Jury(s, alike).id).agreement
        opposed = J.results(s, Jury(s, reversed_).id).agreement
    assert perfect.w == pytest.approx(1.0) and perfect.level == "strong"
    assert perfect.method == "complete" and "Strong agreement" in perfect.reading
    assert opposed.w == pytest.approx(0.0) and opposed.level == "weak"
    assert "Weak agreement" in opposed.reading


def test_kendall_w_on_a_worked_example() -> None:
    # 3 members rank 3 candidates: rank sums 4, 6, 8; S = 8; W = 12·8 / (3²·(27 − 3)) = 4/9.
    assert J.kendall_w([[1, 2, 3], [1, 3, 2], [2, 1, 3]]) == pytest.approx(4 / 9)
    # Ties use midranks and the tie correction.
    assert J.midranks([5.0, 7.0, 5.0]) == [2.5, 1.0, 2.5]


def test_agreement_with_a_recusal_uses_the_pairs_available(jury) -> None:
    J.declare_recusal(jury.s, jury.m["Bob"], jury.c["A"], "family")
    found = J.results(jury.s, jury.id).agreement
    assert found.method == "pairwise" and found.pairs == 3 and found.w is not None
    assert "conflicts of interest" in found.basis


def test_agreement_needs_two_members(demo) -> None:
    with demo.session() as s:
        found = J.results(s, Jury(s, {"Alice": SCORES["Alice"]}).id).agreement
    assert found.w is None and "cannot be measured" in found.reading


def test_bulk_scores_are_all_or_nothing(jury) -> None:
    text = "member;candidate;criterion;score\nAlice;A;Usage;1\nBob;B;Cost;42\nZoé;A;Usage;3\n"
    with pytest.raises(J.JuryError) as caught:
        J.set_scores(jury.s, jury.id, J.score_lines_from_csv(text))
    assert "line 3" in str(caught.value) and "line 4" in str(caught.value)
    assert jury.s.get(JuryScore, (jury.m["Alice"], jury.c["A"], jury.k["Usage"])).score == 8
    french = "membre,candidat,critère,note\nAlice,A,Usage,1\nbob,b,cost,2\n"
    assert J.set_scores(jury.s, jury.id, J.score_lines_from_csv(french)) == 2
    assert jury.s.get(JuryScore, (jury.m["Bob"], jury.c["B"], jury.k["Cost"])).score == 2
    with pytest.raises(J.JuryError, match="columns"):
        J.score_lines_from_csv("who,what\nAlice,A\n")


def test_removing_a_member_removes_their_scores(jury) -> None:
    J.remove_member(jury.s, jury.m["Bob"])
    assert jury.results()["A"].score == pytest.approx(7)
    left = jury.s.scalars(select(JuryScore).where(JuryScore.member_id == jury.m["Bob"])).all()
    assert left == []
    assert [m.position for m in J.jury_detail(jury.s, jury.id).members] == [0, 1]


# --------------------------------------------------------------------------- CLI


def run(capsys, *argv: str) -> tuple[int, str, str]:
    from app.cli import main

    code = main(["--lang", "en", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_the_cli_round_trip(demo_path, tmp_path, capsys) -> None:
    ws = str(demo_path)
    code, out, _err = run(
        capsys, "jury", "eval-create", ws, "--process", "Réaménagement", "--title",
        "Jury du concours", "--scale", "0", "10", "--json",
    )  # fmt: skip
    assert code == 0
    jury = json.loads(out)["id"]
    for name in SCORES:
        assert run(capsys, "jury", "eval-member", ws, jury, name, "--json")[0] == 0
    for name in ("A", "B", "C"):
        assert run(capsys, "jury", "eval-candidate", ws, jury, name)[0] == 0
    assert run(capsys, "jury", "eval-criterion", ws, "Jury du", "Usage", "--weight", "2")[0] == 0
    assert run(capsys, "jury", "eval-criterion", ws, jury, "Cost")[0] == 0
    lines = ["member,candidate,criterion,score"]
    for member, row in SCORES.items():
        for candidate, (usage, cost) in row.items():
            lines += [f"{member},{candidate},Usage,{usage}", f"{member},{candidate},Cost,{cost}"]
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join([*lines, "Alice,A,Usage,99"]) + "\n", encoding="utf-8")
    code, _out, err = run(capsys, "jury", "eval-scores", ws, jury, str(bad))
    assert code == 1 and "Nothing was recorded" in err and "line 20" in err
    code, out, _err = run(capsys, "jury", "eval-results", ws, jury, "--json")
    assert json.loads(out)["completeness"]["scored"] == 0  # all or nothing
    good = tmp_path / "good.csv"
    good.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, _err = run(capsys, "jury", "eval-scores", ws, jury, str(good), "--json")
    assert code == 0 and json.loads(out)["written"] == 18
    code, _out, err = run(capsys, "jury", "eval-score", ws, jury, "--member", "Alice",
                          "--candidate", "A", "--criterion", "Usage", "--score", "11")  # fmt: skip
    assert code == 1 and "between 0 and 10" in err
    code, out, _err = run(capsys, "jury", "eval-recuse", ws, jury, "--member", "Bob",
                          "--candidate", "A", "--reason", "conflict", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["scores_dropped"] == 2
    table = tmp_path / "results.csv"
    code, out, _err = run(capsys, "jury", "eval-results", ws, jury, "--json", "--csv", str(table))
    found = json.loads(out)
    assert [r["candidate"] for r in found["ranking"]] == ["A", "B", "C"]
    assert found["ranking"][0]["score"] == pytest.approx(7)
    assert found["ranking"][0]["recused"] == ["Bob"]
    assert found["agreement"]["method"] == "pairwise"
    rows = table.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("Rank;Candidate;Weighted score") and "recused" in rows[1]
    code, out, _err = run(capsys, "jury", "eval-results", ws, jury)
    assert "1. A: 7.00" in out and "recused: Bob" in out
    assert (
        run(capsys, "jury", "eval-notes", ws, jury, "Débat sur les coûts", "--deliberating")[0] == 0
    )
    code, out, _err = run(capsys, "jury", "eval-decide", ws, jury, "--decision", "A", "--json")
    assert code == 0 and len(json.loads(out)["scores_hash"]) == 64
    code, out, _err = run(capsys, "jury", "eval-list", ws, "--json")
    [listed] = json.loads(out)
    assert listed["status"] == "decided" and listed["notes"] == "Débat sur les coûts"
    code, _out, err = run(capsys, "jury", "eval-candidate", ws, jury, "D")
    assert code == 1 and "can no longer change" in err and err.count("\n") == 1


def test_the_cli_edits_and_removes(demo_path, capsys) -> None:
    ws = str(demo_path)
    run(capsys, "jury", "eval-create", ws, "--process", "Réaménagement", "--title", "J")
    run(capsys, "jury", "eval-criterion", ws, "J", "Usage")
    code, out, _err = run(capsys, "jury", "eval-criterion", ws, "J", "Usage", "--edit",
                          "--rename", "Use", "--weight", "3", "--json")  # fmt: skip
    assert code == 0 and json.loads(out)["weight"] == 3 and json.loads(out)["name"] == "Use"
    assert run(capsys, "jury", "eval-criterion", ws, "J", "1", "--remove")[0] == 0
    code, out, _err = run(capsys, "jury", "eval-show", ws, "J", "--json")
    assert json.loads(out)["criteria"] == []
    code, _out, err = run(capsys, "jury", "eval-show", ws, "nothing like it")
    assert code == 1 and "No evaluation jury matches" in err
