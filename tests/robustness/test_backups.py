"""Backups: before migrations, on close, `db backup` and `db restore`."""

from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main
from workshop_tui.storage import backup as storage_backup
from workshop_tui.storage.engine import open_database

pytestmark = pytest.mark.sqlite_only


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def titles(path) -> list[str]:
    return sorted(s["title"] for s in json.loads(run("--db", path, "sessions", "--json").output))


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_backup_on_close_keeps_a_bounded_number_of_copies(db_path, sample_bytes):
    from workshop_tui.services import sessions
    from workshop_tui.services.backups import backup_on_close, backups

    db = open_database(f"sqlite:///{db_path}")
    for n in range(storage_backup.MAX_BACKUPS + 3):
        sessions.import_bytes(db, sample_bytes("calderdale"), f"copy {n}")
        assert backup_on_close(db) is not None
    assert len(backups(db)) == storage_backup.MAX_BACKUPS
    assert backup_on_close(db) is None  # nothing changed since the newest copy
    newest = backups(db)[-1]
    conn = sqlite3.connect(newest)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT count(*) FROM session").fetchone()[0] == storage_backup.MAX_BACKUPS + 3
    conn.close()
    db.dispose()


def test_two_databases_with_the_same_name_keep_separate_backups(tmp_path, sample_bytes):
    from workshop_tui.services import sessions
    from workshop_tui.services.backups import backup_on_close, backups

    a = open_database(f"sqlite:///{tmp_path / 'a' / 'workshop.db'}")
    b = open_database(f"sqlite:///{tmp_path / 'b' / 'workshop.db'}")
    for db in (a, b):
        sessions.import_bytes(db, sample_bytes("calderdale"), "x")
        backup_on_close(db)
    assert len(backups(a)) == len(backups(b)) == 1 and backups(a) != backups(b)
    a.dispose()
    b.dispose()


def test_the_cli_backs_up_after_an_import(tmp_path, sample_bytes, _isolated_data_dir):
    db = tmp_path / "x.db"
    source = tmp_path / "in.json"
    source.write_bytes(sample_bytes("calderdale"))
    assert run("--db", db, "import", source).exit_code == 0
    assert list((_isolated_data_dir / "backups").glob("x-*-close.db"))


def test_db_backup_then_restore_brings_the_backup_back(tmp_path, sample_bytes, _isolated_data_dir):
    db = tmp_path / "live.db"
    run("--db", db, "demo")
    copy = tmp_path / "saved.db"
    result = run("--db", db, "db", "backup", copy)
    assert result.exit_code == 0, result.output
    saved_titles = titles(db)
    extra = tmp_path / "extra.json"
    data = json.loads(sample_bytes("calderdale"))
    data["session"]["title"] = "Added after the backup"
    extra.write_text(json.dumps(data))
    assert run("--db", db, "import", extra).exit_code == 0
    assert "Added after the backup" in titles(db)

    result = run("--db", db, "db", "restore", copy)
    assert result.exit_code == 0, result.output
    assert "the previous database was saved to" in result.output
    assert titles(db) == saved_titles
    before_restore = sorted((_isolated_data_dir / "backups").glob("live-*-before-restore.db"))
    assert before_restore
    conn = sqlite3.connect(before_restore[-1])
    assert "Added after the backup" in {r[0] for r in conn.execute("SELECT title FROM session")}
    conn.close()


@pytest.mark.parametrize("kind", ["text file", "foreign sqlite", "missing", "itself"])
def test_restore_refuses_what_is_not_a_workshop_backup(tmp_path, kind):
    db = tmp_path / "live.db"
    run("--db", db, "demo")
    source = {"itself": db}.get(kind, tmp_path / "source.db")
    if kind == "text file":
        source.write_text("not a database")
    elif kind == "foreign sqlite":
        conn = sqlite3.connect(source)
        conn.execute("CREATE TABLE t (x)")
        conn.commit()
        conn.close()
    # Close every connection so the file is quiescent and can be compared byte for byte.
    before = digest(db)
    source_before = digest(source) if source.exists() else None
    result = run("--db", db, "db", "restore", source)
    assert result.exit_code == 2, result.output
    assert "nothing was restored" in result.output or "does not exist" in result.output
    assert digest(db) == before
    if source_before:
        assert digest(source) == source_before
    assert len(titles(db)) == 3


def test_backup_refuses_to_overwrite_a_file_that_is_not_a_backup(tmp_path):
    db = tmp_path / "live.db"
    run("--db", db, "demo")
    precious = tmp_path / "thesis.docx"
    precious.write_bytes(b"PK\x03\x04 my thesis")
    result = run("--db", db, "db", "backup", precious)
    assert result.exit_code == 1
    assert "not a workshop-tui backup" in result.output
    assert precious.read_bytes() == b"PK\x03\x04 my thesis"
