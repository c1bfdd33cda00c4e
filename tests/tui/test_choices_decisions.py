"""The Choices pane: the detail panel at 80x24, Enter for every reason, override kinds with a preview."""

from __future__ import annotations

from settle import settle
from stage_b_support import nhs_session, open_stage, screen_text
from textual.widgets import DataTable, Static

from workshop_tui.services import sessions
from workshop_tui.tui.app import WorkshopApp


def _move_to(app, title: str) -> None:
    table = app.screen.query_one("#choices-table", DataTable)
    for n in range(table.row_count):
        if str(table.get_row_at(n)[3]).startswith(title[:20]):
            table.move_cursor(row=n)
            return
    raise AssertionError(f"{title} is not in the table")


async def test_the_detail_panel_shows_the_full_reason_of_the_highlighted_row_at_80x24(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage(app, pilot, sid, "choices")
        _move_to(app, "Closed-loop medicines administration")
        await settle(pilot)
        detail = " ".join(str(app.screen.query_one("#choices-detail", Static).render()).split())
        # Four binding constraints are more than the panel holds: it says where the rest is.
        assert detail.startswith("Not now: Closed-loop medicines administration. Not selected: needs 1,600,000")
        assert detail.endswith("… more: Enter shows every reason in full")
        _move_to(app, "e-Consent")
        await settle(pilot)
        # The table cuts "Why" at ~25 characters; the panel shows the reasons to their end.
        assert ("Not now: e-Consent. Not selected: would exceed the bandwidth of 4 initiatives at once (needs 1 "
                "slot, 0 left) Integration engineers exhausted: needs 1 engineer (FTE), 0 of 5 left") in \
            " ".join(screen_text(app).split())


async def test_enter_shows_every_reason_of_the_highlighted_row(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage(app, pilot, sid, "choices")
        _move_to(app, "Voice recognition and digital dictation")
        app.screen.query_one("#choices-table", DataTable).focus()
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        title = str(app.screen.query_one("#help-title", Static).render())
        body = " ".join(str(app.screen.query_one("#help-body", Static).render()).split())
        assert title == "Will do: Voice recognition and digital dictation"
        assert body.endswith("already covers the speech recognition module. (override_stretch)")
        # The decision log's "when", in the facilitator's view too.
        assert body.startswith("Override (include above the bandwidth) recorded 2026-11-19 12:41 UTC on round "
                               "Secret ballot: your top five after discussion.")


async def test_an_include_within_the_bandwidth_shows_what_it_displaces_before_it_is_recorded(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_stage(app, pilot, sid, "choices")
        _move_to(app, "e-Consent")
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        text = " ".join(str(app.screen.query_one("#override-effect", Static).render()).split())
        assert "displaced E-observations and NEWS2" in text
        assert "the room's first-ranked initiative and the Condorcet winner" in text
        await pilot.press("escape")
        await settle(pilot)
        assert [d.initiative for d in sessions.load(db, sid).decisions] == ["voice"]  # nothing recorded
        await pilot.press("s")
        await settle(pilot)
        stretch = " ".join(str(app.screen.query_one("#override-effect", Static).render()).split())
        # A stretch item adds a slot, not engineers: with integration engineers full it still displaces.
        assert "e-Consent, above the bandwidth by decision of the facilitator; displaced E-observations" in stretch
        await pilot.press(*"Sponsor funds it from the outpatient budget")
        await pilot.press("enter")
        await settle(pilot)
        kinds = {d.initiative: d.kind for d in sessions.load(db, sid).decisions}
        assert kinds == {"voice": "stretch", "econsent": "stretch"}
        head = " ".join(str(app.screen.query_one("#choices-head", Static).render()).split())
        assert "5 of 4 slots used (2 above it by decision)" in head, head


async def test_the_results_details_name_the_condorcet_winner_by_title(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "results")
        pane = app.screen.query_one("ResultsPane")
        pane.details = True
        w = sessions.load(db, sid)
        from workshop_tui.services import choices

        text = str(pane._agreement(choices.result(w, "r4"), {i.key: i.title for i in w.initiatives}))
        assert "Pairwise contests: Condorcet winner: E-observations and NEWS2" in text
        assert "eobs" not in text


async def test_the_actions_stage_flags_a_due_date_before_the_session(db):
    import datetime as dt

    from workshop_tui.domain import model as m
    from workshop_tui.services import choices

    sid = nhs_session(db)
    wifi = sessions.load(db, sid).actions[0]
    choices.save_action(db, sid, m.Action(initiative=wifi.initiative, title=wifi.title, owner=wifi.owner,
                                          measure=wifi.measure, due=dt.date(2026, 1, 31), key=wifi.key))
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "actions")
        check = " ".join(str(app.screen.query_one("#actions-check", Static).render()).split())
        assert ("Complete phase 1 Wi-Fi refresh on all adult inpatient wards: due 2026-01-31, before the session "
                "date 2026-11-19") in check
        table = app.screen.query_one("#actions-table", DataTable)
        assert str(table.rows[wifi.key].label) == "!"
        due = table.get_row(wifi.key)[3]
        assert str(due) == "2026-01-31" and "reverse" in str(due.style)


async def test_a_tie_across_the_cut_line_is_undecided_on_screen_until_an_override_settles_it(db):
    """B and C tie for the one slot left: the Choices stage shows both undecided, at the top of the
    discussion queue, and neither is "Will do" until the facilitator decides."""
    import dataclasses

    from tests.domain.builders import dots_round, workshop
    from workshop_tui.services import choices
    from workshop_tui.sessionfile.writer import dumps

    r = dots_round("r1", {"p1": {"a": 3}, "p2": {"a": 1, "b": 1, "c": 1}, "p3": {"b": 1, "c": 1, "d": 1}}, budget=3)
    w = workshop(["a", "b", "c", "d"], [r], bandwidth=2)
    w = dataclasses.replace(w, rounds=(dataclasses.replace(r, status="closed"),))
    sid = sessions.import_bytes(db, dumps(w).encode(), "tie")
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "choices")
        text = " ".join(screen_text(app).split())
        assert "Undecided, tied at the cut line: B, C. Decide with i, s or x." in text
        assert "Discuss first (ties at the cut line, then contested near it): B, C" in text
        table = app.screen.query_one("#choices-table", DataTable)
        outcomes = {str(table.get_row_at(n)[3]).strip(): str(table.get_row_at(n)[0]) for n in range(table.row_count)
                    if str(table.get_row_at(n)[3]).strip() in ("A", "B", "C", "D")}
        assert outcomes["B"].startswith("Undecided") and outcomes["C"].startswith("Undecided"), outcomes
        assert outcomes["A"].startswith("Will do") and not outcomes["D"].startswith("Will do"), outcomes
    choices.record_override(db, sid, "c", "within", "C's sponsor is ready now", "r1")
    settled = choices.plan(sessions.load(db, sid))
    assert {i.initiative for i in settled.will_do} == {"a", "c"} and settled.undecided == ()
