"""Two real processes on one database: the app casting votes while the CLI imports and
exports, and two stale desks racing on one round. Votes go through the same service
calls as the TUI (``RoundDesk.cast`` / ``RoundDesk.submit``). Neither may crash on a
lock, no write may be lost, and no vote the rules forbid may be stored. Runs on
SQLite and, when a server is configured, PostgreSQL. Each test prints its seed;
WORKSHOP_TUI_RACE_SEED replays one."""

from __future__ import annotations

import json
import os
import random
import sqlite3
import threading
import time

import pytest

from robustness_helpers import session_bytes, start_worker

pytestmark = pytest.mark.slow

VOTES = 120
IMPORTS = 6


def _finish(proc, timeout: float = 180) -> tuple[list[str], str]:
    out, err = proc.communicate(timeout=timeout)
    return out.split("\n"), err


def _seed(name: str) -> int:
    seed = int(os.environ.get("WORKSHOP_TUI_RACE_SEED", str(time.time_ns() % 2**32)))
    print(f"{name} seed: WORKSHOP_TUI_RACE_SEED={seed}")
    return seed


def test_voting_while_another_process_imports_and_exports(db, tmp_path, figures):
    from workshop_tui.services import sessions

    seed = _seed("two processes")
    session_id = sessions.import_bytes(db, session_bytes(), "setup")
    source = tmp_path / "incoming.json"
    source.write_bytes(session_bytes(title="Imported while voting"))
    out = tmp_path / "exports"
    out.mkdir()

    voter = start_worker("vote", db.url, session_id, "named", "v", VOTES, seed)
    other = start_worker("vote", db.url, session_id, "named", "u", VOTES // 2, seed + 1)  # same round, meanwhile
    secret = start_worker("vote", db.url, session_id, "secret", "s", VOTES // 2, seed + 2, "anonymous")
    porter = start_worker("import-export", db.url, source, IMPORTS, out)
    results = {name: _finish(proc) for name, proc in (("voter", voter), ("other", other), ("secret", secret),
                                                          ("porter", porter))}

    for name, proc in (("voter", voter), ("other", other), ("secret", secret), ("porter", porter)):
        lines, err = results[name]
        assert proc.returncode == 0, f"seed {seed}: {name} failed:\n{err}"
        assert "locked" not in err.lower() and "Traceback" not in err, err

    acks = {name: [line.split()[2:] for line in results[name][0] if line.startswith("ack ")]
            for name in ("voter", "other", "secret")}
    assert sum(map(len, acks.values())) == VOTES + 2 * (VOTES // 2)
    stored = sessions.load(db, session_id)
    cells = {(v.participant, v.initiative, v.value) for v in stored.round("named").votes}
    assert {(a[1], a[2], int(a[3])) for name in ("voter", "other") for a in acks[name]} == cells
    assert {a[1] for a in acks["secret"]} == set(stored.round("secret").voted)
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
            f"seed {seed}: {VOTES + 2 * (VOTES // 2)} votes from 3 processes through the desk while a fourth "
            f"imported and exported {IMPORTS} sessions; 0 lost")


@pytest.mark.sqlite_only
def test_a_write_waits_for_another_process_holding_the_lock(db):
    """Another connection holds SQLite's write lock for 2 s: the voter waits, then saves."""
    from workshop_tui.services import sessions

    session_id = sessions.import_bytes(db, session_bytes(), "setup")
    holder = sqlite3.connect(str(db.path), isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    voter = start_worker("vote", db.url, session_id, "named", "w", 3, 0)
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
    assert [line.split()[1] for line in lines if line.startswith("ack ")] == ["w-0", "w-1", "w-2"]


RACE_BUDGET = 4
RACE_ATTEMPTS = 300


def test_two_stale_desks_racing_on_one_round_never_exceed_a_budget_or_write_a_closed_round(db, figures):
    """Two processes each open a desk on one dots round (4 dots a person, 3 on one
    initiative) and keep it, going stale at once, then type random dots for the same
    people; meanwhile this process closes the round. Replaying the audit log (every
    stored vote in commit order) shows no one ever held more than 4 dots, and no vote
    was stored after the close."""
    from workshop_tui.services import sessions, voting
    from workshop_tui.services.unit_of_work import reading
    from workshop_tui.storage import repository as repo

    seed = _seed("stale desks")
    session_id = sessions.import_bytes(db, session_bytes(), "setup")
    key = voting.create_round(db, session_id, method="dots",
                              settings={"budget": RACE_BUDGET, "max_per_initiative": 3})
    desks = [start_worker("race", db.url, session_id, key, f"d{n}", RACE_ATTEMPTS, seed + n) for n in (1, 2)]
    lines: list[list[str]] = [[], []]
    readers = [threading.Thread(target=lambda p=p, out=out: out.extend(line.strip() for line in p.stdout),
                                daemon=True) for p, out in zip(desks, lines)]
    for r in readers:
        r.start()
    rng = random.Random(seed)
    close_after = rng.randint(20, 80)  # acknowledged votes, from both desks, before the round closes
    deadline = time.monotonic() + 120
    while sum(1 for out in lines for line in list(out) if line.startswith("ack ")) < close_after:
        assert all(p.poll() is None for p in desks), f"seed {seed}: a desk ended early: {lines}"
        assert time.monotonic() < deadline, f"seed {seed}: the desks made no progress"
        time.sleep(0.01)
    voting.close_round(db, session_id, key)
    for p in desks:
        p.wait(180)
    for r in readers:
        r.join(10)
    for p in desks:
        assert p.returncode == 0, f"seed {seed}: {p.stderr.read()}"

    with reading(db) as s:
        log = [(a, d) for _, a, d in repo.audit_entries(s, session_id) if d.get("round") == key]
    closed_at = next(n for n, (a, _) in enumerate(log) if a == "round.close")
    assert not [e for e in log[closed_at:] if e[0].startswith("vote.")], f"seed {seed}: votes after the close"
    held: dict[tuple[str, str], int] = {}
    for action, detail in log[:closed_at]:
        if action in ("vote.cast", "vote.clear"):
            held[(detail["participant"], detail["initiative"])] = detail["value"] or 0
            spent = sum(v for (person, _), v in held.items() if person == detail["participant"])
            assert spent <= RACE_BUDGET, f"seed {seed}: {detail['participant']} held {spent} dots"
    stored = sessions.load(db, session_id).round(key)
    assert {(v.participant, v.initiative): v.value for v in stored.votes} == {k: v for k, v in held.items() if v}
    refused = [line for out in lines for line in out if line.startswith("refused ")]
    assert any("closed" in line for line in refused), f"seed {seed}: no desk noticed the close"
    acked = sum(1 for out in lines for line in out if line.startswith("ack "))
    figures(f"stale desks ({db.engine.dialect.name})",
            f"seed {seed}: {acked} votes stored and {len(refused)} refused by two stale desks; "
            f"budget never exceeded, nothing stored after the close")
