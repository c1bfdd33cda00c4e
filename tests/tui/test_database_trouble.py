"""A busy or failing database never freezes or kills the voting screen.

A real second sqlite3 connection holds the write lock, as another process
importing a large file would; the app must keep taking keys, say it is waiting,
save the vote once the lock goes, or say plainly that it was NOT saved.
"""

from __future__ import annotations

import asyncio
import sqlite3

import pytest
from locking import WAIT_S, hold_write_lock, messages, until, until_stopped

from workshop_tui.services import editing, voting
from workshop_tui.storage.engine import open_database
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.session import SessionScreen
from workshop_tui.tui.widgets.vote_grid import VoteGrid



def stored(path, key) -> list[tuple]:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT p.key, i.key, v.value FROM vote v JOIN round r ON v.round_id = r.id "
                           "JOIN participant p ON v.participant_id = p.id JOIN initiative i ON v.initiative_id = i.id "
                           "WHERE r.key = ?", (key,)).fetchall()


async def open_voting(app, pilot, sid) -> VoteGrid:
    await pilot.pause()
    await app.push_screen(SessionScreen(sid, stage="voting"))
    # The session is read in a thread: the grid appears once the read arrives.
    await until(pilot, lambda: bool(app.screen.query("#voting-grid")), "the voting grid")
    grid = app.screen.query_one("#voting-grid", VoteGrid)
    await until(pilot, lambda: grid.has_focus, "the grid to have the focus")
    await pilot.press("enter")
    await until(pilot, lambda: grid.entry, "entry mode")
    return grid


async def test_a_vote_waits_for_a_locked_database_and_input_goes_on(sqlite_db):
    db, path, sid, key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await open_voting(app, pilot, sid)
        other = hold_write_lock(path)
        try:
            await pilot.press("1")  # Ana, EPR: queued behind the lock
            banner = app.screen.query_one("#voting-busy")
            await until(pilot, lambda: banner.display, "the waiting banner")
            assert "Waiting for the database" in str(banner.render())
            assert str(grid.get_cell("epr", "ana")).strip() == "1"  # shown at once, not yet saved
            row = grid.cursor_row
            await pilot.press("down")  # the screen still takes keys
            await until(pilot, lambda: grid.cursor_row == row + 1, "the cursor to move while the lock is held")
            assert stored(path, key) == []
        finally:
            other.execute("ROLLBACK")
            other.close()
        await until(pilot, lambda: stored(path, key) == [("ana", "epr", "1")] or stored(path, key) == [
            ("ana", "epr", 1)], "the vote to be committed after the lock went")
        await app.workers.wait_for_complete()
        await until(pilot, lambda: not banner.display, "the banner to go")
        assert str(grid.get_cell("epr", "ana")).strip() == "1"
        assert "Ana Silva: 1 of" in "\n".join(str(s.render()) for s in app.screen.query("#voting-person"))


async def test_a_vote_the_database_cannot_take_is_reported_not_saved(impatient_db):
    db, path, sid, key = impatient_db  # a lock that outlives every wait
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await open_voting(app, pilot, sid)
        other = hold_write_lock(path)
        try:
            await pilot.press("2")
            await until(pilot, lambda: "NOT saved" in messages(app), "the not-saved message")
            await app.workers.wait_for_complete()
            await pilot.pause()
        finally:
            other.execute("ROLLBACK")
            other.close()
        text = messages(app)
        assert "Ana Silva, EPR optimisation: NOT saved" in text and "busy" in text
        assert str(grid.get_cell("epr", "ana")).strip() == ""  # put back: nothing was stored
        assert stored(path, key) == []
        assert grid.cursor_row == 0  # back on the cell that was not saved
        await pilot.press("2")  # the lock has gone: typing it again saves it
        await until(pilot, lambda: len(stored(path, key)) == 1, "the vote typed again")
        assert app.is_running


async def test_a_participant_removed_by_another_program_is_a_message_not_a_crash(sqlite_db):
    db, path, sid, key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        grid = await open_voting(app, pilot, sid)
        other = open_database(f"sqlite:///{path}")
        try:
            editing.delete_participant(other, sid, "ana")  # another laptop or the CLI
        finally:
            other.dispose()
        await pilot.press("1")
        await until(pilot, lambda: "Ana Silva" in messages(app), "a message naming Ana")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.is_running
        assert str(grid.get_cell("epr", "ana")).strip() == ""
        assert stored(path, key) == []


async def test_an_unexpected_error_stops_the_app_with_a_non_zero_status(sqlite_db, monkeypatch):
    db, path, sid, key = sqlite_db

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not a refusal")

    monkeypatch.setattr(voting.RoundDesk, "cast", broken)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    with pytest.raises(RuntimeError, match="a bug, not a refusal"):
        async with app.run_test(size=(120, 40)) as pilot:
            await open_voting(app, pilot, sid)
            await pilot.press("1")
            await asyncio.wait_for(until_stopped(app), WAIT_S)
    assert app.return_code == 1
    assert app.unsaved_on_exit == ["Ana Silva, EPR optimisation = 1"]

