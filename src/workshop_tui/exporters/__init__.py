"""One writer per export format, with no UI code.

Each module named in ``FORMATS`` offers ``write(workshop, path, prepared=None)
-> Path`` (``prepared``: an ``exporters.prepared.Prepared`` that shares the
results, plan and board pack between formats) and, for text formats,
``render(workshop) -> str``. Modules are imported only when
their format is used, so a heavy writer never slows start-up.
"""

from __future__ import annotations

import re
from importlib import import_module
from types import ModuleType

# format name -> (module, is it a single text document?)
FORMATS: dict[str, tuple[str, bool]] = {
    "json": ("workshop_tui.exporters.session_json", True),
    "md": ("workshop_tui.exporters.markdown", True),
    "html": ("workshop_tui.exporters.html", True),
    "xlsx": ("workshop_tui.exporters.xlsx", False),
    "csv": ("workshop_tui.exporters.csv_tables", False),
}


def module_for(fmt: str) -> ModuleType:
    return import_module(FORMATS[fmt][0])


# Names Windows reserves for devices, with any extension ("con.md" cannot be created there).
WINDOWS_RESERVED = frozenset({"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)),
                              *(f"lpt{i}" for i in range(1, 10))})


def file_stem(title: str) -> str:
    """A session title as a safe file name stem on every OS: lower case, words joined by '-'."""
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "session"
    return f"{stem}-session" if stem in WINDOWS_RESERVED else stem
