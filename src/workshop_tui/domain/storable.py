"""Which text can be stored and shown: one rule, used by the session-file and
spreadsheet readers (with the place) and by storage as the last door (pure)."""

from __future__ import annotations

import re

# A lone surrogate (JSON "\ud800") cannot be written as UTF-8, so it can be neither
# stored nor shown; NUL cannot be stored in PostgreSQL text. Both are refused here,
# at the door, with the place, instead of crashing the import half-way.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


_SURROGATE = re.compile("[\ud800-\udfff]")


def text_problem(text: str, *, nul: bool = True) -> str | None:
    """Why ``text`` cannot be stored or shown, or None. ``nul=False`` where NUL is
    already refused with its own message (the session-file and spreadsheet rules)."""
    found = (_UNSTORABLE if nul else _SURROGATE).search(text)
    if found is None:
        return None
    char = found.group()
    what = "a NUL character (\\u0000)" if char == "\x00" else f"an unpaired surrogate (\\u{ord(char):04x})"
    before = text[: found.start()][-20:]  # holds none: this is the first one
    where = f" after {before!r}" if before else " at the start"
    return f"the text holds {what}{where}, which cannot be stored; fix or remove it"
