"""Focused tests for what the whole-workshop test found awkward for a facilitator."""

from __future__ import annotations

from settle import settle
from stage_b_support import nhs_session, open_stage, screen_text, small_session
from textual.widgets import DataTable

from workshop_tui.domain import model as m
from workshop_tui.services import editing, sessions, voting
from workshop_tui.tui.app import WorkshopApp


async def test_setup_opens_with_no_box_focused_and_tab_reaches_the_title_box(db):
    sid = sessions.create(db, m.SessionInfo(title="Board"))
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "setup")
        # Nothing editable on arrival: a stage key typed here must not land in the title.
        assert app.focused is None
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused.id == "setup-title"
        await pilot.press("down", *"Sam", "enter")
        await settle(pilot)
        assert sessions.load(db, sid).session.organisation == "Sam"


async def test_choosing_a_discipline_returns_to_the_name_box_so_enter_saves(db):
    sid = sessions.create(db, m.SessionInfo(title="Board"))
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "participants")
        await pilot.press("a", *"Priya", "tab", "enter", "down", "enter")  # a: to the name box; Nursing
        await settle(pilot)
        assert app.focused.id == "participant-name"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"Tom", "tab", "enter", "enter")  # the same discipline again
        await settle(pilot)
        assert app.focused.id == "participant-name"
        await pilot.press("enter")
        await settle(pilot)
        assert [(p.name, p.role) for p in sessions.load(db, sid).participants] == [
            ("Priya", "nursing"), ("Tom", "nursing")]


async def test_escape_stops_entering_demands_so_number_keys_change_stage(db):
    sid = sessions.create(db, m.SessionInfo(title="Board", bandwidth=2))
    editing.save_initiative(db, sid, m.Initiative(key="", title="EPR upgrade"))
    editing.save_bottleneck(db, sid, "IG review", 4, "days")
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "bandwidth")
        grid = screen.query_one("#demand-grid", DataTable)
        grid.focus()
        await pilot.press("right", "enter", "3", "escape")  # Escape first abandons the typing
        await settle(pilot)
        assert app.focused.id == "demand-grid" and grid.entry
        await pilot.press("escape")  # then stops entering
        await settle(pilot)
        assert app.focused.id == "demand-grid" and not grid.entry
        await pilot.press("6")
        await settle(pilot, lambda: screen.current == "voting")
        assert sessions.load(db, sid).initiatives[0].demands == {}


async def test_the_gate_checks_are_not_offered_as_a_voting_round(db):
    sid = small_session(db)
    editing.apply_template(db, sid, "nhs")
    editing.record_gate(db, sid, "epr", "no_showstopper", True, "")
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "voting")
        text = screen_text(app)
        assert "No voting rounds yet. Press n to create the first round." in text
        assert "Exemplar gates" not in text and "Close round" not in text and "not voted yet" not in text
        await pilot.press("x")  # nothing to close: the gate checks stay open
        await settle(pilot)
        after = sessions.load(db, sid)
        assert after.rounds == () and len(after.gate_sheets[0].assessments) == 1  # gate checks are no round
    key = voting.create_round(db, sid, method="dots")
    assert key == "r1" and sessions.load(db, sid).round(key).title == "Dot voting (round 1)"


async def test_results_keep_the_sd_column_behind_details_and_show_it_on_d(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "results")
        assert " SD " not in screen_text(app)
        await pilot.press("d")
        await settle(pilot)
        assert " SD " in screen_text(app)


async def test_money_has_thousands_separators(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "choices")
        text = screen_text(app)
        budget = next(line for line in text.splitlines() if line.strip().startswith("Budget"))
        assert " of 2,500,000" in budget
        await pilot.press("3")
        await settle(pilot)
        table = app.screen.query_one("#initiatives-table", DataTable)
        costs = [str(table.get_row_at(n)[4]) for n in range(table.row_count)]
        assert any("," in c for c in costs)
        assert all("," in c for c in costs if c and float(c.replace(",", "")) >= 1000)
