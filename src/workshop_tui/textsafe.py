"""Showing user text on a terminal harmlessly (pure; no UI library).

User text is data: it is stored and exported exactly as typed. Only when it is
printed to a terminal are control characters (ESC starts the sequences that clear
the screen, retitle the window or fake a prompt) shown as visible escapes such as
``\\x1b``. Rich markup is never interpreted: callers print with markup off or
wrap the text in ``rich.text.Text``.
"""

from __future__ import annotations

import re

# C0 and C1 controls (ESC, CSI, OSC ...) but tab and newline, DEL, the line and paragraph
# separators, and every bidirectional control (embeddings, overrides, isolates, marks):
# U+202E can make "exe.txt" read as "txt.exe".
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def for_terminal(text: str) -> str:
    """``text`` with control and bidi-override characters made visible (tab and newline kept)."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}" if ord(match.group()) < 0x100
                        else f"\\u{ord(match.group()):04x}", text)


def one_line(text: str) -> str:
    """As ``for_terminal``, for a place that has one line (a table cell, a title): tab and
    newline become a space, so a pasted multi-line name cannot push the rows below it."""
    return for_terminal(text.replace("\r\n", " ").replace("\n", " ").replace("\t", " "))


def for_json(text: str) -> str:
    """JSON text with those same characters as ``\\uXXXX`` escapes: the same JSON values,
    but nothing a terminal acts on when the JSON is printed to one."""
    return _CONTROL.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
