"""`results`, `plan` and `export` read a plain SQLite file on the quick path (sqlite3 alone,
storage/quick_load.py) and print, write and refuse byte for byte what the full path does.

The full path is taken by naming the same file with a driver in its URL
(``sqlite+pysqlite:///...``), which the quick path leaves to SQLAlchemy."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main
from workshop_tui.domain import model as m

NHS = "Decide where to start: digital exemplars 2027-29"


@pytest.fixture(autouse=True)
def _width(monkeypatch):
    monkeypatch.setenv("COLUMNS", "100")  # the tables wrap to the terminal: the same width both ways


def quick(path: Path, *args):
    return CliRunner().invoke(main, ["--db", str(path), *args], catch_exceptions=False)


def full(path: Path, *args):
    return CliRunner().invoke(main, ["--database-url", f"sqlite+pysqlite:///{path}", *args], catch_exceptions=False)


def same(path: Path, *args):
    a, b = quick(path, *args), full(path, *args)
    assert (a.exit_code, a.stdout, a.stderr) == (b.exit_code, b.stdout, b.stderr), args
    return a


@pytest.fixture
def samples(db_path) -> Path:
    assert quick(db_path, "demo").exit_code == 0
    from workshop_tui.services.database import read_session_quickly

    assert read_session_quickly(f"sqlite:///{db_path}", lambda _listed: 3) is not None  # the quick path answers
    return db_path


@pytest.mark.parametrize("args", [
    ("results", "3"), ("results", NHS), ("results", "3", "--json"), ("results", "3", "--round", "r2"),
    ("results", "3", "--round", "r3", "--json"), ("results", "2", "--round", "r4"), ("results", "1"), ("results", "2", "--json"),
    ("plan", "3"), ("plan", "3", "--json"), ("plan", "3", "--round", "r2"), ("plan", "1"), ("plan", "2", "--json"),
    ("export", "3", "--format", "md", "-o", "-"), ("export", "3", "--format", "json", "-o", "-"),
    ("export", "1", "--format", "html", "-o", "-"),
])
def test_answers_are_the_same(samples, args):
    out = same(samples, *args)
    assert out.exit_code == 0 and out.stdout


@pytest.mark.parametrize("args", [
    ("results", "999"), ("results", "no such title"), ("results", "3", "--round", "r1"), ("results", "3", "--round", "nope"),
    ("plan", "3", "--round", "nope"), ("export", "999", "--format", "md", "-o", "-"),
    ("export", "3", "--format", "xlsx", "-o", "-"), ("export", "3", "--format", "all", "-o", "-"),
])
def test_refusals_are_the_same(samples, args):
    out = same(samples, *args)
    assert out.exit_code == 2 and out.stderr


def test_exported_files_are_the_same(samples, tmp_path):
    for run, folder in ((quick, tmp_path / "quick"), (full, tmp_path / "full")):
        out = run(samples, "export", "3", "--format", "all", "-o", str(folder))
        assert out.exit_code == 0, out.output
        single = run(samples, "export", "3", "--format", "xlsx", "-o", str(folder / "one.xlsx"))
        assert single.exit_code == 0
        again = run(samples, "export", "3", "--format", "all", "-o", str(folder))
        assert again.exit_code == 2 and "--force" in again.stderr
    quick_files = sorted(p.relative_to(tmp_path / "quick") for p in (tmp_path / "quick").rglob("*") if p.is_file())
    assert quick_files == sorted(p.relative_to(tmp_path / "full") for p in (tmp_path / "full").rglob("*")
                                 if p.is_file())
    assert len(quick_files) >= 6
    for name in quick_files:
        if name.suffix == ".xlsx":  # a zip: its members carry the time they were written
            import zipfile

            with zipfile.ZipFile(tmp_path / "quick" / name) as a, zipfile.ZipFile(tmp_path / "full" / name) as b:
                assert {i.filename: a.read(i) for i in a.infolist()} == {i.filename: b.read(i) for i in b.infolist()}
            continue
        assert (tmp_path / "quick" / name).read_bytes() == (tmp_path / "full" / name).read_bytes(), name


def _import(path: Path, workshop: m.Workshop) -> None:
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    db = open_database(f"sqlite:///{path}")
    try:
        sessions.import_workshop(db, workshop)
    finally:
        db.dispose()


def test_a_withheld_round_is_refused_the_same(db_path):
    people = tuple(m.Participant(key=f"p{n}", name=f"P{n}") for n in range(4))
    items = tuple(m.Initiative(key=f"i{n}", title=f"I{n}") for n in range(3))
    votes = tuple(m.Vote(participant=p.key, initiative=f"i{n % 3}", value=2) for n, p in enumerate(people))
    _import(db_path, m.Workshop(session=m.SessionInfo(title="hidden"), participants=people, initiatives=items,
                                rounds=(m.Round(key="h", method="dots", title="Hidden", hidden=True, votes=votes,
                                                settings={"budget": 3}),)))
    for args in (("results", "1", "--round", "h"), ("results", "1"), ("plan", "1", "--round", "h")):
        out = same(db_path, *args)
        assert out.exit_code == 2 and out.stderr


def test_markup_and_control_characters_go_through_the_same_presentation(db_path):
    hostile = "\x1b[2J[bold red]boom[/bold red]\u202etxt.exe\x07"
    people = tuple(m.Participant(key=f"p{n}", name=f"{hostile}{n}") for n in range(3))
    items = tuple(m.Initiative(key=f"i{n}", title=f"{hostile} {n}") for n in range(3))
    votes = tuple(m.Vote(participant=p.key, initiative=f"i{n}", value=3) for n, p in enumerate(people))
    _import(db_path, m.Workshop(session=m.SessionInfo(title=hostile), participants=people, initiatives=items,
                                rounds=(m.Round(key="r", method="dots", title=hostile, votes=votes, status="closed",
                                                settings={"budget": 3}),)))
    for args in (("results", "1"), ("plan", "1"), ("export", "1", "--format", "md", "-o", "-")):
        out = same(db_path, *args)
        assert out.exit_code == 0
    shown = same(db_path, "results", "1").stdout
    assert "\x1b" not in shown and "\u202e" not in shown and "\x07" not in shown and "[bold red]boom" in shown


@pytest.mark.parametrize("spoil", ["newer", "damaged", "not sqlite", "empty"])
def test_files_the_full_path_must_answer_for_are_answered_the_same(samples, spoil):
    if spoil == "newer":
        conn = sqlite3.connect(samples)
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        conn.commit()
        conn.close()
    elif spoil == "damaged":
        data = bytearray(samples.read_bytes())
        page = int.from_bytes(data[16:18], "big")
        for at in range(2 * page, len(data), page):
            data[at:at + 64] = b"\xff" * 64
        samples.write_bytes(bytes(data))
    else:
        samples.write_bytes(b"" if spoil == "empty" else b"a spreadsheet, perhaps\n" * 100)
    for args in (("results", "3"), ("plan", "3"), ("export", "3", "--format", "md", "-o", "-")):
        out = same(samples, *args)
        assert out.exit_code != 0 and out.stderr.strip()


def test_a_missing_file_is_answered_as_before(tmp_path):
    out = quick(tmp_path / "new.db", "results", "1")
    assert out.exit_code == 2 and "There is no session '1'" in out.stderr


def test_the_commands_import_no_database_library(samples):
    """In a fresh interpreter, as the user runs them: SQLAlchemy, SQLModel, pydantic and Alembic
    stay out, and the output is the full path's."""
    code = (
        "import sys, runpy\n"
        "sys.argv = ['workshop-tui'] + sys.argv[1:]\n"
        "try:\n"
        "    runpy.run_module('workshop_tui', run_name='__main__')\n"
        "finally:\n"
        "    heavy = sorted({n.split('.')[0] for n in sys.modules} & {'sqlalchemy', 'sqlmodel', 'pydantic', 'alembic'})\n"
        "    open(sys.argv[2] + '.heavy', 'w').write(repr(heavy))\n"
    )
    for args in (("results", "3"), ("plan", "3", "--json"), ("export", "3", "--format", "md", "-o", "-")):
        run = subprocess.run([sys.executable, "-c", code, "--db", str(samples), *args], capture_output=True,
                             text=True, env={**os.environ, "COLUMNS": "100"})
        assert Path(f"{samples}.heavy").read_text() == "[]", args
        expected = full(samples, *args)
        assert (run.returncode, run.stdout) == (expected.exit_code, expected.stdout), args


def test_plan_never_leaves_the_optimiser_importing_when_it_ends_early(samples):
    # `plan` imports HiGHS in a thread while it reads the session; a command that ends
    # early (no such session) must not leave that import running into the interpreter's
    # shutdown. A fresh process, so HiGHS is not already imported.
    code = (
        "import threading, click\n"
        "from workshop_tui.cli import main\n"
        f"try:\n    main(['--db', {str(samples)!r}, 'plan', '99'], standalone_mode=False)\n"
        "except click.ClickException:\n    pass\n"
        "print(sorted(t.name for t in threading.enumerate() if t.name == 'load-optimiser'))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stdout
