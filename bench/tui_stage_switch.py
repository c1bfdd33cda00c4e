"""Switching to Results and to Choices after a vote, on the 300 x 40 x 4 session (headless
120x40, in-process): keypress -> the first frame showing the stage (at once, with the
picture read before) and keypress -> the first frame showing the new figures (the changed
round read again and the round's result or the plan worked out in worker threads). Each
frame records, when it is made, which stage it shows and whether that stage's new figures
are drawn in it, so a frame this loop notices late still counts at its own time. Each cycle
types one dot on the Voting stage (so every switch has new data to show), then presses 7
(Results) and 8 (Choices). While a switch is under way a key is timed too: keypress ->
handled, to show that keys are not blocked. One JSON line per figure.
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from tuibench import grid_database  # noqa: E402

CYCLES = int(os.environ.get("BENCH_SWITCHES", "12"))


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else values[0]


async def _measure(db_file: Path, session_id: int) -> dict:
    from textual._compositor import CompositorUpdate

    from workshop_tui.services import voting
    from workshop_tui.storage.engine import open_database
    from workshop_tui.tui.app import WorkshopApp
    from workshop_tui.tui.screens.session import SessionScreen

    db = open_database(f"sqlite:///{db_file}")
    round_key = voting.create_round(db, session_id, method="dots", title="Switching")
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    display = app._display
    # Each frame: when it was turned into terminal output, the stage it showed, and whether
    # that stage's new figures were drawn in it (judged when the frame was made, so a frame
    # seen late by this loop still counts at its own time).
    frames: list[tuple[int, str, bool]] = []
    watch: dict = {"since": 0}

    def drawn_new(screen) -> bool:
        stage = screen.current
        if stage not in ("results", "choices") or not screen.query(f"#stage-{stage}"):
            return False
        p = screen.pane(stage)
        return (screen._shown_generation > watch["since"] and not screen.loading and p.workshop is screen.workshop
                and (p.ready(p.round_key) if stage == "results" else p.plan_for(p.round_key) is not None))

    def timed_display(screen, renderable) -> None:
        if isinstance(renderable, CompositorUpdate):
            renderable.render_segments(app.console)
            stage = screen.current if isinstance(screen, SessionScreen) and screen.workshop is not None else ""
            frames.append((time.perf_counter_ns(), stage, bool(stage) and drawn_new(screen)))
        display(screen, renderable)

    app._display = timed_display
    out: dict[str, list[float]] = {"results_at_once": [], "results_new": [], "choices_at_once": [],
                                   "choices_new": [], "key_during_switch": []}
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            app.push_screen(SessionScreen(session_id, stage="voting"))
            screen = None
            for _ in range(20000):
                await app.workers.wait_for_complete()
                await pilot.pause()
                if (isinstance(app.screen, SessionScreen) and app.screen.query("#voting-grid")
                        and round_key in app.screen.pane("voting").desks):
                    screen = app.screen
                    break
            people = [p.key for p in screen.workshop.participants]
            items = [i.key for i in screen.workshop.initiatives]
            for n in range(CYCLES):
                # A vote from this screen: committed, so every stage has new data to show.
                pane = screen.pane("voting")
                watch["since"] = screen._shown_generation  # the picture before this vote
                pane.desks[round_key].cast(people[n % len(people)], items[n % len(items)], None, 1)
                pane.changed("", reload=False, rounds=(round_key,))  # as a typed vote says it
                await pilot.pause()
                for key, stage, name in (("7", "results", "results"), ("8", "choices", "choices")):
                    frames.clear()
                    start = time.perf_counter_ns()
                    await pilot.press(key)
                    probe_done = False
                    deadline = time.monotonic() + 120  # a hang is a failed figure, not a stuck `make bench`
                    while True:
                        if time.monotonic() > deadline:
                            raise RuntimeError(f"cycle {n}: {stage} never showed the new figures")
                        shown = [t for t, at, _ in frames if at == stage]
                        if not probe_done and shown:
                            # A key while the new picture is being made: how long until it is handled.
                            t = time.perf_counter_ns()
                            await pilot.press("down")
                            out["key_during_switch"].append((time.perf_counter_ns() - t) / 1e6)
                            probe_done = True
                        new = [t for t, at, fresh in frames if at == stage and fresh]
                        if new:
                            out[f"{name}_at_once"].append((shown[0] - start) / 1e6)
                            out[f"{name}_new"].append((new[0] - start) / 1e6)
                            break
                        if drawn_new(screen) and not new:
                            # Drawn, but the new figures look exactly like the old: no frame comes.
                            quiet_until = time.monotonic() + 0.5
                            count = len(frames)
                            while len(frames) == count and time.monotonic() < quiet_until:
                                await asyncio.sleep(0.001)
                            if len(frames) == count and shown:
                                ready_at = time.perf_counter_ns()
                                out[f"{name}_at_once"].append((shown[0] - start) / 1e6)
                                out[f"{name}_new"].append((ready_at - start) / 1e6)
                                break
                        await asyncio.sleep(0.001)
                await pilot.press("6")
                await app.workers.wait_for_complete()
                await pilot.pause()
    finally:
        db.dispose()
    return out


def main() -> None:
    out = asyncio.run(_measure(grid_database(), 1))
    load = os.getloadavg()[0]
    for key, label, target in (("results_new", "Results shows the new figures after a vote", 300),
                               ("choices_new", "Choices shows the new plan after a vote", 300),
                               ("results_at_once", "Results shown at once (the picture read before)", None),
                               ("choices_at_once", "Choices shown at once (the picture read before)", None),
                               ("key_during_switch", "a key pressed during a switch, handled", None)):
        values = out[key]
        print(json.dumps({"name": f"tui: {label}, p95 (300 x 40 x 4)", "value": round(_p95(values), 1),
                          "unit": "ms", "target": target, "issue": 15,
                          "detail": {"median_ms": statistics.median(values), "runs": len(values),
                                     "load_average": load}}), flush=True)


if __name__ == "__main__":
    main()
