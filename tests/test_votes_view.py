"""The Votes area driven as a facilitator would: create, open, close, count, show."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QLabel, QMessageBox

from app import i18n
from app.facilitation import votes
from app.facilitation.voting import registry
from app.facilitation.voting.base import TieBreaker
from app.views.votes.area import VotesArea
from app.views.votes.create import CreateVoteDialog
from app.views.votes.results import ResultView


@pytest.fixture
def area(qtbot, demo, errors) -> VotesArea:
    page = VotesArea(demo)
    qtbot.addWidget(page)
    page.resize(1000, 600)
    page.show()
    return page


def choose_method(dialog: CreateVoteDialog, name: str) -> None:
    dialog.method.setCurrentIndex(dialog.method.findData(name))


def fill(dialog: CreateVoteDialog, question: str, method: str, options: list[str]) -> None:
    dialog.question.setText(question)
    choose_method(dialog, method)
    for title in options:
        dialog.add_option(title)


def stored(store, session_id) -> list[votes.VoteInfo]:
    with store.session() as s:
        return votes.list_votes(s, session_id)


def create(area: VotesArea, question: str, method: str, options: list[str]) -> votes.VoteInfo:
    dialog = CreateVoteDialog(area.store, area.session_id(), area)
    fill(dialog, question, method, options)
    dialog.accept()
    assert dialog.result() == QDialog.DialogCode.Accepted
    area.refresh_votes(dialog.vote_id)
    return area.current()


def test_the_dialog_creates_the_vote_with_its_rules(area, errors) -> None:
    session_id = area.session_id()
    dialog = CreateVoteDialog(area.store, session_id, area)
    fill(dialog, "Quelle priorité pour la place du marché ?", "dots",
         ["Des arbres", "Des bancs", "Une fontaine"])  # fmt: skip
    dialog.rule_fields["dots_per_voter"].setValue(4)
    dialog.rule_fields["max_per_option"].setValue(2)
    dialog.secret.setChecked(False)
    dialog.options.setCurrentCell(2, 0)
    dialog.move_option(-1)
    dialog.accept()
    assert errors == []
    [info] = stored(area.store, session_id)
    assert info.id == dialog.vote_id
    assert info.question == "Quelle priorité pour la place du marché ?"
    assert [o.title for o in info.options] == ["Des arbres", "Une fontaine", "Des bancs"]
    assert info.rules == {"dots_per_voter": 4, "max_per_option": 2, "seats": 1}
    assert info.secret is False and info.status == "draft"


def test_a_refused_creation_says_why_and_creates_nothing(area, errors) -> None:
    session_id = area.session_id()
    dialog = CreateVoteDialog(area.store, session_id, area)
    dialog.question.setText("Sans options")
    dialog.add_option("")  # an empty line is not an option
    dialog.accept()
    assert errors == ["A vote needs at least one option."]
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.vote_id is None
    assert stored(area.store, session_id) == []
    # A rule the method refuses is caught before anything is written, too.
    choose_method(dialog, "proposal")
    dialog.add_option("Une de trop")
    dialog.accept()
    assert "three options" in errors[-1]
    assert stored(area.store, session_id) == []


def test_method_fields_follow_the_method(area) -> None:
    dialog = CreateVoteDialog(area.store, area.session_id(), area)
    dialog.show()
    choose_method(dialog, "mes")
    assert not dialog.options.isColumnHidden(1)
    assert dialog.rule_fields["budget"].isVisible()
    assert not dialog.rule_fields["seats"].isVisible()
    choose_method(dialog, "approval")
    assert dialog.options.isColumnHidden(1)
    assert dialog.rule_fields["seats"].isVisible()
    choose_method(dialog, "proposal")
    titles = [dialog.options.item(r, 0).text() for r in range(dialog.options.rowCount())]
    assert titles == ["For", "Against", "Abstention"]
    assert dialog.rule_fields["quorum"].isVisible()
    dialog.close()


def test_open_close_and_show_the_result(qtbot, area, errors, answers) -> None:
    info = create(area, "Que planter ?", "approval", ["Tilleuls", "Érables", "Chênes"])
    assert area.model.data(area.model.index(0, 3)) == "Draft"
    assert not area.buttons["close"].isEnabled()
    qtbot.mouseClick(area.buttons["open"], Qt.MouseButton.LeftButton)
    assert area.current().status == "open"
    assert area.buttons["close"].isEnabled() and not area.buttons["open"].isEnabled()
    with area.store.session() as s:
        for ballot in ({1}, {1, 2}, {1}, {0}, {0}):  # no tie: 3, 2, 1
            votes.cast_ballot(s, info.id, frozenset(ballot))
        votes.cast_ballot(s, info.id, None, status="blank")
    area.refresh_votes()
    qtbot.mouseClick(area.buttons["close"], Qt.MouseButton.LeftButton)
    assert len(answers) == 1 and "Que planter ?" in answers[0]
    assert errors == []
    assert area.model.data(area.model.index(0, 3)) == "Closed, counted"
    assert [area.model.data(area.model.index(0, c)) for c in (4, 5, 6)] == ["5", "1", "0"]
    view = area.windows[-1]
    assert isinstance(view, ResultView) and view.isVisible()
    assert view.ranking.row_at(0)[1:] == ("Érables", "3", True)
    assert view.chart.bar_count() == 3
    assert "Valid ballots: 5" in view.counts_label.text()
    assert "blank: 1" in view.counts_label.text()
    view.close()
    qtbot.mouseClick(area.buttons["publish"], Qt.MouseButton.LeftButton)
    assert area.model.data(area.model.index(0, 3)) == "Published"
    assert area.buttons["result"].isEnabled() and not area.buttons["publish"].isEnabled()


def test_closing_needs_a_yes(qtbot, area, monkeypatch) -> None:
    info = create(area, "Que planter ?", "approval", ["Tilleuls", "Érables"])
    with area.store.session() as s:
        votes.open_vote(s, info.id)
        votes.cast_ballot(s, info.id, frozenset({1}))
    area.refresh_votes()
    monkeypatch.setattr(
        QMessageBox, "question", staticmethod(lambda *a, **k: QMessageBox.StandardButton.No)
    )
    qtbot.mouseClick(area.buttons["close"], Qt.MouseButton.LeftButton)
    assert area.current().status == "open"


def test_the_area_lists_each_status_and_empty_states(area) -> None:
    assert area.stack.currentWidget() is area.empty
    statuses = []
    for name in ("draft", "open", "closed"):
        info = create(area, f"Vote {name}", "borda", ["A", "B"])
        with area.store.session() as s:
            if name != "draft":
                votes.open_vote(s, info.id)
                votes.cast_ballot(s, info.id, (frozenset({1}), frozenset({0})))
            if name == "closed":
                votes.close_vote(s, info.id)
        statuses.append(name)
    area.refresh_votes()
    assert area.stack.currentWidget() is area.table
    shown = [area.model.data(area.model.index(r, 3)) for r in range(area.model.rowCount())]
    assert shown == ["Draft", "Open for voting", "Closed, counted"]
    assert area.model.data(area.model.index(2, 1)) == "Borda count"


def count(method, options, ballots, rules=None, seed=7):
    return registry.count(method, options, ballots, rules=rules or {},
                          tiebreak=TieBreaker(seed=seed))  # fmt: skip


def test_majority_judgment_draws_merit_profiles(qtbot) -> None:
    result = count("majority_judgment", ["Parc", "Piscine", "Piste"],
                   [({0: 0, 1: 2, 2: 4}, 3), ({0: 1, 1: 1, 2: 5}, 2)])  # fmt: skip
    view = ResultView(result.as_dict(), "Jugement")
    qtbot.addWidget(view)
    view.show()
    assert view.chart.bar_count() == 3
    assert view.chart.grades == result.details["grades"]
    assert view.ranking.row_at(0)[1] == "Parc"
    assert view.ranking.row_at(0)[2] == result.details["majority_grade_name"][0]
    assert [sum(bar[2]) for bar in view.chart.bars] == [5, 5, 5]


def test_rounds_ties_and_funded_projects(qtbot) -> None:
    a, b, c = frozenset({0}), frozenset({1}), frozenset({2})
    irv = count("irv", ["A", "B", "C"], [((a,), 2), ((b,), 2), ((c, a), 1)])
    view = ResultView(irv, "IRV")
    qtbot.addWidget(view)
    assert view.rounds is not None and view.rounds.rowCount() == len(irv.details["rounds"])
    tie = count("approval", ["A", "B"], [(frozenset({0, 1}), 1)])
    view = ResultView(tie)
    qtbot.addWidget(view)
    assert "drawn by lot, seed 7" in view.ties_label.text()
    budget = count("pb_greedy", ["Bancs", "Arbres", "Fontaine"],
                   [(frozenset({0, 1}), 3), (frozenset({2}), 1)],
                   rules={"budget": 100, "costs": [30, 50, 60]})  # fmt: skip
    view = ResultView(budget)
    qtbot.addWidget(view)
    assert view.funded is not None and view.funded.rowCount() == 2


def test_export_csv_writes_the_ranking(qtbot, tmp_path: Path) -> None:
    result = count("score", ["Été", "Hiver"], [({0: 5, 1: 2}, 1)], rules={"min": 0, "max": 5})
    view = ResultView(result)
    qtbot.addWidget(view)
    path = tmp_path / "classement.csv"
    view.export_csv(path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    lines = data.decode("utf-8-sig").splitlines()
    assert lines == ["Rank;Option;Score;Outcome", "1;Été;5;Winner", "2;Hiver;2;"]


def test_the_area_opens_quickly_on_the_demo(qtbot, demo) -> None:
    started = time.perf_counter()
    page = VotesArea(demo)
    qtbot.addWidget(page)
    assert time.perf_counter() - started < 2
    assert page.session_box.count() == 3


def test_a_budget_vote_keeps_its_costs_and_takes_ballots(area, errors) -> None:
    session_id = area.session_id()
    dialog = CreateVoteDialog(area.store, session_id, area)
    fill(dialog, "Budget du quartier", "pb_greedy", [])
    dialog.add_option("Bancs", "1 500,50")
    dialog.add_option("Arbres", "abc")
    dialog.rule_fields["budget"].setValue(5000)
    dialog.accept()
    assert errors == ["The cost of “Arbres” is not a number: “abc”."]
    dialog.options.item(1, 1).setText("4000")
    dialog.accept()
    assert len(errors) == 1
    [info] = stored(area.store, session_id)
    assert [o.cost for o in info.options] == [1500.5, 4000.0]
    assert info.rules["budget"] == 5000
    with area.store.session() as s:
        votes.open_vote(s, info.id)
        votes.cast_ballot(s, info.id, frozenset({0, 1}))
        votes.cast_ballot(s, info.id, frozenset({1}))
        result = votes.close_vote(s, info.id)
    assert result.winners == [1]  # Bancs no longer fits in what is left


def test_the_buttons_open_paper_entry_and_the_kiosk(qtbot, area, errors, monkeypatch) -> None:
    from PySide6.QtWidgets import QInputDialog

    from app.views.votes.entry import BallotEntryDialog
    from app.views.votes.kiosk import KioskWindow

    info = create(area, "Que planter ?", "approval", ["Tilleuls", "Érables"])
    qtbot.mouseClick(area.buttons["open"], Qt.MouseButton.LeftButton)
    opened = []
    monkeypatch.setattr(BallotEntryDialog, "exec", lambda self: opened.append(self.vote_id) or 0)
    qtbot.mouseClick(area.buttons["entry"], Qt.MouseButton.LeftButton)
    assert opened == [info.id]

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("12", True)))
    qtbot.mouseClick(area.buttons["kiosk"], Qt.MouseButton.LeftButton)
    assert errors == ["The PIN needs at least 4 characters."]
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("2468", True)))
    qtbot.mouseClick(area.buttons["kiosk"], Qt.MouseButton.LeftButton)
    kiosk = area.windows[-1]
    assert isinstance(kiosk, KioskWindow) and kiosk.isWindow() and kiosk.isVisible()
    kiosk.pin_field.setText("2468")
    kiosk.check_pin()
    qtbot.waitUntil(lambda: kiosk not in area.windows)
    assert len(errors) == 1


def test_a_tie_is_broken_by_the_facilitators_recorded_order(qtbot, area, errors, monkeypatch):
    from app.views.votes.tiebreak import TieDecisionDialog

    info = create(
        area, "Quel nom pour le parc ?", "approval", ["Parc Simone-Veil", "Parc des Œillets"]
    )
    with area.store.session() as s:
        votes.open_vote(s, info.id)
        votes.cast_ballot(s, info.id, frozenset({0}))
        votes.cast_ballot(s, info.id, frozenset({1}))
    area.refresh_votes(info.id)
    seen: list[TieDecisionDialog] = []

    def decide(dialog: TieDecisionDialog) -> int:
        seen.append(dialog)
        texts = " ".join(label.text() for label in dialog.findChildren(QLabel))
        assert "options ayant le même nombre d'approbations" in texts  # the tie, in French
        first = dialog.order.item(0).text()
        dialog.decide.setChecked(True)
        if first != "Parc des Œillets":
            dialog.order.setCurrentRow(1)
            qtbot.mouseClick(dialog.up, Qt.MouseButton.LeftButton)
        assert dialog.order.item(0).text() == "Parc des Œillets"
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TieDecisionDialog, "exec", decide)
    with i18n.language("fr"):
        qtbot.mouseClick(area.buttons["close"], Qt.MouseButton.LeftButton)
    assert errors == [] and len(seen) == 1
    with area.store.session() as s:
        document = votes.frozen_result(s, info.id)
    assert document["winner_names"] == ["Parc des Œillets"]
    assert document["ties"][0]["rule"] == "decision"


def test_cancelling_the_tie_dialog_leaves_the_vote_open(qtbot, area, monkeypatch):
    from app.views.votes.tiebreak import TieDecisionDialog

    info = create(area, "Quel nom ?", "approval", ["Un", "Deux"])
    with area.store.session() as s:
        votes.open_vote(s, info.id)
        votes.cast_ballot(s, info.id, frozenset({0, 1}))
    area.refresh_votes(info.id)
    monkeypatch.setattr(TieDecisionDialog, "exec", lambda self: QDialog.DialogCode.Rejected)
    qtbot.mouseClick(area.buttons["close"], Qt.MouseButton.LeftButton)
    assert area.current().status == "open"


def test_ballots_are_imported_and_exported_from_the_area(qtbot, qloop, area, errors, tmp_path):
    from app.facilitation.voting import formats
    from app.views.votes.files import export_to, import_from

    names = ["Tilleuls", "Érables", "Chênes"]
    info = create(area, "Que planter ?", "borda", names)
    qtbot.mouseClick(area.buttons["open"], Qt.MouseButton.LeftButton)
    assert area.buttons["import"].isEnabled() and not area.buttons["export"].isEnabled()
    source = tmp_path / "arbres.soc"
    rankings = [((frozenset({1}), frozenset({0}), frozenset({2})), 12),
                ((frozenset({2}), frozenset({1}), frozenset({0})), 5)]  # fmt: skip
    formats.write_preflib(source, names, rankings, "soc")
    assert qloop.run_until_complete(import_from(area, area.store, info.id, source)) == 17
    wrong = tmp_path / "autre.soc"
    formats.write_preflib(wrong, ["Platanes", "Érables"], [((frozenset({0}),), 1)], "soi")
    assert qloop.run_until_complete(import_from(area, area.store, info.id, wrong)) is None
    assert "“Platanes”" in errors[-1]
    with area.store.session() as s:
        assert votes.ballot_counts(s, info.id).valid == 17
        votes.close_vote(s, info.id)
    area.refresh_votes(info.id)
    assert area.buttons["export"].isEnabled() and not area.buttons["import"].isEnabled()
    out = tmp_path / "sortie.soc"
    assert qloop.run_until_complete(export_to(area, area.store, info.id, out)) == 17
    assert sorted(formats.read_preflib(out).ballots, key=lambda b: -b[1]) == rankings
