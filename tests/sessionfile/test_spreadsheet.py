"""The spreadsheet reader and parsers (pure): what the TUI dialog and the CLI both rely on.

The CLI tests in tests/exchange cover the usual files; these pin the rules the
TUI's former CSV-only parser had (prerequisites by row or existing initiative,
separators, encodings, fractions) and the damaged-file cases.
"""

from __future__ import annotations

import time
from fractions import Fraction

import pytest

from workshop_tui.sessionfile import spreadsheet as sp
from workshop_tui.sessionfile.validate import parse_session_bytes


@pytest.fixture
def nhs(sample_bytes):
    return parse_session_bytes(sample_bytes("nhs-trust-where-to-start"), "nhs")


def parse(text: str | bytes, workshop, name: str = "list.csv") -> sp.InitiativeImport:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return sp.parse_initiatives(sp.read_table(data, name), workshop, name)


def problems(text: str | bytes, workshop) -> list[str]:
    with pytest.raises(sp.SpreadsheetError) as caught:
        parse(text, workshop)
    return [str(p) for p in caught.value.problems]


def test_prerequisites_name_a_row_or_an_existing_initiative_with_any_separator(nhs):
    result = parse("Title,Prerequisites\n"
                   "Bed board,Patient flow app | wifi ; Closed-loop medicines administration\n"
                   "Patient flow app,\"E-observations and NEWS2\nepr_opt\"\n", nhs)
    by_key = {i.key: i for i in result.added}
    assert by_key["bed_board"].depends_on == ("patient_flow_app", "wifi", "clmed")
    assert by_key["patient_flow_app"].depends_on == ("eobs", "epr_opt")


def test_an_initiative_cannot_need_itself(nhs):
    assert any("row 2" in p and "Prerequisites" in p
               for p in problems("Key,Title,Prerequisites\nloop,Loop,loop\n", nhs))


@pytest.mark.parametrize("data", [
    "Title;Effort\nCafé app;15/2\n".encode("utf-8-sig"),
    "Title;Effort\nCafé app;15/2\n".encode("cp1252"),
    "Title\tEffort\nCafé app\t7.5\n".encode("utf-16"),
], ids=["utf-8 with BOM", "windows-1252", "utf-16 tab-separated"])
def test_encodings_and_separators_excel_writes(nhs, data):
    item = parse(data, nhs).added[0]
    assert (item.key, item.title, item.effort) == ("cafe_app", "Café app", Fraction(15, 2))


def test_a_bom_with_bytes_that_are_not_utf8_is_refused_not_guessed(nhs):
    assert any("row 2" in p and "0xe9" in p for p in problems(b"\xef\xbb\xbfTitle\nCaf\xe9\n", nhs))


def test_a_vast_exponent_is_refused_at_once(nhs):
    start = time.monotonic()
    found = problems("Title,Cost\nBig,1e999999999\nTiny,1e-999999999\n", nhs)
    assert time.monotonic() - start < 2
    assert any(p.startswith("row 2, column 'Cost'") and "too large" in p for p in found)
    assert any(p.startswith("row 3, column 'Cost'") and "decimal places" in p for p in found)


def test_a_votes_sheet_naming_another_round_is_refused(nhs):
    sheet = sp.read_table(b"Round,Participant,Initiative,Dots\nr2,p11,wifi,2\nr3,p11,eobs,1\n", "paper.csv")
    with pytest.raises(sp.SpreadsheetError) as caught:
        sp.parse_votes(sheet, nhs, "r2", "paper.csv")
    assert [str(p) for p in caught.value.problems] == [
        "row 3, column 'Round': 'r3' is not round 'r2', the one being imported; import each round's votes separately"]


def test_every_header_is_shown_with_the_field_it_feeds():
    headers = ("Project", "Depends on", "Colour", "", "Title")
    assert sp.column_fields(headers, sp.INITIATIVE_HEADERS) == ("title", "depends_on", None, None, None)
