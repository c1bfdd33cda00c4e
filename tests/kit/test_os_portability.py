"""Portability fixes from the audit in docs/portability.md (issue 16): Windows and macOS."""

import os
import re
import subprocess
import sys
from pathlib import PureWindowsPath

from hypothesis import given
from hypothesis import strategies as st

from workshop_tui.exporters import WINDOWS_RESERVED, file_stem
from workshop_tui.services import exports, sessions
from workshop_tui.storage.engine import open_database
from workshop_tui.storage.location import sqlite_file_uri
from workshop_tui.storage.quick import list_sessions_fast


def test_a_windows_path_becomes_the_uri_sqlite_documents():
    path = PureWindowsPath(r"C:\Users\Dr O'Neil\Board #2 100%.db")
    assert sqlite_file_uri(path) == "file:///C:/Users/Dr%20O%27Neil/Board%20%232%20100%25.db"


def test_a_database_whose_name_has_a_hash_is_read_as_itself(tmp_path):
    # In a bare file: URI '#' ends the path: the fast list opened "board " (creating it) instead.
    path = tmp_path / "board #2.db"
    db = open_database(f"sqlite:///{path}")
    try:
        sessions.load_samples(db)
        assert list_sessions_fast(path) == sessions.list_sessions(db)
    finally:
        db.dispose()
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("board #2.db")) == []


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "workshop_tui", *map(str, args)], capture_output=True,
                          env={**os.environ, **(env or {})}, timeout=300)


def test_python_m_workshop_tui_is_the_command():
    done = run_cli("--help")
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("Usage: workshop-tui")


def test_an_export_to_standard_output_is_the_file_byte_for_byte_whatever_the_console_encoding(tmp_path):
    db_file = tmp_path / "w.db"
    assert run_cli("--db", db_file, "demo").returncode == 0
    # Windows: stdout redirected to a file uses the code page, not UTF-8 ('–' and '≥' in the samples).
    piped = run_cli("--db", db_file, "export", "2", "--format", "md", "-o", "-", env={"PYTHONIOENCODING": "ascii"})
    assert piped.returncode == 0, piped.stderr.decode()
    assert run_cli("--db", db_file, "export", "2", "--format", "md", "-o", tmp_path / "pack.md").returncode == 0
    assert piped.stdout == (tmp_path / "pack.md").read_bytes()
    assert "–".encode() in piped.stdout


def test_exports_have_fixed_line_endings_on_every_os(db, tmp_path):
    (first, *_) = [item.session_id for item in sessions.load_samples(db)]
    md = exports.export(db, first, "md", tmp_path / "pack.md").read_bytes()
    assert b"\r" not in md
    folder = exports.export(db, first, "csv", tmp_path / "tables")
    for table in (folder.glob("*.csv") if folder.is_dir() else []):
        data = table.read_bytes()
        assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")


@given(st.text())
def test_a_file_stem_is_safe_on_windows_macos_and_linux(title):
    stem = file_stem(title)
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", stem)  # no dots, spaces or : \\ / * ? < > |
    assert stem not in WINDOWS_RESERVED and len(stem) <= 68


def test_titles_that_windows_reserves_get_a_usable_name():
    assert [file_stem(t) for t in ("CON", "nul", "Com1", "LPT9", "Console")] == [
        "con-session", "nul-session", "com1-session", "lpt9-session", "console"]


def test_an_export_over_a_file_another_program_holds_says_so_and_leaves_no_temporary(tmp_path, monkeypatch):
    from workshop_tui.exporters import files

    target = tmp_path / "board.csv"
    target.write_bytes(b"the old export")

    def held_open(src, dst):  # what Windows does while Excel has the file open
        raise PermissionError(13, "The process cannot access the file because it is being used by another process")

    monkeypatch.setattr(files.os, "replace", held_open)
    try:
        files.write_bytes_atomically(target, b"new")
    except PermissionError as exc:
        assert str(target) in str(exc) and "open in another program" in str(exc)
    else:
        raise AssertionError("the export claimed success")
    assert [p.name for p in tmp_path.iterdir()] == ["board.csv"] and target.read_bytes() == b"the old export"
