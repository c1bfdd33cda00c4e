"""Starting work in a thread never renders the work's arguments on the UI thread.

Textual describes a worker by ``repr(work)`` unless told otherwise; the repr of a
``partial`` holding a workshop is the repr of each of its votes (0.1-0.3 s for 48,000 at
every switch of stage). Every thread worker starts through ``tui.threads.in_thread``.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path

from textual.app import App

from workshop_tui.tui.threads import in_thread

SRC = Path(__file__).resolve().parents[2] / "src" / "workshop_tui"


class Heavy:
    """Stands for a workshop: records whether anything rendered it."""

    def __init__(self) -> None:
        self.rendered = 0

    def __repr__(self) -> str:
        self.rendered += 1
        return "Heavy(...)"


async def test_a_thread_worker_is_described_by_its_group_not_by_its_arguments():
    heavy = Heavy()
    done = []
    app = App()
    async with app.run_test() as pilot:
        worker = in_thread(app, partial(done.append, heavy), group="figures", exit_on_error=False)
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert done == [heavy]
    assert worker.description == "figures" and worker.name == "figures"
    assert heavy.rendered == 0


def test_every_thread_worker_in_the_app_starts_through_in_thread():
    offenders = []
    for path in SRC.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for call in re.finditer(r"run_worker\((?:[^()]|\([^()]*\))*\)", text, flags=re.S):
            if "thread=True" in call.group(0) and path.name != "threads.py":
                offenders.append(f"{path.relative_to(SRC)}: {call.group(0)[:60]}")
    assert not offenders, offenders
