"""Two real processes on one database: the app casting votes while the CLI imports and
exports. Neither may crash on a lock and no write may be lost. Runs on SQLite and,
when a server is configured, PostgreSQL."""

from __future__ import annotations

import json
import sqlite3
import threading
import time

import pytest
from sqlalchemy import text

from robustness_helpers import session_bytes, start_worker

pytestmark = pytest.mark.slow

VOTES = 120
IMPORTS = 6


def _finish(proc, timeout: float = 180) -> tuple[list[str], str]:
    out, err = proc.communicate(timeout=timeout)
    return out.split("\n"), err


def test_voting_while_another_process_imports_and_exports(db, tmp_path, figures):
    from workshop_tui.services import sessions

    session_id = sessions.import_bytes(db, session_bytes(), "setup")
    source = tmp_path / "incoming.json"
    source.write_bytes(session_bytes(title="Imported while voting"))
    out = tmp_path / "exports"
    out.mkdir()

    voter = start_worker("vote", db.url, session_id, "named", "v", VOTES)
    other = start_worker("vote", db.url, session_id, "named", "u", VOTES // 2)  # races for the next vote id
    secret = start_worker("vote", db.url, session_id, "secret", "s", VOTES // 2, "anonymous")
    porter = start_worker("import-export", db.url, source, IMPORTS, out)
    results = {name: _finish(proc) for name, proc in (("voter", voter), ("other", other), ("secret", secret),
                                                          ("porter", porter))}

    for name, proc in (("voter", voter), ("other", other), ("secret", secret), ("porter", porter)):
        lines, err = results[name]
        assert proc.returncode == 0, f"{name} failed:\n{err}"
        assert "locked" not in err.lower() and "Traceback" not in err, err

    acked = {line.split(" ", 1)[1] for name in ("voter", "other", "secret") for line in results[name][0]
             if line.startswith("ack ")}
    assert len(acked) == VOTES + 2 * (VOTES // 2)
    with db.engine.connect() as conn:
        notes = set(conn.execute(text("SELECT note FROM vote")).scalars())
    assert acked <= notes
    imported = [int(line.split()[1]) for line in results["porter"][0] if line.startswith("imported ")]
    exported = [int(line.split()[1]) for line in results["porter"][0] if line.startswith("exported ")]
    assert len(imported) == IMPORTS and exported == imported
    listed = {s.id for s in sessions.list_sessions(db)}
    assert listed == {session_id, *imported}
    for n in range(IMPORTS):
        assert json.loads((out / f"{n}.json").read_text())["session"]["title"] == "Imported while voting"
    workshop = sessions.load(db, session_id)
    counted = {r.key: len(r.votes) for r in workshop.rounds}
    assert counted == {"named": VOTES + VOTES // 2, "secret": VOTES // 2}
    figures(f"two processes ({db.engine.dialect.name})",
            f"{len(acked)} votes from 3 processes while a fourth imported and exported {IMPORTS} sessions; 0 lost")


@pytest.mark.sqlite_only
def test_a_write_waits_for_another_process_holding_the_lock(db):
    """Another connection holds SQLite's write lock for 2 s: the voter waits, then saves."""
    from workshop_tui.services import sessions

    session_id = sessions.import_bytes(db, session_bytes(), "setup")
    holder = sqlite3.connect(str(db.path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    voter = start_worker("vote", db.url, session_id, "named", "w", 3)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(line.strip() for line in voter.stdout), daemon=True)
    reader.start()
    time.sleep(2.0)
    assert not [line for line in lines if line.startswith("ack")]  # waiting, not failing
    assert voter.poll() is None
    holder.execute("COMMIT")
    holder.close()
    voter.wait(60)
    reader.join(10)
    assert voter.returncode == 0, voter.stderr.read()
    assert [line for line in lines if line.startswith("ack ")] == ["ack w-0", "ack w-1", "ack w-2"]
