"""Exports write regular files only, replace one only when asked, keep the umask, and
re-exporting csv into a folder leaves none of a deleted round's tables behind.

(On main: `export -o /dev/full` as root replaced the device with a file and said
"Wrote /dev/full"; FIFOs were replaced; an existing file was overwritten unasked; the
mode was always 0600; `-o` a folder gave a traceback.) Device nodes here are made in a
temporary folder (never /dev itself); where mknod is not allowed, a socket stands in."""

from __future__ import annotations

import os
import socket
import stat

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "x.db"
    assert run("--db", path, "demo").exit_code == 0
    return path


def special(kind: str, where):
    if kind == "fifo":
        os.mkfifo(where)
    elif kind == "device":
        try:
            os.mknod(where, 0o666 | stat.S_IFCHR, os.makedev(1, 7))  # like /dev/full
        except PermissionError:
            sock = socket.socket(socket.AF_UNIX)
            sock.bind(str(where))
            sock.close()
    else:
        where.mkdir()
    return os.stat(where).st_mode


@pytest.mark.parametrize("kind, says", [("fifo", "named pipe"), ("device", ""), ("folder", "folder")])
@pytest.mark.parametrize("fmt", ["json", "md", "xlsx"])
def test_a_device_fifo_or_folder_is_refused_and_left_as_it_was(db, tmp_path, kind, says, fmt):
    target = tmp_path / f"target-{kind}"
    mode = special(kind, target)
    result = run("--db", db, "export", "1", "--format", fmt, "-o", target, "--force")
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "Wrote" not in result.output
    assert str(target) in result.output and says in result.output and "Nothing was written" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert os.stat(target).st_mode == mode  # still what it was
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(f".{target.name}.")]


def test_an_existing_file_is_replaced_only_with_force(db, tmp_path):
    out = tmp_path / "pack.md"
    out.write_text("the facilitator's notes")
    result = run("--db", db, "export", "1", "--format", "md", "-o", out)
    assert result.exit_code == 2 and "already exists; add --force" in result.output, result.output
    assert out.read_text() == "the facilitator's notes"
    assert run("--db", db, "export", "1", "--format", "md", "-o", out, "--force").exit_code == 0
    assert out.read_text().startswith("#")


def test_several_formats_into_a_folder_check_every_file_first(db, tmp_path):
    folder = tmp_path / "all"
    assert run("--db", db, "export", "1", "--format", "md", "--format", "html", "-o", folder).exit_code == 0
    (md,) = folder.glob("*.md")
    md.write_text("edited")
    result = run("--db", db, "export", "1", "--format", "md", "--format", "html", "-o", folder)
    assert result.exit_code == 2 and "--force" in result.output
    assert md.read_text() == "edited"


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_new_files_keep_the_users_umask(db, tmp_path, umask, expected):
    old = os.umask(umask)
    try:
        out = tmp_path / "s.json"
        assert run("--db", db, "export", "1", "--format", "json", "-o", out).exit_code == 0
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == expected


def test_re_exporting_csv_clears_our_old_tables_and_nothing_else(db, tmp_path):
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database
    from workshop_tui.storage.location import sqlite_url

    folder = tmp_path / "csv"
    assert run("--db", db, "export", "1", "--format", "csv", "-o", folder).exit_code == 0
    before = {p.name for p in folder.iterdir()}
    opened = open_database(sqlite_url(db))
    rnd = sessions.load(opened, 1).rounds[-1]
    voting.delete_round(opened, 1, rnd.key)
    opened.dispose()
    assert f"votes_{rnd.key}.csv" in before
    (folder / "my-notes.csv").write_text("mine")
    (folder / "README.txt").write_text("mine too")
    refused = run("--db", db, "export", "1", "--format", "csv", "-o", folder)
    assert refused.exit_code == 2 and "--force" in refused.output
    assert run("--db", db, "export", "1", "--format", "csv", "-o", folder, "--force").exit_code == 0
    after = {p.name for p in folder.iterdir()}
    assert f"votes_{rnd.key}.csv" not in after and f"results_{rnd.key}.csv" not in after
    assert {"my-notes.csv", "README.txt"} <= after
    assert (folder / "my-notes.csv").read_text() == "mine"
