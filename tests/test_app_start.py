"""The real start-up path (`atelier FILE`): qasync loop, window, background backup, close."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from app import store


def test_gui_opens_a_workspace_backs_it_up_in_the_background_and_on_close(
    demo_path: Path, atelier_home: Path
) -> None:
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication
        from app.views.app import make_application, run_gui

        app = make_application()
        def close_when_backed_up():
            windows = [w for w in QApplication.topLevelWidgets() if w.objectName() == "mainWindow"]
            if windows and not windows[0]._pending:
                print("title:", windows[0].windowTitle(), flush=True)
                windows[0].close()
            else:
                QTimer.singleShot(100, close_when_backed_up)
        QTimer.singleShot(300, close_when_backed_up)
        QTimer.singleShot(30000, QApplication.quit)  # never hang
        sys.exit(run_gui(workspace={str(demo_path)!r}, language="fr"))
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ATELIER_HOME": str(atelier_home)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "title: demo — Atelier Citoyen" in result.stdout
    names = [p.name for p in store.list_backups(demo_path)]
    assert len(names) == 2
    assert names[0].endswith("-open.atelier") and names[1].endswith("-close.atelier")
    # The workspace was closed cleanly: one file, no lock left behind.
    assert sorted(p.name for p in demo_path.parent.iterdir() if p.name.startswith("demo")) == [
        "demo.atelier"
    ]


def test_gui_refuses_a_bad_file_then_falls_back_to_the_default_workspace(
    tmp_path: Path, atelier_home: Path
) -> None:
    bad = tmp_path / "notes.atelier"
    bad.write_text("pas une base", encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import sys
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QMessageBox
        from app.views.app import make_application, run_gui

        app = make_application()
        def step():
            for w in QApplication.topLevelWidgets():
                if isinstance(w, QMessageBox) and w.isVisible():
                    print("message:", w.text(), flush=True)
                    w.accept()
                elif w.objectName() == "mainWindow" and w.isVisible():
                    print("status:", w.location_label.text(), flush=True)
                    w.close()
                    return
            QTimer.singleShot(100, step)
        QTimer.singleShot(200, step)
        QTimer.singleShot(30000, QApplication.quit)
        sys.exit(run_gui(workspace={str(bad)!r}, language="en"))
        """
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "ATELIER_HOME": str(atelier_home)}
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert "is not an Atelier Citoyen workspace" in result.stdout
    assert "workspace.atelier" in result.stdout  # the default workspace opened instead
    assert bad.read_text(encoding="utf-8") == "pas une base"


def test_the_main_window_starts_without_the_heavy_libraries() -> None:
    """HiGHS, numpy, reportlab, openpyxl and Alembic load when first needed, not at start."""
    script = (
        "import sys, app.views.app, app.views.main_window, app.views.areas, app.cli\n"
        "heavy = ('highspy', 'numpy', 'reportlab', 'openpyxl', 'alembic')\n"
        "print(sorted(m for m in heavy if m in sys.modules))"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            env=env)  # fmt: skip
    assert result.stdout.strip() == "[]", result.stderr
