"""Facilitation helpers the citizen-jury views share with the CLI: the categories a jury can
take quotas on, and the drawn jury as rows and as a CSV file."""

from __future__ import annotations

import csv

import pytest

from app.facilitation import panels as P
from app.facilitation import sessions as S
from app.facilitation import vocabularies as V


def _drawn(ws) -> P.DrawResult:
    with ws.session() as s:
        process = S.list_processes(s)[0].id
        panel_id = P.create_panel(s, P.PanelData(process, "Jury « place »", 6, alternates=2))
        for choice in P.quota_categories(s):
            P.quotas_from_census(s, panel_id, choice.id, 1.5)
        return P.draw_panel(s, panel_id, "6 6 2 1 5")


def test_quota_categories_say_which_have_census_shares(demo) -> None:
    with demo.session() as s:
        before = P.quota_categories(s)
        V.add_category(s, "transport", "Mode de transport")
    assert [c.label for c in before] == ["Genre", "Tranche d'âge", "Quartier",
                                         "Niveau de diplôme"]  # fmt: skip
    assert all(c.has_shares and c.values >= 3 for c in before)
    with demo.session() as s:
        added = next(c for c in P.quota_categories(s) if c.label == "Mode de transport")
    assert (added.values, added.has_shares) == (0, False)


def test_panel_rows_list_the_seats_then_the_reserve_in_order(demo) -> None:
    result = _drawn(demo)
    rows = P.panel_rows(result)
    header, body = rows[0], rows[1:]
    assert header[:6] == ["role", "order", "code", "name", "status", "probability"]
    assert set(header[6:]) == {"Genre", "Tranche d'âge", "Quartier", "Niveau de diplôme"}
    assert len(body) == 6 + len(result.alternates)
    assert [r[0] for r in body] == ["selected"] * 6 + ["alternate"] * len(result.alternates)
    assert [r[1] for r in body[6:]] == [str(i + 1) for i in range(len(result.alternates))]
    first = result.selected[0]
    assert body[0][2:5] == [first.code, first.name, "active"]
    assert float(body[0][5]) == pytest.approx(first.probability, abs=1e-6)
    genre = header.index("Genre")
    assert body[0][genre] == first.features["Genre"]


def test_the_csv_file_reads_back_and_a_bad_path_is_refused(demo, tmp_path) -> None:
    result = _drawn(demo)
    out = tmp_path / "jury.csv"
    assert P.write_panel_csv(result, out) == 6 + len(result.alternates)
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets see UTF-8
    with out.open(encoding="utf-8-sig", newline="") as f:
        assert list(csv.reader(f, delimiter=";")) == P.panel_rows(result)
    with pytest.raises(P.PanelError, match="Cannot write"):
        P.write_panel_csv(result, tmp_path / "no" / "such" / "jury.csv")
    assert not (tmp_path / "no").exists()
