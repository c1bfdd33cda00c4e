"""Issue 11, the last defects found in a real terminal: the home list at 80 columns, a
dialog opened by Enter just as Escape leaves the stage, and the demand grid's entry mode."""

from __future__ import annotations

import datetime

from settle import settle
from stage_b_support import open_stage, screen_text
from textual import events

from workshop_tui.domain import model as m
from workshop_tui.services import editing, sessions
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.home import HomeScreen
from workshop_tui.tui.screens.session import SessionScreen


def app_for(db) -> WorkshopApp:
    return WorkshopApp(db=db, load_samples_when_empty=False)


async def test_the_organisation_column_reads_as_more_than_its_ends_at_80_columns(db):
    sessions.create(db, m.SessionInfo(title="Digital strategy: where to start",
                                      organisation="Calder Valley NHS Foundation Trust",
                                      date=datetime.date(2027, 3, 4), stage="bandwidth"))
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.ready)
        text = screen_text(pilot.app)
        row = next(line for line in text.splitlines() if "Digital" in line)
        # Was "Calder…Trust": 12 columns cut in the middle. Now wider, and cut at its end.
        assert "Calder Valley NHS" in row
        assert "Digital stra" in row and "to start" in row  # the title, cut in the middle as before
        assert "2027-03-04" in row and "Bandwidth" in row  # date and stage kept
        assert "0 initiatives, 0 people" in text  # the counts, in the line above the list


async def test_the_home_list_keeps_its_count_columns_when_wide(db):
    sessions.create(db, m.SessionInfo(title="Board", organisation="Calder Valley NHS Foundation Trust"))
    async with app_for(db).run_test(size=(120, 30)) as pilot:
        await settle(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.ready)
        header = next(line for line in screen_text(pilot.app).splitlines() if "Organisation" in line)
        assert "Items" in header and "People" in header


async def test_escape_right_after_enter_never_leaves_a_dialog_over_the_sessions_list(db, sample_bytes):
    """Enter on a table asks its pane by message; an Escape queued at once used to leave the
    session first, and the dialog then opened over the sessions list with no session under it
    (found in tmux: Choices, Enter for the reasons, Escape at once). Keys now go one at a time
    (tui/typeahead.py): Enter opens the reasons, the Escape typed after it closes them, and
    the session stays, with nothing over it."""
    sid = sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "sample")
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "choices")
        app.post_message(events.Key("enter", "\r"))
        app.post_message(events.Key("escape", "\x1b"))
        await settle(pilot)
        assert [type(s) for s in app.screen_stack] == [HomeScreen, SessionScreen]
        assert app.screen.current == "choices"


async def test_the_demand_grid_takes_digits_only_in_entry_mode_and_says_so(db):
    sid = sessions.create(db, m.SessionInfo(title="Board", bandwidth=2))
    editing.save_initiative(db, sid, m.Initiative(key="", title="EPR upgrade"))
    editing.save_bottleneck(db, sid, "IG review", 4, "days")
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "bandwidth")
        grid = screen.query_one("#demand-grid")
        grid.focus()
        await pilot.press("right")
        await settle(pilot, lambda: grid.has_focus)
        assert not grid.entry and "Enter: start typing numbers" in str(grid.border_title)
        await pilot.press("3")  # not entering: a stage key
        await settle(pilot, lambda: screen.current == "initiatives")
        assert sessions.load(db, sid).initiatives[0].demands == {}
        await pilot.press("5")
        await settle(pilot, lambda: screen.current == "bandwidth")
        grid = screen.query_one("#demand-grid")
        grid.focus()
        await settle(pilot, lambda: grid.has_focus)
        grid.move_cursor(column=2)
        await pilot.press("enter")
        await settle(pilot, lambda: grid.entry)
        assert grid.has_class("-entry") and "ENTERING" in str(grid.border_title)
        await pilot.press("4", "enter")
        await settle(pilot)
        assert screen.current == "bandwidth"  # the digit was a number, not stage 4
        ig = sessions.load(db, sid).bottlenecks[0].key
        assert sessions.load(db, sid).initiatives[0].demands == {ig: 4}
        await pilot.press("escape")
        await settle(pilot, lambda: not grid.entry)
        assert grid.has_focus and "ENTERING" not in str(grid.border_title)


async def test_undoing_a_persons_only_vote_on_screen_makes_them_not_voted_and_free_to_abstain(db):
    """Issue 11's undo phantom, on the screen: after u they are "not voted yet" again and a works."""
    from stage_b_support import small_session

    from workshop_tui.services import voting
    from workshop_tui.tui.widgets.vote_grid import VoteGrid

    sid = small_session(db)
    voting.create_round(db, sid, method="dots", title="Live dots")
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        grid = screen.query_one("#voting-grid", VoteGrid)
        await settle(pilot, lambda: grid.has_focus)
        await pilot.press("enter", "1")
        await settle(pilot, lambda: "Voted 1 of 4" in screen_text(app))
        await pilot.press("escape", "up")  # back on Ana's cell, out of entry mode
        await pilot.press("u")
        await settle(pilot, lambda: "Voted 0 of 4" in screen_text(app))
        assert "not voted yet (4)" in screen_text(app)
        await pilot.press("a")  # abstain: refused while the phantom vote counted
        await settle(pilot, lambda: "abstaining" in screen_text(app))
        assert "Not saved" not in "\n".join(str(n.message) for n in app._notifications)


async def test_a_partial_secret_matrix_ballot_says_incomplete_before_the_one_way_submit(db):
    from stage_b_support import small_session

    from workshop_tui.services import voting
    from workshop_tui.tui.screens.private_ballot import PrivateBallotScreen

    sid = small_session(db)
    key = voting.create_round(db, sid, method="matrix", title="Scores", anonymous=True)
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(PrivateBallotScreen(sid, key))
        await settle(pilot, lambda: isinstance(app.screen, PrivateBallotScreen))
        await pilot.press("enter")  # the first name
        await settle(pilot, lambda: app.screen.step == "ballot")
        await pilot.press("7")  # one score of 12
        await settle(pilot, lambda: bool(app.screen.draft))
        await pilot.press("ctrl+s")
        await settle(pilot, lambda: app.screen.step == "review")
        text = screen_text(app)
        assert "Your ballot is INCOMPLETE: 6 of 6 initiatives are not fully scored" in text
        assert "Patient benefit: 1 of 6 scored, total 7" in text
