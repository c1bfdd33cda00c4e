import pytest

from workshop_tui.services import sessions
from workshop_tui.storage.migrate import head_revision
from workshop_tui.storage.quick import SCHEMA_HEAD, list_sessions_fast


def test_the_fast_list_knows_the_current_schema():
    assert SCHEMA_HEAD == head_revision()


@pytest.mark.sqlite_only  # the fast list reads SQLite files only
def test_the_fast_list_matches_the_full_one(db, db_path):
    sessions.load_samples(db)
    assert list_sessions_fast(db_path) == sessions.list_sessions(db)


def test_the_fast_list_declines_files_it_cannot_vouch_for(tmp_path):
    assert list_sessions_fast(tmp_path / "missing.db") is None
    junk = tmp_path / "junk.db"
    junk.write_text("not sqlite")
    assert list_sessions_fast(junk) is None
