"""import-initiatives: header mapping, encodings, all-or-nothing with every row's problems."""

from __future__ import annotations

import json

import xlsxwriter

from workshop_tui.services import sessions
from workshop_tui.storage.engine import open_database


def _load(db_path, sid):
    db = open_database(f"sqlite:///{db_path}")
    try:
        return sessions.load(db, int(sid))
    finally:
        db.dispose()


def test_good_csv_with_synonyms_bom_and_semicolons(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "long-list.csv"
    path.write_bytes("\ufeffProject;Owner;Service Area;Portfolio;Core/Experiment;Effort;Cost;Depends on;Decided\n"
                     "Théatre scheduling;Ms Ndiaye;Surgery;Improve;Core;2.5;£120,000;Wi-Fi and network refresh;\n"
                     "Bed board;;Flow;transform;experiment;3;;théatre SCHEDULING, epr_opt;Programme in flight\n"
                     .encode("utf-8"))
    result = cli("import-initiatives", nhs_id, str(path), "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    assert out["added"] == ["theatre_scheduling", "bed_board"] and out["updated"] == []
    w = _load(db_path, nhs_id)
    theatre = w.initiative("theatre_scheduling")
    assert theatre.title == "Théatre scheduling" and str(theatre.effort) == "5/2" and theatre.cost == 120000
    assert theatre.depends_on == ("wifi",) and theatre.kind == "core" and theatre.portfolio == "improve"
    bed = w.initiative("bed_board")
    assert bed.depends_on == ("theatre_scheduling", "epr_opt") and bed.decided == "in_flight"


def test_bad_csv_reports_every_row_and_imports_nothing(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("Title,Effort,Kind,Depends on,Key\n"
                    "Good one,2,core,,good\n"
                    ",3,core,,\n"
                    "Bad effort,lots,core,,\n"
                    "Bad kind,1,pilot,,\n"
                    "Bad dep,1,core,nowhere,\n"
                    "Dup key,1,core,,good\n", encoding="utf-8")
    before = len(_load(db_path, nhs_id).initiatives)
    result = cli("import-initiatives", nhs_id, str(path))
    assert result.exit_code == 2
    text = result.output
    assert "row 3, column 'Title'" in text
    assert "row 4, column 'Effort': 'lots' is not a number" in text
    assert "row 5, column 'Kind'" in text
    assert "row 6, column 'Depends on': 'nowhere'" in text
    assert "row 7, column 'Key'" in text
    assert len(_load(db_path, nhs_id).initiatives) == before


def test_unknown_column_and_cycle_are_reported(cli, nhs_id, tmp_path):
    path = tmp_path / "cycle.csv"
    path.write_text("Key,Title,Depends on,Colour\na1,A,b1,red\nb1,B,a1,blue\n", encoding="utf-8")
    result = cli("import-initiatives", nhs_id, str(path))
    assert result.exit_code == 2 and "column 'Colour': unknown column" in result.output
    path.write_text("Key,Title,Depends on\na1,A,b1\nb1,B,a1\n", encoding="utf-8")
    result = cli("import-initiatives", nhs_id, str(path))
    assert result.exit_code == 2 and "dependency cycle" in result.output


def test_cp1252_fallback_is_reported(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "excel.csv"
    path.write_bytes("Title,Owner\nCafé app,Zoë\n".encode("cp1252"))
    result = cli("import-initiatives", nhs_id, str(path))
    assert result.exit_code == 0, result.output
    assert "Windows-1252" in result.stderr if hasattr(result, "stderr") else True
    assert _load(db_path, nhs_id).initiative("cafe_app").owner == "Zoë"


def test_update_by_key_keeps_demands(cli, nhs_id, db_path, tmp_path):
    path = tmp_path / "update.csv"
    path.write_text("Key,Title,Effort\neobs,E-observations and NEWS2 (phase 1),2\n", encoding="utf-8")
    result = cli("import-initiatives", nhs_id, str(path), "--json")
    assert json.loads(result.output)["updated"] == ["eobs"]
    eobs = _load(db_path, nhs_id).initiative("eobs")
    assert eobs.title.endswith("(phase 1)") and eobs.effort == 2 and eobs.demands["cso"] == 2


def _xlsx(path, rows):
    book = xlsxwriter.Workbook(str(path))
    ws = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, (int, float)):
                ws.write_number(r, c, value)
            elif value is not None:
                ws.write_string(r, c, value)
    book.close()
    return path


def test_xlsx_good_and_bad(cli, nhs_id, db_path, tmp_path):
    good = _xlsx(tmp_path / "good.xlsx", [["Initiative", "Effort", "Cost"], ["Sepsis alerts", 1.5, 90000]])
    result = cli("import-initiatives", nhs_id, str(good))
    assert result.exit_code == 0, result.output
    sepsis = _load(db_path, nhs_id).initiative("sepsis_alerts")
    assert str(sepsis.effort) == "3/2" and sepsis.cost == 90000
    bad = _xlsx(tmp_path / "bad.xlsx", [["Name", "Effort"], ["Neg", -1], ["Sepsis alerts", 2]])
    result = cli("import-initiatives", nhs_id, str(bad))
    assert result.exit_code == 2
    assert "row 2, column 'Effort': must not be negative" in result.output
    assert "row 3, column 'Name'" in result.output  # the title is already there without a key
