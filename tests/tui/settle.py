"""Waiting for the app to be still, on conditions rather than a number of pauses.

A picture or an assertion taken "after two pauses" depends on how busy the machine is:
under load the focus that `call_after_refresh` applies may not have landed yet. These
helpers wait until nothing is pending: no worker running, every message handled, no
callback waiting for the next refresh or frame, no layout owed, no animation scheduled, and
whatever condition the test names. The limit only turns a hang into a clear failure.
"""

from __future__ import annotations

import time
from typing import Callable

LIMIT_S = 60.0


def _quiet(app) -> bool:
    screen = app.screen
    running = [w for w in app.workers if not w.is_finished]
    # Work the app holds back for the next frame (WorkshopApp.after_frame: the vote writer,
    # the triangulation) is not a worker yet: a test that goes on would race it.
    return (not running and not screen._callbacks and not screen._layout_required
            and not getattr(app, "_after_frame", None))


async def settle(pilot, until: Callable[[], bool] | None = None, what: str = "the app to settle") -> None:
    """Return once the app is quiet (twice in a row) and ``until()`` holds."""
    app = pilot.app
    started = time.monotonic()
    quiet_rounds = 0
    while True:
        await app.workers.wait_for_complete()
        await pilot.wait_for_scheduled_animations()
        ok = _quiet(app) and (until is None or until())
        quiet_rounds = quiet_rounds + 1 if ok else 0
        if quiet_rounds >= 2:
            return
        if time.monotonic() - started > LIMIT_S:
            raise AssertionError(f"waited {LIMIT_S:.0f} s for {what}")


async def arrived(pilot, stage: str) -> None:
    """Wait until the session screen shows ``stage`` and has finished arriving there."""
    from workshop_tui.tui.screens.session import SessionScreen

    def there() -> bool:
        screen = pilot.app.screen
        if not isinstance(screen, SessionScreen) or screen.workshop is None:
            return False
        try:
            return screen.current == stage and screen.pane(stage).is_mounted
        except Exception:
            return False

    await settle(pilot, there, f"the {stage} stage to be shown")


def steady_cursors(app) -> None:
    """No blinking cursor in a picture: a blink caught half-way is not a difference."""
    from textual.widgets import Input, TextArea

    for widget in app.screen.query("Input, TextArea"):
        if isinstance(widget, (Input, TextArea)):
            widget.cursor_blink = False
