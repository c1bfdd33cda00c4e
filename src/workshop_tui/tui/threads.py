"""Starting work in a thread from the UI: one way, so no start costs the UI thread a pause.

Textual describes a worker by ``repr(work)`` unless it is given a description. The repr of a
``partial`` holding a workshop is the repr of every vote in it: for 48,000 matrix scores
that took 0.1 to 0.3 s on the UI thread at each start (every switch to Results or Choices,
every phone redraw), which is why every thread worker starts here, named by its group.
"""

from __future__ import annotations

from typing import Any, Callable


def in_thread(node, work: Callable[[], Any], *, group: str, exclusive: bool = False,
              exit_on_error: bool = True):
    """``node.run_worker(work, thread=True, ...)``, described by ``group``."""
    return node.run_worker(work, thread=True, group=group, description=group, name=group,
                           exclusive=exclusive, exit_on_error=exit_on_error)
