"""After votes typed on the grid, the other stages read again only the round that changed
(issue 15 point 1: cache per round, invalidate on change).

On the NHS sample (three rounds with votes, a plan pinned to the matrix round) plus a new
dots round, a vote is typed on the real grid of a real SQLite file. Results then shows it
from a read of that round alone: every other part of the picture is the same object as
before, the plan made from the matrix round is kept rather than made again, and the
Voting stage shown again keeps its grid instead of rebuilding 14 x 12 cells. A change to
anything else (a title, here) is still a whole read.
"""

from __future__ import annotations

import dataclasses
import sqlite3

from locking import until
from settle import settle
from stage_b_support import nhs_session, screen_text

from workshop_tui.services import choices, editing, sessions, voting
from workshop_tui.storage.engine import open_database
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.session import SessionScreen
from workshop_tui.tui.widgets.vote_grid import VoteGrid


def stored_votes(path, key) -> int:
    with sqlite3.connect(path) as con:
        return con.execute("SELECT count(*) FROM vote v JOIN round r ON v.round_id = r.id WHERE r.key = ?",
                           (key,)).fetchone()[0]


async def test_a_typed_vote_is_read_back_alone_and_figures_of_other_rounds_are_kept(tmp_path):
    path = tmp_path / "workshop.db"
    db = open_database(f"sqlite:///{path}")
    try:
        sid = nhs_session(db)
        choices.set_plan_round(db, sid, "r3")
        key = voting.create_round(db, sid, method="dots", title="Second look")
        app = WorkshopApp(db=db, load_samples_when_empty=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await app.push_screen(SessionScreen(sid, stage="choices"))
            screen = app.screen
            await settle(pilot, lambda: screen.workshop is not None and screen.current == "choices"
                         and screen.pane("choices").plan_for("r3") is not None, "the plan from r3")
            plan = screen.pane("choices").plan_for("r3")
            await pilot.press("6")
            await until(pilot, lambda: screen.current == "voting" and bool(screen.query("#voting-grid")),
                        "the voting grid")
            voting_pane = screen.pane("voting")
            assert voting_pane.round_key == key
            grid = screen.query_one("#voting-grid", VoteGrid)
            await until(pilot, lambda: grid.has_focus, "the grid to have the focus")
            rows = grid.row_keys
            await pilot.press("enter")
            await until(pilot, lambda: grid.entry, "entry mode")
            await pilot.press("1")
            await until(pilot, lambda: stored_votes(path, key) == 1 and screen._stale_rounds == {key},
                        "the vote to be saved and the screen to know its round changed")
            before = screen.workshop
            await pilot.press("escape")  # out of entry mode: 7 is a stage again, not a vote
            await until(pilot, lambda: not grid.entry, "entry mode left")

            await pilot.press("7")
            await until(pilot, lambda: screen.current == "results", "the Results stage")
            results = screen.pane("results")
            await settle(pilot, lambda: screen.workshop is not before and not screen.loading
                         and results.round_key == key and results.ready(key), "the new round's figures")
            after = screen.workshop
            assert len(after.round(key).votes) == 1
            assert after.round(key) is not before.round(key)
            for rnd in before.rounds:
                if rnd.key != key:
                    assert after.round(rnd.key) is rnd, f"round {rnd.key} was read again"
            for field in ("session", "participants", "initiatives", "criteria", "bottlenecks", "decisions"):
                assert getattr(after, field) is getattr(before, field), field
            assert "1 ballot counted" in screen_text(app)
            whole = sessions.load(db, sid)
            # The picture is what a whole read gives (but for the stage the screen remembers as it
            # goes, which it writes and does not read back).
            assert after == dataclasses.replace(whole, session=dataclasses.replace(whole.session,
                                                                                   stage=after.session.stage))

            await pilot.press("8")
            await settle(pilot, lambda: screen.current == "choices")
            assert screen.pane("choices").plan_for("r3") is plan  # made from r3, which no vote touched

            await pilot.press("6")
            await settle(pilot, lambda: screen.current == "voting")
            assert grid.row_keys is rows  # not rebuilt: the same rows, the vote still shown
            assert str(grid.get_cell(rows[0], after.participants[0].key)).strip() == "1"

            # Anything else changed: a whole read, and the plan is made again.
            epr = after.initiatives[0]
            editing.save_initiative(db, sid, dataclasses.replace(epr, title=epr.title + " (renamed)"))
            voting_pane.changed()
            await settle(pilot, lambda: screen.workshop.initiatives is not after.initiatives, "a whole read")
            await pilot.press("8")
            await settle(pilot, lambda: screen.pane("choices").plan_for("r3") is not None, "the plan again")
            assert screen.pane("choices").plan_for("r3") is not plan
            assert "(renamed)" in screen_text(app)
    finally:
        db.dispose()
