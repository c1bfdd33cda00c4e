"""Figures remembered for the picture they were worked out from.

A workshop is immutable, and a screen that reads again only the round that changed keeps
every other part as the same object. A round's result (the 48,000 scores of a matrix round
judged and counted: 0.3 s) or a plan made from it therefore holds for as long as that round
and the rest of the workshop but its rounds are the very same objects; Results, Choices
and the triangulation across rounds ask for the same ones over and over. The inputs are
kept with the figure (compared by identity, so an id reused by a new object cannot match)
and only the latest picture of each round is kept, so old pictures are not held in memory.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

from workshop_tui.domain.model import Workshop
from workshop_tui.heap import collector_paused

T = TypeVar("T")
# Everything in a workshop but its rounds: participants, initiatives, criteria, bandwidth...
NOT_ROUNDS = tuple(f.name for f in dataclasses.fields(Workshop) if f.name != "rounds")


class PictureMemo:
    """Figures of one kind for up to ``size`` rounds (with their arguments), each with the
    workshop parts it was made from."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._kept: OrderedDict[tuple, tuple[tuple, object]] = OrderedDict()
        self._lock = threading.Lock()  # worker threads of the TUI ask at the same time

    def get(self, workshop: Workshop, round_key: str, extra: Hashable, work: Callable[[], T]) -> T:
        """``work()``'s figure for round ``round_key`` of ``workshop`` (and ``extra``, the other
        arguments), worked out again only when the round or anything but the rounds changed."""
        rnd = next((r for r in workshop.rounds if r.key == round_key), None)
        inputs = (rnd, *(getattr(workshop, name) for name in NOT_ROUNDS))
        # One entry per round and arguments, for its latest picture: a round read again
        # replaces its older figure, so a matrix round's old votes are not kept alive.
        key = (round_key, extra)
        with self._lock:
            hit = self._kept.get(key)
            if hit is not None and all(a is b for a, b in zip(hit[0], inputs)):
                self._kept.move_to_end(key)
                return hit[1]  # type: ignore[return-value]
        # Counting 120,000 scores makes many small acyclic values: with the collector on,
        # its full walks of the heap (the votes themselves) cost a third more time.
        with collector_paused():
            value = work()
        with self._lock:
            self._kept[key] = (inputs, value)
            while len(self._kept) > self.size:
                self._kept.popitem(last=False)
        return value
