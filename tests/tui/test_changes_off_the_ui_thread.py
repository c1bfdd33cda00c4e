"""Every change other than a cast vote is written in the app's writer thread (tui/writes.py).

Issue 10, point 6: a round closed, a person added or a setting saved while another
program holds the database must not freeze the screen; the screen says it is waiting,
says "Saved" only once the change has committed, says plainly when it was NOT saved,
stops with a non-zero status on a bug, and quitting waits for a change in hand.
A real second sqlite3 connection holds the write lock, as another program would.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time

import pytest
from locking import WAIT_S, hold_write_lock, messages, until, until_stopped

from workshop_tui.services import editing
from workshop_tui.storage.engine import open_database
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.session import SessionScreen



def round_status(path, key) -> str:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT status FROM round WHERE key = ?", (key,)).fetchone()[0]


def people(path) -> list[str]:
    with sqlite3.connect(path) as con:
        return [row[0] for row in con.execute("SELECT name FROM participant ORDER BY id")]


async def close_round(pilot, app) -> None:
    """x, the question, y: as the facilitator closes the round on screen."""
    await pilot.press("x")
    await until(pilot, lambda: "Close round" in str(getattr(app.screen, "question", "")), "the question")
    await pilot.press("y")


async def open_stage(app, pilot, sid, stage):
    await pilot.pause()
    await app.push_screen(SessionScreen(sid, stage=stage))
    await until(pilot, lambda: isinstance(app.screen, SessionScreen) and app.screen.workshop is not None
                and app.screen.current == stage and app.screen.pane(stage).is_mounted, f"the {stage} stage")
    screen = app.screen
    # The stage's keys work once the focus is inside it (focus_first runs after a refresh).
    await until(pilot, lambda: screen.focused is not None and screen.pane(stage) in screen.focused.ancestors_with_self,
                f"the focus to be in the {stage} stage")
    return screen


async def test_closing_a_round_waits_for_a_locked_database_and_keys_go_on(sqlite_db):
    db, path, sid, key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        await until(pilot, lambda: screen.pane().check_action("close_round", ()), "the round to be closable")
        other = hold_write_lock(path)
        try:
            await close_round(pilot, app)
            banner = screen.query_one("#session-busy")
            await until(pilot, lambda: banner.display, "the saving banner")
            assert "Saving: waiting for the database" in str(banner.render())
            assert "closed" not in messages(app)  # not said before it is so
            assert round_status(path, key) == "open"
            await pilot.press("3")  # the screen still takes keys: another stage
            await until(pilot, lambda: screen.current == "initiatives", "the Initiatives stage")
        finally:
            other.execute("ROLLBACK")
            other.close()
        await until(pilot, lambda: round_status(path, key) == "closed", "the round to be closed")
        await until(pilot, lambda: f"Round {key} closed" in messages(app), "the closed note")
        await until(pilot, lambda: not banner.display, "the banner to go")


async def test_a_person_added_while_another_program_writes_is_saved_once_it_lets_go(sqlite_db):
    db, path, sid, _key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "participants")
        await pilot.press("a")
        box = screen.query_one("#participant-name")
        await until(pilot, lambda: box.has_focus, "the name box")
        other = hold_write_lock(path)
        try:
            await pilot.press(*"Eve Adams", "enter")
            await until(pilot, lambda: screen.query_one("#session-busy").display, "the saving banner")
            assert "Saved Eve Adams" not in messages(app)
            assert box.value == ""  # ready for the next name while this one waits
        finally:
            other.execute("ROLLBACK")
            other.close()
        await until(pilot, lambda: "Eve Adams" in people(path), "Eve to be stored")
        await until(pilot, lambda: "Saved Eve Adams" in messages(app), "the saved note")
        await until(pilot, lambda: any(p.name == "Eve Adams" for p in screen.workshop.participants),
                    "the table to be read again")


async def test_a_refused_change_gives_the_typed_name_back_and_stores_nothing(sqlite_db):
    db, path, sid, _key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "participants")
        await until(pilot, lambda: screen.pane().check_action("edit", ()) is not False, "the table")
        await pilot.press("e")  # Ana Silva, the first row
        box = screen.query_one("#participant-name")
        await until(pilot, lambda: box.has_focus and box.value == "Ana Silva", "Ana's name in the box")
        other = open_database(f"sqlite:///{path}")
        try:
            editing.delete_participant(other, sid, "ana")  # removed from another laptop meanwhile
        finally:
            other.dispose()
        await pilot.press("end", "!", "enter")
        await until(pilot, lambda: "no longer in this session" in messages(app), "the refusal")
        assert box.value == "Ana Silva!"  # given back to be put right, not lost
        assert "Ana Silva!" not in people(path) and app.is_running


async def test_a_change_the_database_cannot_take_is_reported_not_saved_and_nothing_changes(impatient_db):
    db, path, sid, key = impatient_db  # a lock that outlives every wait
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        await until(pilot, lambda: screen.pane().check_action("close_round", ()), "the round to be closable")
        other = hold_write_lock(path)
        try:
            await close_round(pilot, app)
            await until(pilot, lambda: "NOT saved" in messages(app), "the not-saved message")
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert "busy" in messages(app) and f"Round {key} closed" not in messages(app)
        assert round_status(path, key) == "open"
        assert app.is_running


async def test_a_bug_in_a_change_stops_the_app_with_a_non_zero_status(sqlite_db, monkeypatch):
    db, _path, sid, _key = sqlite_db

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not a refusal")

    monkeypatch.setattr(editing, "save_participant", broken)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    with pytest.raises(RuntimeError, match="a bug, not a refusal"):
        async with app.run_test(size=(120, 40)) as pilot:
            screen = await open_stage(app, pilot, sid, "participants")
            await pilot.press("a")
            await until(pilot, lambda: screen.query_one("#participant-name").has_focus, "the name box")
            await pilot.press(*"Eve", "enter")
            await asyncio.wait_for(until_stopped(app), WAIT_S)
    assert app.return_code == 1


async def test_quitting_waits_for_a_change_still_on_its_way(sqlite_db):
    db, path, sid, key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    other = None
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        await until(pilot, lambda: screen.pane().check_action("close_round", ()), "the round to be closable")
        other = hold_write_lock(path)
        await close_round(pilot, app)
        await until(pilot, lambda: app.writer.busy, "the change to be in the writer's hands")
        released = threading.Event()

        def let_go() -> None:  # the other program finishes a moment after the facilitator quits
            while not any("before quitting" in str(n.message) for n in list(app._notifications)):
                time.sleep(0.01)
            other.execute("ROLLBACK")
            released.set()

        threading.Thread(target=let_go, daemon=True).start()
        await pilot.press("ctrl+q")
        await asyncio.wait_for(until_stopped(app), WAIT_S)
    assert released.is_set()
    other.close()
    assert round_status(path, key) == "closed"  # written before the app stopped
    assert app.return_code in (0, None) and not getattr(app, "unsaved_on_exit", None)

