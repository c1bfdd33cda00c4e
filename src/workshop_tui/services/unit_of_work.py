"""One user action, one transaction: committed before the caller says "done".

Writers queue rather than fail: on SQLite every transaction starts with
``BEGIN IMMEDIATE`` (see storage/engine.py) and waits up to the busy timeout;
on PostgreSQL a write transaction first takes a transaction-scoped advisory
lock, so two writers (two facilitators' laptops, or the app and the CLI) run
one after the other, just as on SQLite, and "the next id" style reads inside
a write cannot race. A write that still meets a lock, a deadlock or a
serialisation failure is retried whole, so it is never lost half-done.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import Session

from workshop_tui.storage.engine import SNAPSHOT, Database

T = TypeVar("T")
RETRIES = 6
# An arbitrary constant: "the workshop-tui writer" lock (pg_advisory_xact_lock).
PG_WRITE_LOCK = 0x5754_5549  # "WTUI"


@contextmanager
def transaction(db: Database) -> Iterator[Session]:
    """A session whose work is committed on a clean exit and rolled back on error."""
    with Session(db.engine, expire_on_commit=False) as s:
        try:
            if db.engine.dialect.name == "postgresql":
                s.exec(text("SELECT pg_advisory_xact_lock(:k)").bindparams(k=PG_WRITE_LOCK))
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    with Session(db.engine, expire_on_commit=False) as s:
        yield s


@contextmanager
def snapshot(db: Database) -> Iterator[Session]:
    """A read of the last committed state that takes no lock (``reading`` on SQLite takes
    the write lock, so that a read waits for another program's write under way). For reads
    that must not hold up the writer nor wait for it: the phones' pages and the redraw
    after their ballots, which run beside thirty ballots being written. PostgreSQL reads
    take no lock either way."""
    with Session(db.engine, expire_on_commit=False) as s:
        s.connection(execution_options={SNAPSHOT: True})
        yield s


# SQLSTATEs worth retrying on PostgreSQL: serialization_failure, deadlock_detected,
# lock_not_available.
_PG_RETRY_STATES = {"40001", "40P01", "55P03"}


def _is_transient(exc: DBAPIError) -> bool:
    orig = exc.orig
    state = getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)
    if state in _PG_RETRY_STATES:
        return True
    if not isinstance(exc, OperationalError):
        return False
    message = str(orig if orig is not None else exc).lower()
    return "locked" in message or "busy" in message


# Kept for callers that used the old name.
def _is_locked(exc: OperationalError) -> bool:
    return _is_transient(exc)


def write(db: Database, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a transaction, retrying when another process holds the lock.

    SQLite's busy timeout already waits; this covers the rarer case where the
    lock outlives it, so a write is retried rather than lost. ``work`` may run
    more than once, so it must only touch the database through ``s``.
    """
    for attempt in range(RETRIES):
        try:
            with transaction(db) as s:
                return work(s)
        except DBAPIError as exc:
            if not _is_transient(exc) or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (2**attempt))
    raise AssertionError("unreachable")


def use_case(db: Database, session_id: int, action: "str | Callable[[T], str]", work: Callable[[Session], T], *,
             audit: "dict | Callable[[T], dict] | None" = None) -> T:
    """One user action on a session: ``work`` in one transaction, then its audit
    row and the session's ``updated_at``, committed together (retried whole by
    ``write``). ``action`` names it in the log and ``audit`` is the detail; either
    may be a function of ``work``'s result when it depends on what was saved.
    """
    from workshop_tui.storage import repository as repo

    def run(s: Session) -> T:
        result = work(s)
        detail = audit(result) if callable(audit) else (audit or {})
        repo.audit_now(s, session_id, action(result) if callable(action) else action, **detail)
        repo.touch(s, session_id)
        return result

    return write(db, run)
