"""Switching to Results or Choices after a vote (issue 15, point 2): the stage shows at once
and its new figures follow without the UI thread doing work nobody sees.

- The work that holds the interpreter lock for long (the triangulation across rounds, a plan
  per round; the Choices plan) starts only after the frame it would slow: the frame showing
  the round's figures, the frame showing the Choices stage with its plan before.
- Results shown again at the width it was drawn at keeps what it shows (it was drawn twice).
- A new plan patches the Choices table in place (it cleared and refilled 300 rows), and the
  table then shows exactly what a table made afresh shows.
"""

from __future__ import annotations

from textual.widgets import DataTable

from settle import arrived, settle
from stage_b_support import nhs_session, open_stage

from workshop_tui.services import choices, voting
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.panes import choices as choices_pane
from workshop_tui.tui.screens.session import SessionScreen


def rows(table: DataTable) -> list[tuple[str, ...]]:
    return [tuple(str(cell) for cell in table.get_row_at(n)) for n in range(table.row_count)]


async def test_long_work_waits_for_the_frame_it_would_slow_and_results_is_drawn_once(db, monkeypatch):
    sid = nhs_session(db)
    key = voting.create_round(db, sid, method="dots", title="Second look")
    events: list[str] = []
    triangulation = choices.triangulation

    def triangulating(workshop):
        events.append("triangulation")
        return triangulation(workshop)

    monkeypatch.setattr(choices, "triangulation", triangulating)
    work_out = choices_pane.work_out

    def planning(workshop, round_key):
        events.append("plan")
        return work_out(workshop, round_key)

    monkeypatch.setattr(choices_pane, "work_out", planning)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "choices")  # the Choices pane exists from here on
        await settle(pilot, lambda: screen.pane("choices").plan is not None, "the plan")
        await pilot.press("6")
        await arrived(pilot, "voting")
        await settle(pilot)
        pane = screen.pane("voting")
        people = [p.key for p in screen.workshop.participants]
        pane.desks[key].cast(people[0], screen.workshop.initiatives[0].key, None, 1)
        pane.changed("", reload=False, rounds=(key,))  # as a typed vote says it
        await settle(pilot)

        app.AFTER_FRAME_AT_LATEST_S = 60  # a loaded machine's slow frame must not let the timer go first
        display = app._display

        def frame(shown_screen, renderable) -> None:
            display(shown_screen, renderable)
            if renderable is None or not isinstance(shown_screen, SessionScreen):
                return
            stage = shown_screen.current
            if stage == "results" and shown_screen.pane("results").ready(shown_screen.pane("results").round_key):
                events.append("frame: results with figures")
            elif stage == "choices":
                events.append("frame: choices")

        app._display = frame
        events.clear()
        await pilot.press("7")
        await arrived(pilot, "results")
        results = screen.pane("results")
        await settle(pilot, lambda: results.ready(results.round_key) and results.ready(None), "figures and flips")
        assert "triangulation" in events, events
        assert "frame: results with figures" in events[:events.index("triangulation")], events

        events.clear()
        await pilot.press("8")
        await arrived(pilot, "choices")
        await settle(pilot, lambda: screen.pane("choices").plan_for(screen.pane("choices").round_key) is not None,
                     "the new plan")
        assert "plan" in events, events
        assert "frame: choices" in events[:events.index("plan")], events

        # Results again, nothing changed since: drawn once (on_resize drew it a second time).
        draws = []
        draw = results._draw

        def counted():
            draws.append(1)
            draw()

        results._draw = counted
        await pilot.press("7")
        await arrived(pilot, "results")
        await settle(pilot)
        assert len(draws) == 1, draws


async def test_a_triangulation_held_for_a_frame_is_dropped_when_a_newer_picture_came_first(db, monkeypatch):
    """Arriving at Results draws the picture in hand and reads the changed rounds again; a
    read landing before the frame made the triangulation of the old picture start anyway,
    holding up the new figures for work thrown away (and the frame test above flaky)."""
    from workshop_tui.services import sessions

    sid = nhs_session(db)
    key = voting.create_round(db, sid, method="dots", title="Second look")
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "voting")
        await settle(pilot)
        await pilot.press("7")
        await arrived(pilot, "results")
        results = screen.pane("results")
        await settle(pilot, lambda: results.ready(results.round_key) and results.ready(None), "figures and flips")

        made_for: list[object] = []
        triangulation = choices.triangulation

        def triangulating(workshop):
            made_for.append(workshop)
            return triangulation(workshop)

        monkeypatch.setattr(choices, "triangulation", triangulating)
        app.AFTER_FRAME_AT_LATEST_S = 60  # only a frame lets the held work go
        old = results.workshop
        del results._figures[None]
        results._work_out(results.round_key)  # held for the next frame, made from `old`
        screen.pane("voting").desks[key].cast(old.participants[0].key, old.initiatives[0].key, None, 1)
        newer = sessions.load(db, sid)
        results.load(newer)  # the read lands before that frame
        await settle(pilot, lambda: results.ready(None), "the newer picture's triangulation")
        assert made_for and all(w is newer for w in made_for), [w is old for w in made_for]


async def test_a_new_plan_patches_the_choices_table_and_shows_what_a_fresh_one_shows(db):
    sid = nhs_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "choices")
        pane = screen.pane("choices")
        await settle(pilot, lambda: pane.plan is not None, "the plan")
        table = screen.query_one("#choices-table", DataTable)
        before = rows(table)
        moved = pane.plan.not_now[0].initiative
        cleared = []
        clear = table.clear

        def counted(*args, **kwargs):
            cleared.append(1)
            return clear(*args, **kwargs)

        table.clear = counted
        table.move_cursor(row=3)
        choices.record_override(db, sid, moved, "within", "The board asked for it", pane.plan.round)
        plan = pane.plan
        screen.reload()
        await settle(pilot, lambda: pane.plan is not plan and not screen.loading, "the new plan")
        after = rows(table)
        assert after != before and not cleared
        assert table.cursor_row == 3
        assert pane.highlighted == pane._row_keys[3] and after[3][3].startswith(
            screen.workshop.initiative(pane.highlighted).title[:20])

    fresh = WorkshopApp(db=db, load_samples_when_empty=False)
    async with fresh.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(fresh, pilot, sid, "choices")
        await settle(pilot, lambda: screen.pane("choices").plan is not None, "the plan")
        assert rows(screen.query_one("#choices-table", DataTable)) == after
