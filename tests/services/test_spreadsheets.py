"""Spreadsheets in through the service the CLI and the TUI's import dialog share."""

import pytest

from workshop_tui.domain import model as m
from workshop_tui.services import sessions, spreadsheets
from workshop_tui.sessionfile.spreadsheet import SpreadsheetError


@pytest.fixture
def sid(db):
    return sessions.create(db, m.SessionInfo(title="Board away day"))


def test_importing_initiatives_is_all_or_nothing_and_rows_may_point_forwards(db, sid, tmp_path):
    sheet = tmp_path / "list.csv"
    sheet.write_text("Key,Title,Depends on\na,A,b\nb,B,a\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="dependency cycle"):
        spreadsheets.import_initiatives(db, sid, sheet)
    assert sessions.load(db, sid).initiatives == ()
    sheet.write_text("Key,Title,Depends on\na,A,b\nb,B,\n", encoding="utf-8")
    result = spreadsheets.import_initiatives(db, sid, sheet)
    assert [i.key for i in result.added] == ["a", "b"]
    assert [(i.key, i.depends_on) for i in sessions.load(db, sid).initiatives] == [("a", ("b",)), ("b", ())]
