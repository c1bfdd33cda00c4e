"""A real second process for the robustness tests (run as a script, not collected).

    python worker.py vote URL SESSION_ID ROUND TAG COUNT [anonymous]
        casts COUNT dots votes, one committed transaction each, through
        services.unit_of_work.write + storage.repository.add_votes; prints
        ``ack TAG-i`` only after the commit for vote i has returned.
    python worker.py secret-ballots URL SESSION_ID ROUND PERSON...
        casts one secret dots ballot per PERSON through services.voting.submit_ballot
        (the private ballot screen's call); prints ``ack PERSON`` after it returns.
    python worker.py import-export URL FILE COUNT OUTDIR
        COUNT times: imports FILE through the CLI (in this process), prints
        ``imported ID``, exports that session and prints ``exported ID``.

Prints ``ready`` once the database is open. Any exception ends it non-zero.
"""

from __future__ import annotations

import sys
from pathlib import Path


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def vote(url: str, session_id: str, round_key: str, tag: str, count: str, *rest: str) -> None:
    from workshop_tui.domain import model as m
    from workshop_tui.services.unit_of_work import write
    from workshop_tui.storage import repository as repo
    from workshop_tui.storage.engine import open_database

    anonymous = "anonymous" in rest
    db = open_database(url)
    people = ["p1", "p2", "p3"]
    items = ["a", "b", "c"]
    say("ready")
    for i in range(int(count)):
        name = f"{tag}-{i}"
        ballot = m.Vote(
            participant=None if anonymous else people[i % 3],
            initiative=items[i % 3],
            value=1 + i % 3,
            ballot=name if anonymous else None,
            note=name,
        )
        write(db, lambda s: repo.add_votes(s, int(session_id), round_key, [ballot], anonymous=anonymous))
        say(f"ack {name}")
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
    {"vote": vote, "import-export": import_export, "secret-ballots": secret_ballots}[mode](*args)
