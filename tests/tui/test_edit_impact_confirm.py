"""The confirmation before an edit that changes votes says which rounds and what happens."""

from __future__ import annotations

from fractions import Fraction

from textual.widgets import DataTable, Input, Static

from settle import settle

from workshop_tui.domain import results
from workshop_tui.services import sessions


async def open_stage(app, pilot, session_id, stage):
    await settle(pilot)
    app.screen.open_session(session_id, stage)
    await settle(pilot)
    return app.screen.pane()


def question(app) -> str:
    return str(app.screen.query_one("#confirm-question", Static).render())


async def test_removing_a_ranked_initiative_shows_the_rounds_and_keeps_the_ballots(make_app, db, sample_session):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_stage(app, pilot, sample_session, "initiatives")
        keys = [i.key for i in sessions.load(db, sample_session).initiatives]
        pane.query_one("#initiatives-table", DataTable).move_cursor(row=keys.index("vwards"))
        pane.action_remove()
        await settle(pilot)
        text = question(app)
        assert "Round r4" in text and "6 ranking ballot(s)" in text and "taken out of them" in text
        assert "Round r3" in text and "40 vote(s)" in text
        await pilot.click("#confirm-yes")
        await settle(pilot)
    workshop = sessions.load(db, sample_session)
    assert "vwards" not in {i.key for i in workshop.initiatives}
    assert results.round_result(workshop, "r4").counted == 11


async def test_lowering_a_scale_asks_with_the_impact_and_keeping_it_saves_nothing(make_app, db, sample_session):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        pane = await open_stage(app, pilot, sample_session, "criteria")
        target = next(c for c in sessions.load(db, sample_session).criteria if c.key == "impact")
        pane._criterion_form(target)
        await settle(pilot)
        app.screen.query_one("#form-max", Input).value = "3"
        await pilot.click("#form-save")
        await settle(pilot)
        text = question(app)
        assert "Round r3" in text and "above the new maximum 3" in text and "re-ranks" in text
        await pilot.click("#confirm-no")
        await settle(pilot)
        assert next(c for c in sessions.load(db, sample_session).criteria if c.key == "impact").max == 5
        pane._criterion_form(target)
        await settle(pilot)
        app.screen.query_one("#form-max", Input).value = "3"
        await pilot.click("#form-save")
        await settle(pilot)
        await pilot.click("#confirm-yes")
        await settle(pilot)
    workshop = sessions.load(db, sample_session)
    assert next(c for c in workshop.criteria if c.key == "impact").max == Fraction(3)
    assert results.round_result(workshop, "r3").counted == 10
