"""Exporting a session in any format: shared by the CLI and the TUI's dialog.

Each export comes in two forms: from the database (``export``, ``export_many``,
``render_text``: the session is loaded here) and from a workshop already read
(``write_one``, ``write_many``, ``text_of``: the read-only commands read it on the
quick path, storage/quick_load.py). SQLAlchemy is imported only by the first form.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from workshop_tui import exporters
from workshop_tui.domain import model as m
from workshop_tui.exporters.files import TargetError, TargetExists  # re-exported: the front ends catch them

if TYPE_CHECKING:
    from workshop_tui.storage.engine import Database


def _load(db: Database, session_id: int) -> m.Workshop:
    from workshop_tui.services import sessions

    return sessions.load(db, session_id)


def file_stem(title: str) -> str:
    """A session title made safe for a file name (the default export name)."""
    return exporters.file_stem(title)


def write_paper_ballots(db: Database, session_id: int, round_key: str, path: Path, cards: int | None = None) -> Path:
    """Printable paper score cards for one round (KeyError: no such round), written atomically."""
    from workshop_tui.exporters import ballots
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(Path(path), ballots.render(_load(db, session_id), round_key, cards))


def formats() -> list[str]:
    return list(exporters.FORMATS)


def is_text(fmt: str) -> bool:
    return exporters.FORMATS[fmt][1]


def render_text(db: Database, session_id: int, fmt: str) -> str:
    return text_of(_load(db, session_id), fmt)


def text_of(workshop: m.Workshop, fmt: str) -> str:
    return exporters.module_for(fmt).render(workshop)


def export(db: Database, session_id: int, fmt: str, path: Path, *, overwrite: bool = False) -> Path:
    """Write the export and return where it went.

    Refuses (``files.TargetError``) a device, FIFO or folder where a file goes, and
    (``files.TargetExists``) an existing export unless ``overwrite``: the CLI's
    --force, or the app's confirmation."""
    from workshop_tui.heap import collector_paused

    check_target(fmt, Path(path), overwrite=overwrite)  # before the session is read
    with collector_paused():  # loading and writing make millions of objects and no cycles (see heap.py)
        return write_one(_load(db, session_id), fmt, path, overwrite=overwrite)


def write_one(workshop: m.Workshop, fmt: str, path: Path, *, overwrite: bool = False) -> Path:
    """``export`` of a workshop already read."""
    from workshop_tui.heap import collector_paused

    check_target(fmt, Path(path), overwrite=overwrite)
    with collector_paused():
        return exporters.module_for(fmt).write(workshop, Path(path))


def check_target(fmt: str, path: Path, *, overwrite: bool) -> None:
    """May an export in ``fmt`` be written at ``path``? (See ``export``.)"""
    from workshop_tui.exporters import files

    if fmt == "csv" and path.suffix.lower() != ".zip":
        from workshop_tui.exporters.csv_tables import our_tables_in

        if files.refuse_special(path, folder_ok=True) is not None:
            if not path.is_dir():
                raise files.TargetError(f"{path} is a file; give a folder (or a name ending in .zip) for csv. "
                                        "Nothing was written.")
            if our_tables_in(path) and not overwrite:
                raise files.TargetExists(path)
        return
    files.check_target(path, overwrite=overwrite)


def export_many(db: Database, session_id: int, fmts: list[str] | tuple[str, ...], folder: Path,
                stem: str | None = None, *, overwrite: bool = False) -> list[Path]:
    """Write several formats of one session into ``folder``, as ``STEM.FORMAT`` each
    (csv: a folder of that name), and return where each went, in the order asked.

    The session is loaded once, and its round results, plan and board pack are
    computed once and shared by every format, so each file is byte for byte what
    ``export`` writes for that format alone. ``stem`` defaults to the session's
    title made safe for a file name. Every target is checked first (see ``export``;
    ``overwrite`` as there). Each file is written atomically; if one fails the error
    is raised and the files already written stay.
    """
    from workshop_tui.heap import collector_paused

    _known(fmts)  # before the session is read
    with collector_paused():  # loading and writing make millions of objects and no cycles (see heap.py)
        return write_many(_load(db, session_id), fmts, folder, stem, overwrite=overwrite)


def write_many(workshop: m.Workshop, fmts: list[str] | tuple[str, ...], folder: Path, stem: str | None = None, *,
               overwrite: bool = False) -> list[Path]:
    """``export_many`` of a workshop already read."""
    from workshop_tui.heap import collector_paused

    _known(fmts)
    with collector_paused():
        return _write_many(workshop, fmts, Path(folder), stem, overwrite=overwrite)


def _known(fmts: list[str] | tuple[str, ...]) -> None:
    unknown = [f for f in fmts if f not in exporters.FORMATS]
    if unknown:
        raise ValueError(f"unknown format {unknown[0]!r}; choose from {', '.join(exporters.FORMATS)}")


def _write_many(workshop: m.Workshop, fmts: list[str] | tuple[str, ...], folder: Path,
                stem: str | None, *, overwrite: bool) -> list[Path]:
    from workshop_tui.exporters.prepared import Prepared

    prepared = Prepared(workshop)
    folder = Path(folder)
    from workshop_tui.exporters import files

    if files.refuse_special(folder, folder_ok=True) is not None and not folder.is_dir():
        raise files.TargetError(f"{folder} is a file; several formats need a folder. Nothing was written.")
    name = stem or exporters.file_stem(workshop.session.title)
    for fmt in dict.fromkeys(fmts):  # every target checked before anything is written
        check_target(fmt, folder / f"{name}.{fmt}", overwrite=overwrite)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in dict.fromkeys(fmts):  # each format once, in the order given
        written.append(exporters.module_for(fmt).write(workshop, folder / f"{name}.{fmt}", prepared))
    return written
