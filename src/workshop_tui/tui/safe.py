"""User text for a widget: the one place the TUI turns a user's string into something drawn.

Every title, name, organisation, note or reason a person typed goes through ``shown`` (or
``line`` for one-line places such as table cells, the header and notifications) so that
control characters and bidi overrides appear as visible escapes (``\\x1b``, ``\\u202e``)
instead of moving the cursor, retitling the window or reversing text; and so that Rich
markup in user text (``[bold]``) is shown literally.
"""

from __future__ import annotations

from rich.text import Text

from workshop_tui.textsafe import for_terminal, one_line


def shown(value: object, style: str = "") -> Text:
    """User text for a multi-line place (a note, a reason, a help panel)."""
    return Text(for_terminal(str(value)), style=style)


def line(value: object, style: str = "") -> Text:
    """User text for a one-line place (a table cell, a heading)."""
    return Text(one_line(str(value)), style=style)


def plain(value: object) -> str:
    """User text as a plain string for places that take one (the header, notifications with markup off)."""
    return one_line(str(value))


def in_box(value: object) -> str:
    """User text put in an edit box (an Input draws its value as it is): control characters
    as visible escapes. ``from_box`` turns an untouched box back into the stored text."""
    return for_terminal("" if value is None else str(value))


def from_box(typed: str, stored: object) -> str:
    """What an edit box holds, as text to save: the stored text itself when the box still
    shows it as ``in_box`` drew it, so opening and saving a form never rewrites user text."""
    original = "" if stored is None else str(stored)
    return original if typed.strip() == in_box(original).strip() else typed
