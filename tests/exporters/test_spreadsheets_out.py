"""CSV and XLSX exports: golden CSV, workbook sheet by sheet, formula injection, anonymity."""

from __future__ import annotations

import csv
import io
import zipfile

import openpyxl
import pytest

from tests.exporters.conftest import HOSTILE_TITLES, anonymous_names
from workshop_tui.exporters import csv_tables, xlsx


def _read(path) -> list[list[str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # BOM, for Excel
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_folder_matches_golden(nhs, tmp_path, golden):
    folder = csv_tables.write(nhs, tmp_path / "out")
    names = sorted(p.name for p in folder.iterdir())
    assert {"session.csv", "participants.csv", "initiatives.csv", "votes_r3.csv", "results_r4.csv", "plan.csv",
            "actions.csv", "capacity.csv"} <= set(names)
    assert "votes_r4.csv" not in names  # r4 is a secret round: aggregates only
    for name in names:
        golden(f"csv/{name}", (folder / name).read_bytes())


def test_csv_zip_holds_the_same_files_and_is_deterministic(nhs, tmp_path):
    folder = csv_tables.write(nhs, tmp_path / "out")
    first = csv_tables.write(nhs, tmp_path / "a.zip").read_bytes()
    assert first == csv_tables.write(nhs, tmp_path / "b.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert sorted(archive.namelist()) == sorted(p.name for p in folder.iterdir())
        assert archive.read("plan.csv") == (folder / "plan.csv").read_bytes()


def test_csv_neutralises_formulas_but_not_numbers(hostile, tmp_path):
    folder = csv_tables.write(hostile, tmp_path / "out")
    rows = _read(folder / "initiatives.csv")
    cells = [cell for row in rows for cell in row]
    assert "'" + HOSTILE_TITLES[2] in cells
    assert "'@owner -1" in cells
    assert HOSTILE_TITLES[0] in cells  # not a formula: left as written
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    people = [cell for row in _read(folder / "participants.csv") for cell in row]
    assert "<b>Dr Evil</b> =1+1" in people
    assert csv_tables.neutralise("-2") == "'-2" and csv_tables.neutralise("\tx") == "'\tx"


def test_csv_secret_round_publishes_its_totals_and_no_ballot(nhs, tmp_path):
    # Issue 12: the csv published every secret ballot next to the same people's named votes
    # from other rounds, so ballots could be matched by content. Aggregates only now.
    folder = csv_tables.write(nhs, tmp_path / "out")
    assert not (folder / "votes_r4.csv").exists()
    assert len(_read(folder / "results_r4.csv")) > 1
    ballots = {v.ballot for v in nhs.round("r4").votes}
    for path in folder.iterdir():
        text = path.read_text(encoding="utf-8-sig")
        assert not any(b in text for b in ballots), path.name

def _sheet_rows(ws) -> list[tuple]:
    return [row for row in ws.iter_rows(values_only=True)]


@pytest.fixture
def workbook(nhs, tmp_path):
    path = xlsx.write(nhs, tmp_path / "board.xlsx")
    return openpyxl.load_workbook(path)


def test_xlsx_sheets_and_contents(workbook, nhs):
    assert workbook.sheetnames == ["Summary", "r1 Exemplar gates", "r2 Dot voting", "r3 Weighted benefit matrix",
                                   "r4 Ranking", "Plan", "Decision log", "Actions", "Initiatives", "Participants"]
    summary = dict((r[0], r[1]) for r in _sheet_rows(workbook["Summary"]) if r[0])
    assert _sheet_rows(workbook["Summary"])[0][0] == nhs.session.title and summary["Participants"] == 12
    dots = workbook["r2 Dot voting"]
    assert dots.freeze_panes == "A2"
    rows = _sheet_rows(dots)
    assert rows[0][:4] == ("Rank", "Tied", "Title", "Dots")
    assert rows[1][:4] == (1, False, "E-observations and NEWS2", 8)
    assert rows[2][:4] == (2, True, "Virtual wards and remote monitoring", 6)  # "=2": numeric rank, tied flag
    assert len(dots._charts) == 1
    assert ("Participant", "Name", "Initiative", "Criterion", "Value", "Effort", "Ranking", "Channel", "Note") in [
        r[:9] for r in rows]
    plan = _sheet_rows(workbook["Plan"])
    decisions = [r[0] for r in plan[1:] if r[0] in ("will do", "not now", "won't do")]
    assert decisions.count("will do") == 5  # E-observations in, Voice as the stretch item
    assert workbook["Plan"].freeze_panes == "A2"
    actions = _sheet_rows(workbook["Actions"])
    assert actions[0] == ("Key", "Action", "Initiative", "Owner", "Measure", "Due", "Check")
    assert len(actions) == 1 + len(nhs.actions)
    initiatives = _sheet_rows(workbook["Initiatives"])
    assert [r[0] for r in initiatives[1:]] == [i.key for i in nhs.initiatives]
    assert initiatives[0][-1] == "Needs: Integration engineers"
    people = _sheet_rows(workbook["Participants"])
    assert people[0] == ("Key", "Name", "Discipline", "Site") and len(people) == 13
    assert workbook["Initiatives"].column_dimensions["B"].width > 20


def test_xlsx_anonymous_round_sheet_names_nobody(workbook, nhs):
    ws = workbook["r4 Ranking"]
    rows = _sheet_rows(ws)
    header = rows[0]
    assert "Participant" not in header and "Name" not in header
    cells = [str(c) for r in rows for c in r if c is not None]
    assert not any(c in ("Participant", "Name", "Ballot") for c in cells)
    names = anonymous_names(nhs)
    for name in names:
        assert not any(name in c for c in cells)
    assert any("Secret ballot" in c for c in cells)
    assert len(ws._charts) == 1


def test_xlsx_writes_formulas_as_text_and_is_deterministic(hostile, tmp_path):
    path = xlsx.write(hostile, tmp_path / "h.xlsx")
    assert path.read_bytes() == xlsx.render_bytes(hostile)
    book = openpyxl.load_workbook(path)
    titles = [r[1] for r in book["Initiatives"].iter_rows(min_row=2, values_only=True)]
    assert titles[:3] == list(HOSTILE_TITLES)
    assert book["Initiatives"]["B4"].data_type == "s"  # a string, not a formula


def test_sheet_names_follow_excel_rules():
    used: set[str] = set()
    assert xlsx.sheet_name("a/b:c*d?[e]", used) == "a-b-c-d--e-"
    long = "x" * 40
    assert xlsx.sheet_name(long, used) == "x" * 31
    assert xlsx.sheet_name(long, used) == "x" * 27 + " (2)"
