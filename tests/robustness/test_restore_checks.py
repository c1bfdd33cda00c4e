"""`db restore` replaces nothing unless the backup is healthy, of a schema this version
can open or upgrade, and actually opens (it used to say "Restored" and leave a database
that no longer opened)."""

from __future__ import annotations

import json
import sqlite3

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main

pytestmark = pytest.mark.sqlite_only


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def titles(path) -> list[str]:
    result = run("--db", path, "sessions", "--json")
    assert result.exit_code == 0, result.output
    return sorted(s["title"] for s in json.loads(result.output))


@pytest.fixture
def live_and_backup(tmp_path):
    live, backup = tmp_path / "live.db", tmp_path / "backup.db"
    assert run("--db", live, "demo").exit_code == 0
    assert run("--db", live, "db", "backup", backup).exit_code == 0
    return live, backup


def damage(path):
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for at in range(2 * page, len(data), page):  # scribble over every page after the schema's
        data[at:at + 64] = b"\xff" * 64
    path.write_bytes(bytes(data))


def newer_schema(path):
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()


def missing_table(path):
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("DROP TABLE participant")
    conn.commit()
    conn.close()


@pytest.mark.parametrize("spoil, says", [(damage, "damaged"), (newer_schema, "newer version"),
                                         (missing_table, "does not open")])
def test_restore_refuses_a_file_that_would_not_open_and_replaces_nothing(live_and_backup, spoil, says):
    live, backup = live_and_backup
    before = titles(live)
    spoil(backup)
    result = run("--db", live, "db", "restore", backup)
    assert result.exit_code == 2, result.output
    assert "nothing was restored" in result.output and says in result.output, result.output
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert titles(live) == before  # the database still opens, with its data
    assert not [p for p in live.parent.iterdir() if p.name.startswith(".restore-check-")]


def test_a_good_backup_is_still_restored(live_and_backup):
    live, backup = live_and_backup
    assert run("--db", live, "import", "/dev/null").exit_code != 0  # nothing changes
    result = run("--db", live, "db", "restore", backup)
    assert result.exit_code == 0, result.output
    assert "Restored" in result.output
    assert len(titles(live)) == 3
