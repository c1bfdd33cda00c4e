"""No traceback reaches a user: each case gives one line and the documented exit code
(docs/cli.md: 2 for bad input, 1 for anything else).

A full disk is simulated with RLIMIT_FSIZE in a child process (SIGXFSZ ignored, so a
write past the limit fails with EFBIG, "File too large", as ENOSPC would with "No space
left on device"): portable, and it needs no root or mount."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner

from robustness_helpers import worker_env
from workshop_tui.cli import main

pytestmark = pytest.mark.sqlite_only

CHILD = r"""
import resource, signal, sys
limit = int(sys.argv[1])
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
from workshop_tui.cli import main
main(sys.argv[2:])
"""


# Above SQLite's 32 KB shared-memory index (written when the database opens), below
# the files the tests write.
LIMIT = 48 * 1024


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def run_with_file_limit(limit: int, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", CHILD, str(limit), *map(str, args)], capture_output=True,
                          text=True, env=worker_env(), timeout=300)


def one_line(text: str) -> bool:
    return "Traceback" not in text and len(text.strip().splitlines()) == 1


@pytest.fixture
def demo_db(tmp_path):
    db = tmp_path / "w.db"
    assert run("--db", db, "demo").exit_code == 0
    return db


@pytest.fixture
def big_db(tmp_path, sample_bytes):
    """A database whose session 1 exports to well over LIMIT."""
    db = tmp_path / "w.db"
    data = json.loads(sample_bytes("calderdale"))
    data["initiatives"] += [{"key": f"x{n}", "title": f"Extra initiative {n}"} for n in range(500)]
    source = tmp_path / "big-session.json"
    source.write_text(json.dumps(data))
    assert run("--db", db, "import", source).exit_code == 0
    source.unlink()
    return db


def titles(db) -> list[str]:
    return sorted(s["title"] for s in json.loads(run("--db", db, "sessions", "--json").output))


# -- text that cannot be stored ----------------------------------------------------------

def surrogate_file(tmp_path, sample_bytes):
    text = sample_bytes("calderdale").decode("utf-8")
    data = json.loads(text)
    raw = json.dumps(data).replace(json.dumps(data["session"]["title"]), '"Board \\ud800 day"', 1)
    path = tmp_path / "surrogate.json"
    path.write_text(raw, encoding="ascii")
    return path


def test_a_lone_surrogate_is_refused_at_import_with_its_place(tmp_path, sample_bytes):
    result = run("--db", tmp_path / "w.db", "import", surrogate_file(tmp_path, sample_bytes))
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "UnicodeEncodeError" not in result.output
    assert "session.title" in result.output and "unpaired surrogate" in result.output


def test_a_lone_surrogate_is_refused_by_merge(tmp_path, sample_bytes):
    good = tmp_path / "good.json"
    good.write_bytes(sample_bytes("calderdale"))
    result = run("merge", good, surrogate_file(tmp_path, sample_bytes), "-o", tmp_path / "m.json")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "session.title" in result.output
    assert not (tmp_path / "m.json").exists()


def test_a_nul_in_a_spreadsheet_cell_is_refused_with_its_row_and_column(tmp_path, demo_db):
    sheet = tmp_path / "items.csv"
    sheet.write_bytes(b"Key,Title\nwifi,Wi-Fi\nbad,Bad\x00title\n")
    result = run("--db", demo_db, "import-initiatives", "1", sheet)
    assert result.exit_code == 2, result.output
    assert "row 3" in result.output and "title" in result.output.lower() and "NUL" in result.output


# -- every CLI output of user text is inert ----------------------------------------------

ESCAPES = ["\x1b]0;pwned\x07", "\x1b[2J", "\x1b]52;c;ZXZpbA==\x1b\\", "\x1bP+q\x1b\\", "\x9b31m"]


@pytest.mark.parametrize("command", ["results", "plan"])
def test_results_and_plan_print_user_text_inert(tmp_path, sample_bytes, command):
    data = json.loads(sample_bytes("calderdale"))
    for n, item in enumerate(data["initiatives"]):
        item["title"] = f"Item {n} " + ESCAPES[n % len(ESCAPES)]
    source = tmp_path / "escapes.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    db = tmp_path / "w.db"
    assert run("--db", db, "import", source).exit_code == 0
    result = run("--db", db, command, "1")
    assert result.exit_code == 0, result.output
    assert "Item 0" in result.output
    assert "\x1b" not in result.output and "\x9b" not in result.output and "\x07" not in result.output


# -- merge conflicts say 3, not Fraction(3, 1) -------------------------------------------

def test_merge_conflicts_print_numbers_as_people_write_them(tmp_path, sample_bytes):
    first = json.loads(sample_bytes("nhs-trust-where-to-start"))
    second = json.loads(sample_bytes("nhs-trust-where-to-start"))
    second["session"]["organisation"] = "Southfield"
    item = next(i for i in second["initiatives"] if "effort" in i)
    item["effort"] = 7
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps(first))
    b.write_text(json.dumps(second))
    result = run("merge", a, b, "-o", tmp_path / "m.json", "--sites", "North,South")
    assert result.exit_code == 2, result.output
    assert "Fraction(" not in result.output
    assert f"effort is {first['initiatives'][[i['key'] for i in first['initiatives']].index(item['key'])]['effort']}" \
           in result.output and "but 7 at South" in result.output


# -- -o a folder, a full disk --------------------------------------------------------------

def test_export_to_a_folder_is_one_line(tmp_path, demo_db):
    folder = tmp_path / "out"
    folder.mkdir()
    result = run("--db", demo_db, "export", "1", "--format", "json", "-o", folder)
    assert result.exit_code == 2 and one_line(result.output), result.output
    assert "is a folder" in result.output


def test_export_on_a_full_disk_is_one_line_and_leaves_nothing(tmp_path, big_db):
    demo_db = big_db
    out = tmp_path / "exports" / "s.json"
    out.parent.mkdir()
    assert run("--db", demo_db, "export", "1", "--format", "json", "-o", tmp_path / "full.json").exit_code == 0
    assert (tmp_path / "full.json").stat().st_size > LIMIT
    done = run_with_file_limit(LIMIT, "--db", demo_db, "export", "1", "--format", "json", "-o", out)
    assert done.returncode == 1, done.stderr
    assert one_line(done.stderr) and "Not written" in done.stderr and "File too large" in done.stderr, done.stderr
    assert list(out.parent.iterdir()) == []


def test_import_on_a_full_disk_is_one_line_and_imports_nothing(tmp_path, demo_db, sample_bytes):
    data = json.loads(sample_bytes("calderdale"))
    data["initiatives"] += [{"key": f"x{n}", "title": f"Extra initiative {n} " + "x" * 200} for n in range(3000)]
    big = tmp_path / "big.json"
    big.write_text(json.dumps(data))
    before = titles(demo_db)
    limit = max(p.stat().st_size for p in tmp_path.iterdir() if p.name.startswith("w.db")) + 64 * 1024
    done = run_with_file_limit(limit, "--db", demo_db, "import", big)
    assert done.returncode == 1, done.stderr
    assert one_line(done.stderr) and "Not imported" in done.stderr, done.stderr
    assert titles(demo_db) == before


def test_db_backup_on_a_full_disk_is_one_line_and_leaves_no_file(tmp_path, big_db):
    demo_db = big_db
    target = tmp_path / "backups" / "copy.db"
    target.parent.mkdir()
    assert demo_db.stat().st_size > LIMIT
    done = run_with_file_limit(LIMIT, "--db", demo_db, "db", "backup", target)
    assert done.returncode == 1, done.stderr
    assert one_line(done.stderr) and "Not backed up" in done.stderr, done.stderr
    assert list(target.parent.iterdir()) == []  # no 0-byte copy, no -journal


@pytest.mark.parametrize("text", ["Board \ud800 day", "Wi\x00Fi"])
def test_typed_text_that_cannot_be_stored_is_refused_plainly(demo_db, text):
    from workshop_tui.domain import model as m
    from workshop_tui.services import editing, sessions
    from workshop_tui.storage.engine import UnstorableText, open_database
    from workshop_tui.storage.location import sqlite_url

    db = open_database(sqlite_url(demo_db))
    try:
        before = sessions.load(db, 1)
        with pytest.raises(UnstorableText) as caught:
            editing.save_initiative(db, 1, m.Initiative(key="", title=text))
        assert "initiative title" in str(caught.value) and "cannot be stored" in str(caught.value)
        assert sessions.load(db, 1) == before
    finally:
        db.dispose()
