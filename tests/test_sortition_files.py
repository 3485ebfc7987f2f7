"""Sortition Foundation CSV files, the invitation lottery, the CLI and the shared examples."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from app.facilitation.sortition import feasibility, files
from app.facilitation.sortition.draw import draw
from app.facilitation.sortition.leximin import leximin
from app.facilitation.sortition.model import Distribution, Instance, SortitionError

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data" / "sortition"

CATEGORIES = """category,name,min,max,min_flex,max_flex
Gender,Female,2,3,0,5
Gender,Male,2,3,0,5
Age,Young,1,3,,
Age,Old,1,3,,
"""

PEOPLE = """id,Gender,Age,address,postcode,email
a1,Female,Young,1 Main St,AB1,x@example.org
a2,Male,Young,"1, main st.",ab1,
a3,Female,Old,2 Main St,AB1,
a4,Male,Old,3 Main St,AB1,
a5,Female,Young,4 Main St,AB1,
a6,Male,Old,5 Main St,AB1,
a7,Female,Old,6 Main St,AB1,
a8,Male,Young,7 Main St,AB1,
"""


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding=encoding)
    return path


def test_read_categories_ignores_flex_columns(tmp_path: Path) -> None:
    quotas = files.read_categories(write(tmp_path, "c.csv", CATEGORIES))
    assert [(q.category, q.value, q.min, q.max) for q in quotas][:2] == [
        ("Gender", "Female", 2, 3),
        ("Gender", "Male", 2, 3),
    ]


def test_semicolons_bom_and_old_headers(tmp_path: Path) -> None:
    text = "\ufefffeature;value;min;max\nGenre;Femme;1;2\nGenre;Homme;1;2\n"
    path = write(tmp_path, "c.csv", text)
    quotas = files.read_categories(path)
    assert quotas[0].category == "Genre" and quotas[1].value == "Homme"
    people = write(tmp_path, "p.csv", "\ufeffid;Genre\nx;Femme\ny;Homme\n")
    assert [p.features["Genre"] for p in files.read_people(people, ["Genre"])] == [
        "Femme",
        "Homme",
    ]


def test_bad_files_are_explained(tmp_path: Path) -> None:
    with pytest.raises(SortitionError, match="category, name, min and max"):
        files.read_categories(write(tmp_path, "c.csv", "a,b\n1,2\n"))
    with pytest.raises(SortitionError, match="line 2"):
        files.read_categories(write(tmp_path, "d.csv", "category,name,min,max\nG,F,two,3\n"))
    with pytest.raises(SortitionError, match="no column “Age”"):
        files.read_people(write(tmp_path, "p.csv", "id,Gender\nx,F\n"), ["Gender", "Age"])
    with pytest.raises(SortitionError, match="cannot be read"):
        files.read_categories(tmp_path / "missing.csv")


def test_households_from_address_columns(tmp_path: Path) -> None:
    instance = files.read_instance(
        write(tmp_path, "c.csv", CATEGORIES),
        write(tmp_path, "p.csv", PEOPLE),
        4,
        household_columns=["address", "postcode"],
    )
    assert instance.household_rule
    assert instance.people[0].household == instance.people[1].household == "1 main st ab1"
    assert instance.shared_households == ((0, 1),)
    dist = leximin(instance)
    for seed in range(20):
        panel = draw(instance, dist, str(seed))
        assert not {0, 1} <= set(panel)


def test_write_panel(tmp_path: Path) -> None:
    instance = files.read_instance(
        write(tmp_path, "c.csv", CATEGORIES), write(tmp_path, "p.csv", PEOPLE), 4
    )
    out = tmp_path / "out.csv"
    files.write_panel(out, instance, [0, 3, 4, 5], [6])
    rows = list(csv.reader(out.open(encoding="utf-8")))
    assert rows[0] == ["id", "status", "rank", "Gender", "Age"]
    assert rows[-1] == ["a7", "alternate", "1", "Female", "Old"]


def test_invitation_lottery(tmp_path: Path) -> None:
    lines = ["name,Adresse,Code postal,Ville"]
    for i in range(50):
        lines.append(f"P{i},{i % 40} rue de l'Église,75001,Paris")
    path = write(tmp_path, "addresses.csv", "\n".join(lines) + "\n")
    header, rows, total = files.invitation_lottery(path, 10, "seed")
    assert total == 40  # ten addresses appear twice
    assert header == lines[0].split(",")
    assert len({r[1] for r in rows}) == 10
    again = files.invitation_lottery(path, 10, "seed")
    assert again[1] == rows
    assert files.invitation_lottery(path, 10, "other")[1] != rows
    assert files.default_address_columns(header) == ["Adresse", "Code postal", "Ville"]
    with pytest.raises(SortitionError):
        files.invitation_lottery(path, 41, "seed")
    assert files.normalise_address(["12, Rue de l'Église"]) == "12 rue de l eglise"


# -- the CLI ----------------------------------------------------------------------------------


def run_cli(argv: list[str]) -> int:
    """Through ``app.cli.main``, in English."""
    from app import cli

    return cli.main(["--lang", "en", *argv])


def test_cli_sortition_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = write(tmp_path, "c.csv", CATEGORIES)
    p = write(tmp_path, "p.csv", PEOPLE)
    out = tmp_path / "selected.csv"
    argv = ["sortition", "--categories", str(c), "--people", str(p), "--size", "4",
            "--seed", "1 2 3", "--alternates", "2", "--household-columns", "address,postcode",
            "--output", str(out)]  # fmt: skip
    assert run_cli(argv) == 0
    captured = capsys.readouterr()
    text = captured.out
    assert "Done" in captured.err  # progress goes to stderr
    assert "Selected (4 people):" in text
    assert "Seed: 1 2 3" in text
    assert "Selection probabilities: min" in text
    assert len(list(csv.reader(out.open(encoding="utf-8")))) == 1 + 4 + 2
    assert run_cli(argv) == 0
    assert capsys.readouterr().out == text


def test_cli_sortition_json_replay(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = write(tmp_path, "c.csv", CATEGORIES)
    p = write(tmp_path, "p.csv", PEOPLE)
    saved = tmp_path / "dist.json"
    base = ["sortition", "--categories", str(c), "--people", str(p), "--size", "4",
            "--seed", "dice 6 6 1", "--json"]  # fmt: skip
    assert run_cli([*base, "--save-distribution", str(saved)]) == 0
    first = json.loads(capsys.readouterr().out)
    assert len(first["selected"]) == 4 and first["seed"] == "dice 6 6 1"
    assert first["probabilities"]["min"] > 0
    assert run_cli([*base, "--distribution", str(saved)]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["selected"] == first["selected"]
    assert again["distribution_sha256"] == first["distribution_sha256"]
    audit = json.loads(saved.read_text(encoding="utf-8"))
    instance = Instance.from_dict(audit["instance"])
    assert instance.digest() == first["instance_sha256"]


def test_cli_sortition_legacy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    c = write(tmp_path, "c.csv", CATEGORIES)
    p = write(tmp_path, "p.csv", PEOPLE)
    argv = ["sortition", "--categories", str(c), "--people", str(p), "--size", "4",
            "--algorithm", "legacy", "--runs", "50", "--seed", "7", "--json"]  # fmt: skip
    assert run_cli(argv) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["algorithm"] == "legacy" and len(first["selected"]) == 4
    assert run_cli(argv) == 0
    assert json.loads(capsys.readouterr().out)["selected"] == first["selected"]


def test_cli_infeasible_explains_then_relaxes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    c = write(tmp_path, "c.csv", CATEGORIES.replace("Female,2,3", "Female,5,6"))
    p = write(tmp_path, "p.csv", PEOPLE)
    argv = ["sortition", "--categories", str(c), "--people", str(p), "--size", "6",
            "--seed", "1"]  # fmt: skip
    assert run_cli(argv) == 1
    text = capsys.readouterr().out
    assert "at least 5 “Female” are required but only 4 volunteered" in text
    assert "--relax" in text
    assert run_cli([*argv, "--relax", "--json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["relaxation"] and len(document["selected"]) == 6


def test_cli_invitations(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = ["id,street,zip"] + [f"{i},{i} High St,Z{i % 3}" for i in range(30)]
    path = write(tmp_path, "a.csv", "\n".join(lines) + "\n")
    out = tmp_path / "inv.csv"
    argv = ["invitations", "--addresses", str(path), "--households", "5", "--seed", "x",
            "--output", str(out), "--address-columns", "street,zip"]  # fmt: skip
    assert run_cli(argv) == 0
    assert "Drew 5 of 30 households" in capsys.readouterr().out
    rows = list(csv.reader(out.open(encoding="utf-8-sig")))
    assert rows[0] == ["id", "street", "zip"] and len(rows) == 6


def test_cli_main_knows_the_verbs(capsys: pytest.CaptureFixture[str]) -> None:
    from app import cli

    if "sortition" not in cli.TOP_VERBS:
        pytest.skip("app.cli.TOP_VERBS does not list the sortition verbs yet")
    with pytest.raises(SystemExit):
        cli.main(["sortition", "--help"])
    assert "--categories" in capsys.readouterr().out


# -- the shared real examples (absent on CI) --------------------------------------------------


def shared_instances() -> list[Path]:
    if not SHARED.is_dir():
        return []
    return sorted(p for p in SHARED.iterdir() if (p / "instance.json").is_file())


def load_shared(folder: Path, household: bool | None = None) -> tuple[Instance, dict]:
    meta = json.loads((folder / "instance.json").read_text(encoding="utf-8"))
    rule = meta.get("household_rule")
    if household is None:
        household = rule is True
    instance = files.read_instance(
        folder / "categories.csv",
        folder / "people.csv",
        int(meta["k"]),
        household_columns=meta.get("address_columns") or None,
        household_rule=household,
    )
    return instance, meta


needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data/sortition absent")


@needs_shared
@pytest.mark.parametrize("folder", shared_instances(), ids=lambda p: p.name)
def test_shared_examples_are_read(folder: Path) -> None:
    instance, meta = load_shared(folder)
    assert len(instance.people) == meta["pool"]
    assert list(instance.categories) == meta["categories"]
    result = feasibility.check(instance)
    assert result.feasible is (meta.get("feasible", True) is not False)


@needs_shared
@pytest.mark.parametrize(
    "folder",
    [p for p in shared_instances() if json.loads((p / "instance.json").read_text())["pool"] <= 100
     and json.loads((p / "instance.json").read_text()).get("feasible", True)],
    ids=lambda p: p.name,
)  # fmt: skip
@pytest.mark.parametrize("household", [False, True])
def test_small_shared_examples_are_drawn(folder: Path, household: bool) -> None:
    instance, _meta = load_shared(folder, household)
    if not feasibility.check(instance).feasible:
        pytest.skip("infeasible with the household rule")
    dist = leximin(instance)
    assert sum(dist.marginals) == pytest.approx(instance.size, abs=1e-6)
    panel = draw(instance, Distribution.from_json(dist.to_json()), "2021")
    assert instance.panel_problems(panel) == []


@needs_shared
def test_shared_reference_figures() -> None:
    # sa_test_example6: everybody but p61 gets 46/60 (sortition-algorithms' test module)
    instance, _ = load_shared(SHARED / "sa_test_example6")
    marginals = leximin(instance).marginals
    keys = [p.key for p in instance.people]
    assert marginals[keys.index("p61")] == pytest.approx(0, abs=1e-9)
    others = [m for k, m in zip(keys, marginals, strict=True) if k != "p61"]
    assert others == pytest.approx([46 / 60] * 60, abs=1e-6)
    # the Nature paper's synthetic small example: everyone 20/200
    instance, _ = load_shared(SHARED / "pgoelz_example_small_200_20")
    assert leximin(instance).marginals == pytest.approx([0.1] * 200, abs=1e-6)


@needs_shared
def test_shared_infeasible_example_gets_a_relaxation() -> None:
    for household in (False, True):
        instance, _ = load_shared(SHARED / "sa_test_example4_infeasible", household)
        result = feasibility.check(instance)
        assert not result.feasible and result.problems
        assert result.relaxation
        assert feasibility.check(feasibility.apply(instance, result.relaxation)).feasible


def test_write_then_read_round_trip(tmp_path: Path) -> None:
    instance = files.read_instance(
        write(tmp_path, "c.csv", CATEGORIES),
        write(tmp_path, "p.csv", PEOPLE),
        4,
        household_columns=["address", "postcode"],
    )
    files.write_categories(tmp_path / "c2.csv", instance.quotas)
    files.write_people(tmp_path / "p2.csv", instance.people, instance.categories)
    again = files.read_instance(
        tmp_path / "c2.csv", tmp_path / "p2.csv", 4, household_columns=["household"]
    )
    assert again.digest() == instance.digest()
