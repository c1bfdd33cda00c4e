"""A session whose every piece of user text is hostile to a terminal.

The NHS sample (it reaches every stage: rounds of each kind, results, overrides with
rationales, actions, bottlenecks, gate notes), with each user-text field prefixed by one
of the sequences below, in turn. Prefixes rather than suffixes, so that even a narrow,
cut table cell still starts with the visible escape.
"""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples" / "nhs-trust-where-to-start.json"

CURSOR_UP = "\x1b[1A"           # moves the cursor up: the row above would be overwritten
OSC_TITLE = "\x1b]0;pwned\x07"  # retitles the terminal window
C1_CSI = "\x9b2J"               # the 8-bit CSI: clear the screen on terminals that take C1
BIDI = "\u202e"                 # right-to-left override: "exe.txt" reads as "txt.exe"
MARKUP = "[bold red]x[/]"       # Rich markup: must be shown as typed
LINK = "[link=https://e.vil]y[/link]"
HOSTILE = (CURSOR_UP, OSC_TITLE, BIDI + MARKUP, C1_CSI + LINK, "\x07\x08" + CURSOR_UP, "\x85" + OSC_TITLE)

# The same sequences as the app shows them (textsafe.for_terminal), markup as typed.
VISIBLE = {CURSOR_UP: "\\x1b[1A", OSC_TITLE: "\\x1b]0;pwned\\x07", BIDI + MARKUP: "\\u202e[bold red]x[/]",
           C1_CSI + LINK: "\\x9b2J[link=https://e.vil]y[/link]", "\x07\x08" + CURSOR_UP: "\\x07\\x08\\x1b[1A",
           "\x85" + OSC_TITLE: "\\x85\\x1b]0;pwned\\x07"}

# Where user text lives in a session file: (list or object, field names).
TEXT_FIELDS = {
    "session": ("title", "organisation", "facilitator", "mission", "description"),
    "participants": ("name",),
    "initiatives": ("title", "description", "owner", "service_area"),
    "criteria": ("name", "description"),
    "bottlenecks": ("name", "unit"),
    "rounds": ("title",),
    "decisions": ("rationale",),
    "actions": ("title", "owner", "measure"),
}


def hostile_session() -> tuple[bytes, dict[str, str]]:
    """The sample's bytes with hostile text, and {original text: hostile text} for the tests."""
    data = json.loads(SAMPLE.read_bytes())
    changed: dict[str, str] = {}
    turn = 0

    def spoil(record: dict, field: str) -> None:
        nonlocal turn
        value = record.get(field)
        if not isinstance(value, str) or not value:
            return
        record[field] = HOSTILE[turn % len(HOSTILE)] + value
        changed[value] = record[field]
        turn += 1

    for place, fields in TEXT_FIELDS.items():
        records = data[place] if isinstance(data[place], list) else [data[place]]
        for record in records:
            for field in fields:
                spoil(record, field)
    for rnd in data["rounds"]:  # gate notes
        for vote in rnd.get("votes", []):
            spoil(vote, "note")
    return json.dumps(data).encode(), changed


def shown(text: str) -> str:
    """A hostile value as the screen should show it (its prefix made visible)."""
    for raw, visible in sorted(VISIBLE.items(), key=lambda kv: -len(kv[0])):
        if text.startswith(raw):
            return visible + text[len(raw):]
    return text
