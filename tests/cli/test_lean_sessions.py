"""`workshop-tui sessions` starts like a bare click command (issue 15): on an up-to-date
SQLite file it reads the list with sqlite3 alone, so no database layer, file format,
spreadsheet library or optimiser is imported; anything else takes the full path."""

import json
import subprocess
import sys
import textwrap

from workshop_tui.services import sessions

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "scipy", "numpy", "highspy", "xlsxwriter", "openpyxl",
         "textual", "markdown_it", "workshop_tui.storage.engine", "workshop_tui.storage.repository",
         "workshop_tui.services.sessions", "workshop_tui.sessionfile.validate")

# A fresh interpreter runs the real entry point, then reports what it imported.
PROBE = textwrap.dedent("""
    import sys
    from workshop_tui.cli import main
    try:
        main(sys.argv[1:], standalone_mode=False)
    finally:
        sys.stdout.flush()
        print("MODULES", " ".join(m for m in {heavy!r} if m in sys.modules))
""").format(heavy=HEAVY)


def _run(*args: str) -> tuple[str, list[str]]:
    out = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    body, _, modules = out.stdout.rpartition("MODULES")
    return body, modules.split()


def test_sessions_imports_no_database_layer(db, db_path):
    sessions.load_samples(db)
    db.dispose()
    table, heavy = _run("--db", str(db_path), "sessions")
    assert heavy == []
    for summary in sessions.list_sessions(db):
        assert str(summary.initiatives) in table
    listed, heavy = _run("--db", str(db_path), "sessions", "--json")
    assert heavy == []
    assert [row["id"] for row in json.loads(listed)] == [s.id for s in sessions.list_sessions(db)]


def test_sessions_on_a_new_file_takes_the_full_path_and_creates_it(tmp_path):
    path = tmp_path / "new.db"
    listed, heavy = _run("--db", str(path), "sessions", "--json")
    assert json.loads(listed) == [] and path.exists()
    assert "sqlalchemy" in heavy and "alembic" in heavy
