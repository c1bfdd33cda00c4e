"""Pilot tests for stages 7-10: vote two ways, reveal, read the results and the plan,
override one outcome and add actions; asserting on what is stored and what is shown."""

from __future__ import annotations

from settle import settle
from stage_b_support import nhs_session, open_stage, screen_text, small_session
from workshop_tui.services import sessions, voting
from workshop_tui.tui.app import WorkshopApp


def votes(db, sid, key):
    return sessions.load(db, sid).round(key).votes


async def test_a_dots_round_by_facilitator_entry_is_saved_per_keypress(db):
    sid = small_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_stage(app, pilot, sid, "voting")
        assert "No voting rounds yet" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press("ctrl+s")  # dots, defaults: B = 2, c = 2
        await settle(pilot)
        [rnd] = sessions.load(db, sid).rounds
        assert (rnd.method, rnd.status, rnd.settings["budget"]) == ("dots", "open", 2)
        assert app.focused.id == "voting-grid"
        await pilot.press("enter", "1", "1")  # entry mode; Ana: EPR, then e-Observations (the cursor moves down)
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert [(v.participant, v.initiative, v.value, v.channel) for v in votes(db, sid, rnd.key)] == [
            ("ana", "epr", 1, "facilitator"), ("ana", "eobs", 1, "facilitator")]
        assert "Ana Silva: 0 of 2 dots left" in screen_text(app)
        await pilot.press("1")  # over Ana's budget: refused, nothing stored
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert len(votes(db, sid, rnd.key)) == 2
        await pilot.press("f", "right", "2")  # paper cards, Ben on Wi-Fi
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert ("ben", "wifi", 2, "paper") in [(v.participant, v.initiative, v.value, v.channel)
                                              for v in votes(db, sid, rnd.key)]
        await pilot.press("u")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert [v.participant for v in votes(db, sid, rnd.key)] == ["ana", "ana"]
        await pilot.press("right", "right", "a")  # Dev abstains
        await settle(pilot)
        assert sessions.load(db, sid).round(rnd.key).abstained == ("dev",)
        assert "abstained: Dev Patel" in screen_text(app)
        await pilot.press("left")  # Cat's column: her name is shown as typed, never as markup
        await settle(pilot)
        assert "Cat [b]Jones[/b]: 2 of 2 dots left" in screen_text(app)
        await pilot.press("r", "y")
        await settle(pilot)
        rnd = sessions.load(db, sid).round(rnd.key)
        assert (rnd.status, rnd.hidden) == ("closed", False)


async def test_a_matrix_round_by_private_ballots_then_results_plan_override_and_actions(db):
    sid = small_session(db)
    key = voting.create_round(db, sid, method="matrix", anonymous=True, hidden=True)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_stage(app, pilot, sid, "voting")
        ballots = [("8", "4", "6", "2"), ("9", "5", "3", "1"), ("1", "0", "3", "7", "2")]
        for n, typed in enumerate(ballots):
            await pilot.press("p")
            await settle(pilot)
            await pilot.press("enter")  # the first person who has not voted
            await settle(pilot)
            assert "dots left" not in screen_text(app) and "Your ballot" in screen_text(app)
            await pilot.press(*typed)
            await pilot.press("ctrl+s")
            await settle(pilot)
            await pilot.press("enter")  # submit from the review
            await settle(pilot)
            assert "Pass the laptop back to the facilitator" in screen_text(app)
            assert "Your ballot" not in screen_text(app)
            await pilot.press("f")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        rnd = sessions.load(db, sid).round(key)
        assert rnd.voted == ("ana", "ben", "cat")
        assert {v.participant for v in rnd.votes} == {None} and len({v.ballot for v in rnd.votes}) == 3
        assert {v.channel for v in rnd.votes} == {"private"}
        assert "Voted 3 of 4" in screen_text(app)

        await pilot.press("7")
        await settle(pilot)
        assert "hidden until the round is revealed" in screen_text(app)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("r", "y")
        await settle(pilot)
        await pilot.press("7")
        await settle(pilot)
        text = screen_text(app)
        assert "3 ballots counted" in text and "EPR optimisation" in text and "Scores" in text

        await pilot.press("8")
        await settle(pilot)
        text = screen_text(app)
        assert "cut line" in text and "2 of 2 slots used" in text
        plan_first = app.screen.pane().plan.will_do[0].initiative
        await pilot.press("x")
        await settle(pilot)
        await pilot.press("enter")  # a reason is required
        await settle(pilot)
        assert sessions.load(db, sid).decisions == ()
        await pilot.press(*"Contract", "enter")
        await settle(pilot)
        [decision] = sessions.load(db, sid).decisions
        assert decision.outcome == "exclude" and decision.rationale == "Contract"
        assert plan_first not in [i.initiative for i in app.screen.pane().plan.will_do]

        await pilot.press("9")
        await settle(pilot)
        assert "No actions yet" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Go live on AMU", "tab", *"Deputy Chief Nurse", "tab", *"95% e-obs", "tab",
                          *"2027-06-31", "enter")
        await settle(pilot)
        assert sessions.load(db, sid).actions == ()  # not a date
        await pilot.press("backspace", "0", "enter")
        await settle(pilot)
        [action] = sessions.load(db, sid).actions
        assert (action.owner, action.due.isoformat()) == ("Deputy Chief Nurse", "2027-06-30")
        assert "each with an owner, a measure and a due date" in screen_text(app)


async def test_the_sample_session_shows_results_with_moves_and_its_recorded_override(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "results")
        text = screen_text(app)
        assert "compared with r3" in text and "↑5" in text and "room split" in text and "=10" in text
        await pilot.press("8")
        await settle(pilot)
        assert "Will do*" in screen_text(app)
