"""Spreadsheets in: initiatives and paper votes, each import one transaction."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from workshop_tui.services import sessions
from workshop_tui.services.unit_of_work import use_case
from workshop_tui.sessionfile import spreadsheet as sp
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database


def read_sheet(path: Path) -> sp.Sheet:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise sp.SpreadsheetError(str(path), [sp.RowProblem(0, "", exc.strerror or str(exc))]) from None
    return sp.read_table(data, str(path))


def preview_initiatives(db: Database, session_id: int, path: Path) -> sp.InitiativeImport:
    """Parse and check without writing (``--dry-run``)."""
    return check_initiatives(db, session_id, read_sheet(path), str(path))


def check_initiatives(db: Database, session_id: int, sheet: sp.Sheet, source: str) -> sp.InitiativeImport:
    """Check a sheet already read against the session as it is now; writes nothing.

    The TUI reads the sheet itself so it can show the column mapping even when
    the rows are refused.
    """
    return sp.parse_initiatives(sheet, sessions.load(db, session_id), source)


def import_initiatives(db: Database, session_id: int, path: Path) -> sp.InitiativeImport:
    """Add or update initiatives from a sheet; nothing is written unless every row is valid."""
    result = preview_initiatives(db, session_id, path)

    def work(s):
        # Prerequisites may point at rows further down, so save every row first, then again with links.
        for item in result.initiatives:
            repo.save_initiative(s, session_id, dataclasses.replace(item, depends_on=()))
        for item in result.initiatives:
            repo.save_initiative(s, session_id, item)

    use_case(db, session_id, "initiatives.import", work,
             audit=dict(source=str(path), added=len(result.added), updated=len(result.updated)))
    return result


def import_votes(db: Database, session_id: int, round_key: str, path: Path, channel: str = "paper") -> sp.VoteImport:
    """Paper ballots for one round, all or nothing: every row is checked inside the
    write's transaction, against the round as stored then (not as it was when the
    file was chosen), so a desk writing meanwhile cannot slip past the check."""
    sheet = read_sheet(path)

    def work(s):
        workshop = repo.load_workshop(s, session_id)
        result = sp.parse_votes(sheet, workshop, round_key, str(path), channel)
        repo.add_votes(s, session_id, round_key, result.votes, anonymous=workshop.round(round_key).anonymous)
        return result

    return use_case(db, session_id, "votes.import", work,
                    audit=lambda result: dict(round=round_key, source=str(path), ballots=result.ballots,
                                              channel=channel))
