"""One user action, one transaction: committed before the caller says "done"."""

from __future__ import annotations

import time
from contextlib import contextmanager
from typing import Callable, Iterator, TypeVar

from sqlalchemy.exc import OperationalError
from sqlmodel import Session

from workshop_tui.storage.engine import Database

T = TypeVar("T")
RETRIES = 5


@contextmanager
def transaction(db: Database) -> Iterator[Session]:
    """A session whose work is committed on a clean exit and rolled back on error."""
    with Session(db.engine, expire_on_commit=False) as s:
        try:
            yield s
            s.commit()
        except BaseException:
            s.rollback()
            raise


@contextmanager
def reading(db: Database) -> Iterator[Session]:
    with Session(db.engine, expire_on_commit=False) as s:
        yield s


def _is_locked(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "locked" in text or "busy" in text


def write(db: Database, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a transaction, retrying when another process holds the lock.

    SQLite's busy timeout already waits; this covers the rarer case where the
    lock outlives it, so a write is retried rather than lost.
    """
    for attempt in range(RETRIES):
        try:
            with transaction(db) as s:
                return work(s)
        except OperationalError as exc:
            if not _is_locked(exc) or attempt == RETRIES - 1:
                raise
            time.sleep(0.05 * (2**attempt))
    raise AssertionError("unreachable")
