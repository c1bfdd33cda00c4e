"""Sessions as a whole: list, create, import, export, duplicate, delete, samples."""

from __future__ import annotations

import dataclasses
import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Collection

from workshop_tui.domain import model as m
from workshop_tui.services.unit_of_work import reading, snapshot, write
from workshop_tui.sessionfile.reader import Problem, SessionFileError
from workshop_tui.sessionfile.validate import parse_session_bytes
from workshop_tui.sessionfile.writer import dumps
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database

SAMPLE_PACKAGE = "workshop_tui.samples"
# Re-exported for front ends, which never import sessionfile.
__all__ = ["SessionFileError", "Problem"]


def list_sessions(db: Database) -> list[repo.SessionSummary]:
    with reading(db) as s:
        return repo.list_sessions(s)


def load(db: Database, session_id: int, *, rounds: Collection[str] | None = None) -> m.Workshop:
    """The session as domain values; with ``rounds``, only those rounds' votes are read
    (the other rounds come back without votes: use such a workshop for those rounds only)."""
    with reading(db) as s:
        return repo.load_workshop(s, session_id, rounds=rounds)


def reread_rounds(db: Database, session_id: int, workshop: m.Workshop, keys: Collection[str], *,
                  snapshot_read: bool = False) -> m.Workshop:
    """``workshop`` with the rounds ``keys`` read again (their votes, who voted, status), the
    rest as it was: a few lean queries per round instead of the whole session, for a screen
    that knows only those rounds changed (phone ballots land in open rounds). A round no
    longer in the session is a ``LookupError``: read the whole session then.

    ``snapshot_read``: the last commit, without waiting for a write under way nor holding one
    up (``unit_of_work.snapshot``), for the redraw after phone ballots, which runs beside the
    phones' writer; otherwise a read that waits for another program's write, like ``load``."""
    with (snapshot if snapshot_read else reading)(db) as s:
        fresh = {key: repo.round_state(s, session_id, key).round for key in keys}
    return dataclasses.replace(workshop, rounds=tuple(fresh.get(r.key, r) for r in workshop.rounds))


def create(db: Database, info: m.SessionInfo) -> int:
    def work(s):
        session_id = repo.create_session(s, info)
        repo.audit(s, session_id, "session.create", title=info.title)
        return session_id

    return write(db, work)


def update_info(db: Database, session_id: int, info: m.SessionInfo) -> None:
    def work(s):
        repo.update_session_info(s, session_id, info)
        repo.audit(s, session_id, "session.update", **{k: str(v) for k, v in dataclasses.asdict(info).items()})

    write(db, work)


def set_stage(db: Database, session_id: int, stage: str) -> None:
    if stage not in m.STAGES:
        raise ValueError(f"unknown stage {stage!r}")

    def work(s):
        row = repo.get_session_row(s, session_id)
        row.stage = stage
        s.add(row)

    write(db, work)


def import_workshop(db: Database, workshop: m.Workshop, *, source: str = "") -> int:
    """Store a validated workshop whole, in one transaction."""

    def work(s):
        session_id = repo.insert_workshop(s, workshop, source=source)
        repo.audit(s, session_id, "session.import", source=source or "file")
        return session_id

    return write(db, work)


def import_bytes(db: Database, data: bytes, source: str) -> int:
    """Validate a session file completely, then import it; nothing lands on error."""
    workshop = parse_session_bytes(data, source)
    return import_workshop(db, workshop)


def read_file(path: Path) -> bytes:
    """Read a file for import, turning OS errors into a SessionFileError."""
    try:
        if path.is_dir():
            raise SessionFileError(str(path), [Problem("", "is a folder, not a file")])
        return path.read_bytes()
    except FileNotFoundError:
        raise SessionFileError(str(path), [Problem("", "no such file")]) from None
    except PermissionError:
        raise SessionFileError(str(path), [Problem("", "permission denied")]) from None
    except OSError as exc:
        raise SessionFileError(str(path), [Problem("", exc.strerror or str(exc))]) from None


class NotStored(RuntimeError):
    """The database refused the write (a full disk, a read-only file): nothing was stored."""


def import_file(db: Database, path: Path) -> int:
    from sqlalchemy.exc import OperationalError

    try:
        return import_bytes(db, read_file(path), str(path))
    except OperationalError as exc:  # the transaction was rolled back whole
        raise NotStored(f"the database could not be written ({exc.orig})") from None


def export_json(db: Database, session_id: int) -> str:
    return dumps(load(db, session_id))


def duplicate(db: Database, session_id: int, *, title: str | None = None) -> int:
    """A fresh copy for re-prioritisation: the set-up, people, initiatives,
    criteria and bottlenecks, without the rounds, overrides and actions."""
    source = load(db, session_id)
    copy = m.Workshop(
        session=dataclasses.replace(
            source.session,
            title=title or f"{source.session.title} (re-prioritisation)",
            date=dt.date.today(),
            stage="setup",
        ),
        participants=source.participants,
        initiatives=source.initiatives,
        bottlenecks=source.bottlenecks,
        criteria=source.criteria,
    )

    def work(s):
        new_id = repo.insert_workshop(s, copy)
        repo.audit(s, new_id, "session.duplicate", source_session=session_id)
        return new_id

    return write(db, work)


def delete(db: Database, session_id: int) -> None:
    def work(s):
        title = repo.get_session_row(s, session_id).title
        repo.delete_session(s, session_id)
        repo.forget_deleted_boxes(s)
        repo.audit(s, None, "session.delete", session=session_id, title=title)

    write(db, work)


def sample_files() -> list[tuple[str, bytes]]:
    """The sample sessions shipped with the app, by name, sorted."""
    folder = resources.files(SAMPLE_PACKAGE)
    return sorted((entry.name.removesuffix(".json"), entry.read_bytes())
                  for entry in folder.iterdir() if entry.name.endswith(".json"))


@dataclasses.dataclass(frozen=True)
class SampleLoad:
    name: str
    title: str
    session_id: int
    loaded: bool  # False when it was already there


def load_samples(db: Database) -> list[SampleLoad]:
    """Load each sample session once (idempotent: recognised by its source tag)."""
    results = []
    for name, data in sample_files():
        tag = f"sample:{name}"
        with reading(db) as s:
            existing = repo.session_ids_by_source(s, tag)
        workshop = parse_session_bytes(data, f"sample {name}")
        if existing:
            results.append(SampleLoad(name, workshop.session.title, existing[0], False))
            continue
        results.append(SampleLoad(name, workshop.session.title, import_workshop(db, workshop, source=tag), True))
    return results


def is_empty(db: Database) -> bool:
    with reading(db) as s:
        return not repo.list_sessions(s)
