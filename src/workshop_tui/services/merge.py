"""Merging session files from several sites into one file (and optionally a new session)."""

from __future__ import annotations

from pathlib import Path

from workshop_tui.services import sessions
from workshop_tui.sessionfile import merge as merging
from workshop_tui.sessionfile.validate import parse_session_bytes
from workshop_tui.sessionfile.writer import dumps
from workshop_tui.storage.engine import Database


# For front ends, which never import sessionfile.
MergeConflict = merging.MergeConflict


def site_names(paths: list[Path], workshops, given: list[str] | None) -> list[str]:
    """--sites if given; else each file's organisation, or its file name when organisations repeat."""
    if given:
        if len(given) != len(paths):
            raise merging.MergeConflict([f"--sites names {len(given)} site(s) for {len(paths)} file(s)"])
        return given
    names = [w.session.organisation or p.stem for p, w in zip(paths, workshops)]
    if len({merging.site_tag(n) for n in names}) != len(names):
        names = [p.stem for p in paths]
    return names


def merge_files(paths: list[Path], sites: list[str] | None = None) -> merging.Merged:
    """Read and validate every file (SessionFileError names the file), then merge."""
    workshops = [parse_session_bytes(sessions.read_file(Path(p)), str(p)) for p in paths]
    names = site_names([Path(p) for p in paths], workshops, sites)
    return merging.merge(list(zip(names, workshops)))


def write_merged(merged: merging.Merged, output: Path) -> Path:
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(Path(output), dumps(merged.workshop))


def import_merged(db: Database, merged: merging.Merged) -> int:
    return sessions.import_workshop(db, merged.workshop, source="merge")
