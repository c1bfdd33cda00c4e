"""Shared by the tests where another program holds the database: the lock, the waits, the messages."""

from __future__ import annotations

import asyncio
import sqlite3
import time

WAIT_S = 30.0


def hold_write_lock(path) -> sqlite3.Connection:
    """Another program in the middle of a write transaction: holds the lock until ROLLBACK.
    (check_same_thread off: a test may let go from another thread.)"""
    other = sqlite3.connect(path, isolation_level=None, timeout=0, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    return other


async def until(pilot, condition, what: str) -> None:
    """Wait for ``condition()``; the limit only turns a hang into a clear failure."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.02)


async def until_stopped(app) -> None:
    while app.is_running:
        await asyncio.sleep(0.02)


def messages(app) -> str:
    """Every notification shown so far, one per line."""
    return "\n".join(str(n.message) for n in app._notifications)
