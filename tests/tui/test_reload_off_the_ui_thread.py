"""Reading the workshop never blocks the screen (issue 10 point 6, issue 15 point 1).

A real second sqlite3 connection holds the database as another program would; the
session is read in a worker thread while keys go on working, an older read never
replaces a newer picture, and the per-round figures of Results follow every change.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from locking import messages
from settle import settle
from stage_b_support import open_stage, screen_text

from workshop_tui.services import sessions, voting
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.session import SessionScreen
from workshop_tui.tui.widgets.vote_grid import VoteGrid


async def test_a_read_held_up_by_another_program_leaves_keys_working_and_then_shows_the_new_picture(sqlite_db):
    db, path, sid, _key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        grid = screen.query_one("#voting-grid", VoteGrid)
        assert grid.has_focus
        # Another program renames an initiative inside a write transaction it keeps open.
        other = sqlite3.connect(path, isolation_level=None, timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.execute("UPDATE initiative SET title = 'EPR renamed elsewhere' WHERE key = 'epr'")
            screen.reload()
            banner = screen.query_one("#session-busy")
            row = grid.cursor_row
            await pilot.press("down")  # the screen takes keys while the read waits
            await settle_until(pilot, lambda: grid.cursor_row == row + 1, "the cursor to move")
            await settle_until(pilot, lambda: banner.display, "the waiting banner")
            assert "Waiting for the database" in str(banner.render())
            assert screen.loading
            assert "EPR optimisation" in screen_text(app)  # the picture read before stays
        finally:
            other.execute("COMMIT")
            other.close()
        await settle(pilot, lambda: not screen.loading, "the read to finish")
        assert not banner.display
        assert "EPR renamed elsewhere" in screen_text(app)
        assert grid.cursor_row == row + 1  # the new picture keeps the place


async def settle_until(pilot, condition, what: str) -> None:
    """Wait for ``condition`` without waiting for the workers (one is held up on purpose)."""
    import time

    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await pilot.pause(0.02)


async def test_an_older_read_arriving_late_never_replaces_a_newer_picture(sqlite_db):
    from workshop_tui.services import editing

    db, _path, sid, _key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        old = sessions.load(db, sid)
        epr = old.initiative("epr")
        editing.save_initiative(db, sid, dataclasses.replace(epr, title="EPR, newer"))
        new = sessions.load(db, sid)
        # Two reads were asked for; the newer finishes first, the older after it.
        screen._generation += 2
        newer, older = screen._generation, screen._generation - 1
        screen.post_message(SessionScreen.Loaded(newer, new))
        screen.post_message(SessionScreen.Loaded(older, old))
        await settle(pilot)
        assert screen.workshop is new
        assert "EPR, newer" in screen_text(app)
        assert not screen.loading


async def test_results_are_worked_out_per_round_and_a_vote_makes_them_again(sqlite_db):
    db, _path, sid, key = sqlite_db
    desk = voting.open_desk(db, sid, key)
    desk.cast("ana", "epr", None, 2)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "results")
        pane = screen.pane("results")
        await settle(pilot, lambda: pane.ready(key), "the round's figures")
        first = pane.figures(key)
        assert "1 ballot counted" in screen_text(app)
        # Away and back with nothing changed: the figures are not worked out again.
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot, lambda: screen.current == "results")
        assert pane.figures(key) is first
        # A vote from another window, then this screen learns of a change: worked out again.
        voting.open_desk(db, sid, key).cast("ben", "wifi", None, 1)
        pane.changed()
        await settle(pilot, lambda: pane.figures(key) not in (None, first), "new figures")
        assert "2 ballots counted" in screen_text(app)


async def test_results_follow_a_round_that_gets_its_first_votes_until_the_facilitator_picks_one(sqlite_db):
    # Seen in a real terminal under load: Results opened on a picture read before the first
    # vote of the new round had arrived, chose the older round, and kept it once the vote did.
    db, _path, sid, first = sqlite_db
    voting.open_desk(db, sid, first).cast("ana", "epr", None, 2)
    second = voting.create_round(db, sid, method="dots")
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "results")
        pane = screen.pane("results")
        await settle(pilot, lambda: pane.ready(first), "the first round's figures")
        assert pane.round_key == first  # the new round has no votes yet
        voting.open_desk(db, sid, second).cast("ben", "wifi", None, 1)
        pane.changed()
        await settle(pilot, lambda: pane.ready(second), "the new round's figures")
        assert pane.round_key == second
        assert f"Round {second}" in screen_text(app)
        # The facilitator goes back a round: a later change keeps the round they chose.
        await pilot.press("left_square_bracket")
        await settle(pilot, lambda: pane.round_key == first)
        voting.open_desk(db, sid, second).cast("cat", "wifi", None, 1)
        pane.changed()
        await settle(pilot, lambda: pane.workshop is not None
                     and len(pane.workshop.round(second).votes) == 2, "the third vote to be read")
        assert pane.round_key == first


async def test_a_vote_the_writer_refuses_is_put_back_and_named_not_saved(sqlite_db):
    db, path, sid, key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        grid = screen.query_one("#voting-grid", VoteGrid)
        await pilot.press("enter")
        await settle(pilot, lambda: grid.entry, "entry mode")
        voting.close_round(db, sid, key)  # another window closes the round; this desk still thinks it open
        await pilot.press("1")
        await settle(pilot, lambda: "Not saved" in "\n".join(str(n.title) for n in app._notifications),
                     "the refusal")
        text = messages(app)
        assert "Ana Silva, EPR optimisation:" in text and "closed" in text
        assert str(grid.get_cell("epr", "ana")).strip() == ""
        with sqlite3.connect(path) as con:
            assert con.execute("SELECT count(*) FROM vote").fetchone()[0] == 0


async def test_a_stage_asked_for_twice_at_once_is_mounted_once_and_drawn_whole(sqlite_db):
    """A key pressed twice (or a key and the stepper) while the stage's pane is still being
    mounted: the second waits for the mount. It used to find the half-mounted pane and draw
    it, and the app stopped with NoMatches '#voting-rounds' (seen in a real terminal)."""
    import asyncio

    db, _path, sid, _key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "choices")
        assert not screen.query("#stage-voting")
        await asyncio.gather(screen.show_stage("voting"), screen.show_stage("voting"))
        await settle(pilot)
        assert screen.current == "voting" and len(screen.query("#stage-voting")) == 1
        assert screen.pane("voting").query_one("#voting-rounds").row_count == len(screen.workshop.rounds)
