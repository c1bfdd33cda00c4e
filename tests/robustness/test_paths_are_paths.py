"""--db and WORKSHOP_TUI_DB open exactly the file named, whatever characters it holds
(the path used to go into a URL unquoted: 'q?mode=ro.db' wrote to 'q', 'pct%41.db' to 'pctA.db')."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main
from workshop_tui.storage.location import plain_sqlite_file, resolve_url
from workshop_tui.storage.quick import list_sessions_fast

NAMES = ["q?mode=ro.db", "pct%41.db", "hash#frag.db", "sp ace@host:1.db", "file:x.db", "amp&x=1.db"]


@pytest.mark.parametrize("name", NAMES)
def test_db_option_writes_the_file_named(tmp_path, name):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / name), "demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    made = sorted(p.name for p in tmp_path.iterdir())
    assert name in made, made
    assert all(p == name or p.startswith(name + "-") for p in made), made  # its -wal/-shm/-ballots only
    assert list_sessions_fast(tmp_path / name)  # the stdlib fast path finds it too


@pytest.mark.parametrize("name", NAMES)
def test_the_environment_variable_opens_the_file_named(tmp_path, monkeypatch, name):
    monkeypatch.setenv("WORKSHOP_TUI_DB", str(tmp_path / name))
    result = CliRunner().invoke(main, ["demo"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).is_file()
    assert plain_sqlite_file(resolve_url()) == tmp_path / name
