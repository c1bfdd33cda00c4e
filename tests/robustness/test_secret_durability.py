"""Secret ballots are durable: a real second process casts them through the private
ballot's service call and is killed (SIGKILL) at a random moment; every acknowledged
ballot is there afterwards, with its voter marked, and nothing half-written.
Prints its seed (WORKSHOP_TUI_KILL_SEED replays a run)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import threading
import time

from robustness_helpers import start_worker

PEOPLE = [f"p{n:02d}" for n in range(1, 41)]
TRIALS = 8


def _session() -> bytes:
    return json.dumps({
        "format": "workshop-tui/session", "version": 1,
        "session": {"title": "Secret durability", "date": "2026-11-21"},
        "participants": [{"key": p, "name": f"Person {p}"} for p in PEOPLE],
        "initiatives": [{"key": k, "title": k.upper()} for k in "abc"],
        "rounds": [],
    }).encode()


def _collect(proc, lines, ready):
    for line in proc.stdout:
        lines.append(line.strip())
        if line.strip() == "ready":
            ready.set()


def test_sigkill_mid_round_loses_no_acknowledged_secret_ballot(db_path, figures, capsys):
    from workshop_tui.services import sessions, voting
    from workshop_tui.storage.engine import open_database

    seed = int(os.environ.get("WORKSHOP_TUI_KILL_SEED", str(time.time_ns())))
    with capsys.disabled():
        print(f"\nsecret ballot kill test seed={seed}", end="")
    rng = random.Random(seed)
    url = f"sqlite:///{db_path}"
    db = open_database(url)
    session_id = sessions.import_bytes(db, _session(), "secret-durability")
    db.dispose()
    acknowledged = saved = 0
    for trial in range(TRIALS):
        db = open_database(url)
        key = voting.create_round(db, session_id, method="dots", anonymous=True,
                                  settings={"budget": 1, "max_per_initiative": 1})
        db.dispose()
        proc = start_worker("secret-ballots", url, session_id, key, *PEOPLE)
        lines: list[str] = []
        ready = threading.Event()
        reader = threading.Thread(target=_collect, args=(proc, lines, ready), daemon=True)
        reader.start()
        assert ready.wait(30), proc.stderr.read()
        # Let a random number of ballots through, then kill at a random moment after.
        target = rng.randrange(len(PEOPLE) - 5)
        deadline = time.monotonic() + 60
        while sum(1 for line in lines if line.startswith("ack ")) < target and proc.poll() is None \
                and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        reader.join(10)
        proc.stderr.close()
        acked = {line.split(" ", 1)[1] for line in lines if line.startswith("ack ")}
        reopened = open_database(url)
        (rnd,) = [r for r in sessions.load(reopened, session_id).rounds if r.key == key]
        assert acked <= set(rnd.voted), f"seed {seed} trial {trial}: lost {sorted(acked - set(rnd.voted))}"
        # A ballot and its voter's mark are one commit: never one without the other.
        assert len({v.ballot for v in rnd.votes}) == len(rnd.voted)
        assert len(set(rnd.voted) - acked) <= 1  # at most the one in flight
        voting.close_round(reopened, session_id, key)
        (closed,) = [r for r in sessions.load(reopened, session_id).rounds if r.key == key]
        assert set(closed.voted) == set(rnd.voted) and {v.ballot for v in closed.votes} == {v.ballot for v in rnd.votes}
        reopened.dispose()
        for path in (db_path, f"{db_path}-ballots"):
            conn = sqlite3.connect(str(path))
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            conn.close()
        acknowledged += len(acked)
        saved += len(rnd.voted)
    figures("secret ballot kill test", f"seed {seed}: {TRIALS} SIGKILL trials, {acknowledged} acknowledged "
                                       f"secret ballots, 0 lost, {saved - acknowledged} saved unacknowledged")
