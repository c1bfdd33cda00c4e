"""Hostile spreadsheets are refused early: each is read in a child process with its
address space capped at 1 GB (so the old behaviour, gigabytes and a MemoryError, fails
the test instead of the machine), which reports the refusal and the peak of Python
allocations. On main the 1.6 KB workbook declaring A1:XFD1048576 took 3.9 GB and 47 s."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest

from robustness_helpers import worker_env

CHILD = r"""
import json, resource, sys, time, tracemalloc
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from workshop_tui.sessionfile.spreadsheet import SpreadsheetError, read_table
import openpyxl, zipfile  # imported before measuring: the import is not the read
data = open(sys.argv[1], "rb").read()
tracemalloc.start()
started = time.monotonic()
try:
    read_table(data, sys.argv[2])
    outcome = {"refused": None}
except SpreadsheetError as exc:
    outcome = {"refused": exc.render()}
outcome["peak"] = tracemalloc.get_traced_memory()[1]
outcome["seconds"] = round(time.monotonic() - started, 3)
print(json.dumps(outcome))
"""


def read_in_child(tmp_path, data: bytes, name: str) -> dict:
    path = tmp_path / name
    path.write_bytes(data)
    done = subprocess.run([sys.executable, "-c", CHILD, str(path), name], capture_output=True, text=True,
                          env=worker_env(), timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)


def small_workbook() -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Key", "Title"])
    sheet.append(["a", "Wi-Fi"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite(data: bytes, member: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == member else content)
    return out.getvalue()


def test_declared_dimensions_beyond_the_caps_are_refused_at_once(tmp_path, figures):
    import re

    far = b'<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'

    def declare(xml: bytes) -> bytes:
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
        return xml.replace(b"</sheetData>", far, 1)

    bomb = rewrite(small_workbook(), "xl/worksheets/sheet1.xml", declare)
    assert len(bomb) < 10_000
    outcome = read_in_child(tmp_path, bomb, "bomb.xlsx")
    assert outcome["refused"] and "16,384 columns" in outcome["refused"], outcome
    assert outcome["peak"] < 20 * 1024 * 1024, outcome
    figures("xlsx declaring A1:XFD1048576", f"refused in {outcome['seconds']} s, peak {outcome['peak']:,} bytes")


def test_a_workbook_that_unpacks_to_too_much_is_refused_before_parsing(tmp_path, figures):
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    huge = b"<worksheet><sheetData>" + row * (100 * 1024 * 1024 // len(row)) + b"</sheetData></worksheet>"
    bomb = rewrite(small_workbook(), "xl/worksheets/sheet1.xml", lambda _xml: huge)
    del huge
    outcome = read_in_child(tmp_path, bomb, "zip-bomb.xlsx")
    assert outcome["refused"] and "unpacks to" in outcome["refused"], outcome
    assert outcome["peak"] < 20 * 1024 * 1024, outcome
    figures("xlsx unpacking to 100 MB", f"{len(bomb):,} bytes, refused in {outcome['seconds']} s")


def test_rows_are_streamed_and_stop_at_the_cap(tmp_path):
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Key", "Title"])
    for n in range(6000):
        sheet.append([f"k{n}", f"Initiative {n}"])
    buffer = io.BytesIO()
    book.save(buffer)
    outcome = read_in_child(tmp_path, buffer.getvalue(), "rows.xlsx")
    assert outcome["refused"] and "more than 5000 rows" in outcome["refused"], outcome


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_csv_without_bom_are_read(codec):
    from workshop_tui.sessionfile.spreadsheet import read_table

    text = "Key,Title\r\nwifi,Wi-Fi everywhere\r\nepr,Électronic record\r\n"
    sheet = read_table(text.encode(codec), "initiatives.csv")
    assert sheet.headers == ("Key", "Title")
    assert sheet.rows[1][1] == "Électronic record"
    assert any(codec.upper() in note for note in sheet.notes)


def test_nul_bytes_in_no_pattern_are_refused_plainly():
    from workshop_tui.sessionfile.spreadsheet import SpreadsheetError, read_table

    with pytest.raises(SpreadsheetError) as caught:
        read_table(b"Key,Title\nwifi,Wi\x00Fi\x00\x00\x00x\x00\x00\x00\x00\n" * 3, "odd.csv")
    assert "NUL" in caught.value.render() and "\\x00" not in caught.value.render()
