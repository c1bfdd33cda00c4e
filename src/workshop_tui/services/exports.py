"""Exporting a session in any format: shared by the CLI and the TUI's dialog."""

from __future__ import annotations

from pathlib import Path

from workshop_tui import exporters
from workshop_tui.services import sessions
from workshop_tui.storage.engine import Database


def formats() -> list[str]:
    return list(exporters.FORMATS)


def is_text(fmt: str) -> bool:
    return exporters.FORMATS[fmt][1]


def render_text(db: Database, session_id: int, fmt: str) -> str:
    return exporters.module_for(fmt).render(sessions.load(db, session_id))


def export(db: Database, session_id: int, fmt: str, path: Path) -> Path:
    """Write the export and return where it went."""
    return exporters.module_for(fmt).write(sessions.load(db, session_id), Path(path))
