"""Exporting a session in any format: shared by the CLI and the TUI's dialog."""

from __future__ import annotations

from pathlib import Path

from workshop_tui import exporters
from workshop_tui.services import sessions
from workshop_tui.storage.engine import Database


def file_stem(title: str) -> str:
    """A session title made safe for a file name (the default export name)."""
    return exporters.file_stem(title)


def write_paper_ballots(db: Database, session_id: int, round_key: str, path: Path, cards: int | None = None) -> Path:
    """Printable paper score cards for one round (KeyError: no such round), written atomically."""
    from workshop_tui.exporters import ballots
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(Path(path), ballots.render(sessions.load(db, session_id), round_key, cards))


def formats() -> list[str]:
    return list(exporters.FORMATS)


def is_text(fmt: str) -> bool:
    return exporters.FORMATS[fmt][1]


def render_text(db: Database, session_id: int, fmt: str) -> str:
    return exporters.module_for(fmt).render(sessions.load(db, session_id))


def export(db: Database, session_id: int, fmt: str, path: Path) -> Path:
    """Write the export and return where it went."""
    return exporters.module_for(fmt).write(sessions.load(db, session_id), Path(path))


def export_many(db: Database, session_id: int, fmts: list[str] | tuple[str, ...], folder: Path,
                stem: str | None = None) -> list[Path]:
    """Write several formats of one session into ``folder``, as ``STEM.FORMAT`` each
    (csv: a folder of that name), and return where each went, in the order asked.

    The session is loaded once, and its round results, plan and board pack are
    computed once and shared by every format, so each file is byte for byte what
    ``export`` writes for that format alone. ``stem`` defaults to the session's
    title made safe for a file name. Each file is written atomically; if one fails
    the error is raised and the files already written stay.
    """
    from workshop_tui.exporters.prepared import Prepared

    unknown = [f for f in fmts if f not in exporters.FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(exporters.FORMATS)}")
    workshop = sessions.load(db, session_id)
    prepared = Prepared(workshop)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    name = stem or exporters.file_stem(workshop.session.title)
    written = []
    for fmt in dict.fromkeys(fmts):  # each format once, in the order given
        written.append(exporters.module_for(fmt).write(workshop, folder / f"{name}.{fmt}", prepared))
    return written
