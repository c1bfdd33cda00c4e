"""A real second process for the robustness tests (run as a script, not collected).

Every write goes through the same service call as the TUI: a named vote is
``RoundDesk.cast`` (what a keypress in the grid calls), a secret ballot is
``RoundDesk.submit`` (what the private-ballot screen calls).

    python worker.py vote URL SESSION_ID ROUND TAG COUNT SEED [anonymous]
        named: casts COUNT dots votes, one cell each (people TAG_p<n> are added
        through the participants service as needed, initiatives in an order
        shuffled by SEED); prints ``ack TAG-i ROUND PERSON ITEM VALUE`` only
        after the desk has returned, i.e. after the commit.
        anonymous: submits COUNT one-dot secret ballots, one new person each;
        prints ``ack TAG-i ROUND PERSON`` after each submit returns.
    python worker.py race URL SESSION_ID ROUND TAG COUNT SEED
        opens one desk on ROUND and keeps it (it goes stale), then COUNT times
        types a random dot count (SEED) for a random person and initiative;
        prints ``ack PERSON ITEM VALUE`` or ``refused PERSON ITEM VALUE: why``.
    python worker.py secret-ballots URL SESSION_ID ROUND PERSON...
        casts one secret dots ballot per PERSON through services.voting.submit_ballot
        (the private ballot screen's call); prints ``ack PERSON`` after it returns.
    python worker.py import-export URL FILE COUNT OUTDIR
        COUNT times: imports FILE through the CLI (in this process), prints
        ``imported ID``, exports that session and prints ``exported ID``.

Prints ``ready`` once the database is open. Any exception ends it non-zero.
"""

from __future__ import annotations

import random
import time
import sys
from pathlib import Path


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def vote(url: str, session_id: str, round_key: str, tag: str, count: str, seed: str, *rest: str) -> None:
    from workshop_tui.domain import model as m
    from workshop_tui.services import editing, sessions, voting
    from workshop_tui.storage.engine import open_database

    sid = int(session_id)
    db = open_database(url)
    workshop = sessions.load(db, sid)
    items = [i.key for i in workshop.initiatives]
    random.Random(int(seed)).shuffle(items)
    desk = voting.open_desk(db, sid, round_key, workshop)
    say("ready")
    person = ""
    for i in range(int(count)):
        name = f"{tag}-{i}"
        if "anonymous" in rest:
            person = editing.save_participant(db, sid, f"{tag}_b{i}", "clinical").key
            desk.refresh(sessions.load(db, sid))
            desk.submit(person, [m.Vote(initiative=items[i % len(items)], value=1)])
            say(f"ack {name} {round_key} {person}")
            continue
        if i % len(items) == 0:
            person = editing.save_participant(db, sid, f"{tag}_p{i // len(items)}", "clinical").key
            desk.refresh(sessions.load(db, sid))
        item, value = items[i % len(items)], 1 + i % 3
        desk.cast(person, item, None, value)
        say(f"ack {name} {round_key} {person} {item} {value}")
    db.dispose()


def race(url: str, session_id: str, round_key: str, tag: str, count: str, seed: str) -> None:
    from workshop_tui.services import voting
    from workshop_tui.services.voting import VotingError
    from workshop_tui.storage.engine import open_database

    db = open_database(url)
    desk = voting.open_desk(db, int(session_id), round_key)
    people, items = sorted(desk.participants), sorted(desk.initiatives)
    rng = random.Random(int(seed))
    say("ready")
    # At least `count` attempts, then on until this desk has met the close: a fast desk
    # could otherwise finish before the parent (reading its lines) closes the round.
    attempts, met_close, deadline = 0, False, time.monotonic() + 120
    while (attempts < int(count) or not met_close) and time.monotonic() < deadline:
        attempts += 1
        person, item, value = rng.choice(people), rng.choice(items), rng.randint(0, 3)
        try:
            desk.cast(person, item, None, value)
        except VotingError as exc:
            met_close = met_close or "closed" in str(exc)
            say(f"refused {person} {item} {value}: {exc}")
        else:
            say(f"ack {person} {item} {value}")
    db.dispose()


def import_export(url: str, file: str, count: str, outdir: str) -> None:
    from workshop_tui.cli import main
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    out = Path(outdir)
    say("ready")
    for i in range(int(count)):
        # Like one `workshop-tui import` run: open (and check) the database, import, close.
        db = open_database(url)
        session_id = sessions.import_file(db, Path(file))
        db.dispose()
        say(f"imported {session_id}")
        # And one real `workshop-tui export` run, through the CLI's own code.
        main(["--database-url", url, "export", str(session_id), "--format", "json", "-o", str(out / f"{i}.json")],
             standalone_mode=False)
        say(f"exported {session_id}")


def secret_ballots(url: str, session_id: str, round_key: str, *people: str) -> None:
    from workshop_tui.domain import model as m
    from workshop_tui.services import voting
    from workshop_tui.storage.engine import open_database

    db = open_database(url)
    say("ready")
    for n, person in enumerate(people):
        voting.submit_ballot(db, int(session_id), round_key, person, [m.Vote(initiative="abc"[n % 3], value=1)])
        say(f"ack {person}")
    db.dispose()


if __name__ == "__main__":
    mode, *args = sys.argv[1:]
    {"vote": vote, "race": race, "import-export": import_export, "secret-ballots": secret_ballots}[mode](*args)
