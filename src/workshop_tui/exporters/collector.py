"""The cyclic garbage collector paused while an export is made.

Writing a large session makes millions of small objects, and every few hundred of
them set off a collection that in time walks everything the process holds, the
loaded session's hundreds of thousands of votes included: two thirds of a large
CSV export went there. An export makes no reference cycles worth collecting and
reference counting still frees everything as it goes; the collector is switched
back on (if it was on) as soon as the export is done or fails.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from functools import wraps
from typing import Callable, Iterator, TypeVar

T = TypeVar("T", bound=Callable)


@contextmanager
def paused() -> Iterator[None]:
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def while_paused(function: T) -> T:
    """``function`` run with the collector paused."""
    @wraps(function)
    def run(*args, **kwargs):
        with paused():
            return function(*args, **kwargs)
    return run  # type: ignore[return-value]
