"""The session file (format v1): lossless, for another laptop or facilitator."""

from __future__ import annotations

from pathlib import Path

from workshop_tui.domain.model import Workshop
from workshop_tui.heap import collector_paused
from workshop_tui.sessionfile.writer import dumps

SUFFIX = ".json"


def render(workshop: Workshop) -> str:
    return dumps(workshop)


@collector_paused()  # a writer makes millions of acyclic objects (see heap.py)
def write(workshop: Workshop, path: Path, prepared=None) -> Path:  # nothing to share: the file is the workshop
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(path, render(workshop))
