"""The command's front door (launch.py) opens the app without click, reading --db,
--database-url and their environment variables exactly as the click CLI does; anything
else goes to the CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from workshop_tui import launch
from workshop_tui.cli import main as cli_main
from workshop_tui.services import sessions


def click_reads(args: list[str]) -> tuple[str | None, str | None]:
    ctx = cli_main.make_context("workshop-tui", list(args))
    return ctx.params["db_path"], ctx.params["database_url"]


ENVIRONMENTS = [{}, {"WORKSHOP_TUI_DB": "from-env.db"}, {"WORKSHOP_TUI_DATABASE_URL": "sqlite:///env-url.db"},
                {"WORKSHOP_TUI_DB": "from-env.db", "WORKSHOP_TUI_DATABASE_URL": "sqlite:///env-url.db"},
                {"WORKSHOP_TUI_DB": ""}]
ARGS = [[], ["--db", "a.db"], ["--db=a b.db"], ["--database-url", "sqlite:///u.db"],
        ["--database-url=postgresql+psycopg://u@h/db"], ["--db", "a.db", "--database-url", "sqlite:///u.db"],
        ["--database-url", "sqlite:///u.db", "--db=a.db"]]


@pytest.mark.parametrize("environment", ENVIRONMENTS)
@pytest.mark.parametrize("args", ARGS)
def test_the_front_door_reads_the_options_as_the_cli_does(monkeypatch, tmp_path, args, environment):
    monkeypatch.chdir(tmp_path)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert launch.plain_app_options(args) == click_reads(args)


@pytest.mark.parametrize("args", [["sessions"], ["--help"], ["-h"], ["--version"], ["--db"], ["--db="],
                                  ["--db", "a.db", "--db", "b.db"], ["--db", "--help"], ["--db", "a.db", "demo"],
                                  ["--verbose"], ["--db", "."]])
def test_anything_else_goes_to_the_cli(args):
    assert launch.plain_app_options(args) is None


def test_a_folder_named_by_the_environment_goes_to_the_cli_for_its_message(monkeypatch, tmp_path):
    monkeypatch.setenv("WORKSHOP_TUI_DB", str(tmp_path))
    assert launch.plain_app_options([]) is None


def test_the_cli_still_answers_through_the_front_door(tmp_path):
    db = tmp_path / "w.db"
    out = subprocess.run([sys.executable, "-m", "workshop_tui", "--db", str(db), "demo"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0 and "loaded" in out.stdout, out.stdout + out.stderr
    out = subprocess.run([sys.executable, "-m", "workshop_tui", "--db", str(tmp_path)], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 2 and "is a directory" in out.stderr


# ``python -m workshop_tui --db FILE`` run for real (headless) up to its first list.
PROBE = textwrap.dedent("""
    import runpy, sys
    from workshop_tui.tui.app import WorkshopApp
    from workshop_tui.tui.screens.home import HomeScreen

    LIGHT = ("click", "workshop_tui.cli", "workshop_tui.commands")
    seen = []
    show = HomeScreen._show

    def spy(self, summaries, *args, **kwargs):
        show(self, summaries, *args, **kwargs)
        if not seen:
            seen.append([m for m in LIGHT if m in sys.modules])
            self.app.exit()

    HomeScreen._show = spy
    run = WorkshopApp.run
    WorkshopApp.run = lambda self, **kwargs: run(self, headless=True, size=(120, 40))
    sys.argv = ["workshop-tui", "--db", sys.argv[1]]
    try:
        runpy.run_module("workshop_tui", run_name="__main__")
    except SystemExit as exc:
        print("exit", exc.code)
    print("imported", *seen[0], sep="|")
""")


def test_opening_the_app_imports_neither_click_nor_the_cli_before_the_list(db, db_path):
    sessions.load_samples(db)
    db.dispose()
    out = subprocess.run([sys.executable, "-c", PROBE, str(db_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "exit 0" in lines
    assert lines[-1] == "imported", lines[-1]
