"""The `atelier` command: verbs, JSON output, exit codes, messages in the user's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from app import store
from app.cli import EXIT_OK, EXIT_REFUSED, EXIT_USAGE, main
from app.models import SCHEMA_HEAD


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_info_json(tmp_path: Path, capsys) -> None:
    path = tmp_path / "mairie.atelier"
    code, out, _ = run(capsys, "--lang", "en", "init", str(path))
    assert code == EXIT_OK
    assert "Created the workspace" in out
    code, out, _ = run(capsys, "info", str(path), "--json")
    assert code == EXIT_OK
    info = json.loads(out)
    assert info["schema_revision"] == SCHEMA_HEAD
    assert info["counts"]["participant"] == 0
    assert info["integrity"] == ["ok"]
    assert info["ok"] is True


def test_demo_then_info_counts(tmp_path: Path, capsys) -> None:
    path = tmp_path / "demo.atelier"
    assert run(capsys, "demo", str(path), "--json")[0] == EXIT_OK
    code, out, _ = run(capsys, "info", str(path), "--json")
    assert code == EXIT_OK
    counts = json.loads(out)["counts"]
    assert counts["participant"] == 60
    assert counts["session"] == 3
    assert counts["process"] == 1
    assert counts["organisation"] == 1
    _code, out, _ = run(capsys, "--lang", "en", "info", str(path))
    assert "participant" in out and "Integrity check: ok" in out


def test_init_refuses_an_existing_file_unless_forced(demo_path: Path, capsys) -> None:
    code, _out, err = run(capsys, "--lang", "en", "init", str(demo_path))
    assert code == EXIT_REFUSED
    assert err.startswith("atelier: ") and "already exists" in err
    assert "Traceback" not in err
    assert run(capsys, "init", str(demo_path), "--force")[0] == EXIT_OK


def test_backup_rotating_and_to_a_file(demo_path: Path, tmp_path: Path, capsys) -> None:
    code, out, _ = run(capsys, "backup", str(demo_path), "--json")
    assert code == EXIT_OK
    made = Path(json.loads(out)["backup"])
    assert made.exists() and made in store.list_backups(demo_path)
    target = tmp_path / "usb" / "copie.atelier"
    code, out, _ = run(capsys, "backup", str(demo_path), "-o", str(target), "--quiet")
    assert code == EXIT_OK and out == ""
    code, out, _ = run(capsys, "info", str(target), "--json")
    assert json.loads(out)["counts"]["participant"] == 60


def test_backup_works_while_the_workspace_is_open(demo_path: Path, capsys) -> None:
    open_in_app = store.open_workspace(demo_path, backup_count=0)
    try:
        code, _out, _ = run(capsys, "backup", str(demo_path), "--json")
        assert code == EXIT_OK
    finally:
        open_in_app.close(backup=False)


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"\x00\x01garbage" * 100, "not an Atelier Citoyen workspace"), (None, "does not exist")],
)
def test_bad_files_exit_1_with_one_line(tmp_path: Path, capsys, content, words) -> None:
    path = tmp_path / "bad.atelier"
    if content is not None:
        path.write_bytes(content)
    code, out, err = run(capsys, "--lang", "en", "info", str(path))
    assert code == EXIT_REFUSED
    assert out == ""
    assert words in err
    assert err.count("\n") == 1


def test_usage_errors_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["info"])
    assert exit_info.value.code == EXIT_USAGE
    with pytest.raises(SystemExit) as exit_info:
        main(["info", "a.atelier", "--no-such-option"])
    assert exit_info.value.code == EXIT_USAGE


def test_help_is_in_french_by_default_and_english_on_request(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--lang", "fr", "backup", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("utilisation : atelier backup")
    assert "sauvegarder un espace de travail" in out
    assert "afficher cette aide et quitter" in out
    with pytest.raises(SystemExit):
        main(["--lang", "en", "backup", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: atelier backup")
    assert "show this help message and exit" in out


def _console(*args: str, lang: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "LANG": lang, "LC_ALL": "", "LANGUAGE": ""}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=60
    )


def test_system_language_decides_without_a_preference(tmp_path: Path) -> None:
    missing = str(tmp_path / "absent.atelier")
    french = _console("info", missing, lang="C.UTF-8")
    assert french.returncode == EXIT_REFUSED
    assert "n'existe pas" in french.stderr
    english = _console("info", missing, lang="en_GB.UTF-8")
    assert "does not exist" in english.stderr
    assert _console("--version", lang="C").stdout.startswith("Atelier Citoyen ")


def test_preference_file_sets_the_cli_language(atelier_home: Path, tmp_path: Path) -> None:
    settings = atelier_home / "config" / "settings.ini"
    settings.parent.mkdir(parents=True)
    settings.write_text("[General]\nlanguage=en\n", encoding="utf-8")
    result = _console("info", str(tmp_path / "absent.atelier"), lang="C.UTF-8")
    assert "does not exist" in result.stderr
