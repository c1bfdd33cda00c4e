"""The reveal flow offers (never makes) the plan switch; the round form asks the minimum group."""

from __future__ import annotations

from settle import settle
from stage_b_support import nhs_session, open_stage, screen_text
from textual.widgets import Checkbox, Input

from workshop_tui.services import choices, sessions, voting
from workshop_tui.tui.app import WorkshopApp


async def test_revealing_a_later_round_offers_the_switch_and_keeps_the_plan_unless_asked(db):
    sid = nhs_session(db)
    key = voting.create_round(db, sid, method="dots", title="Second look", hidden=True)
    w = sessions.load(db, sid)
    desk = voting.open_desk(db, sid, key, w)
    low = [i.key for i in w.initiatives][-2:]
    for p in w.participants[:3]:
        desk.cast(p.key, low[0], None, 2)
        desk.cast(p.key, low[1], None, 1)
    before = choices.plan(sessions.load(db, sid))
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_stage(app, pilot, sid, "voting")
        assert app.screen.pane().round_key == key
        await pilot.press("r", "y")
        await settle(pilot)
        assert f"Round {key} can now be shown: switch the plan to it?" in getattr(app.screen, "question", "")
        await pilot.press("n")  # keep the plan
        await settle(pilot)
        after = sessions.load(db, sid)
        assert after.round(key).hidden is False
        assert choices.plan(after) == before and after.session.plan_round == "r4"
        await pilot.press("8")
        await settle(pilot)
        assert app.screen.pane().round_key == "r4"
        await pilot.press("right_square_bracket")  # the facilitator chooses: the plan moves to the next round, pinned
        await settle(pilot)
        assert sessions.load(db, sid).session.plan_round == key


async def test_the_round_form_asks_the_minimum_group_of_a_secret_round(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(140, 45)) as pilot:
        await open_stage(app, pilot, sid, "voting")
        await pilot.press("n")
        await settle(pilot)
        assert "Minimum group" not in screen_text(app)  # only for secret ballots
        app.screen.query_one("#round-anonymous", Checkbox).value = True
        await settle(pilot)
        assert "Minimum group" in screen_text(app)
        box = app.screen.query_one("#round-min-group", Input)
        assert box.value == "3"
        box.value = "5"
        await pilot.press("ctrl+s")
        await settle(pilot)
    rnd = sessions.load(db, sid).rounds[-1]
    assert rnd.anonymous and rnd.min_group == 5
