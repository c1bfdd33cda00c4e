"""User text with markup, terminal escapes, HTML or spreadsheet formulas is kept literally
in the data and the exports, and printed to a terminal harmlessly."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main
from workshop_tui.textsafe import for_terminal

pytestmark = pytest.mark.sqlite_only

NASTY = {
    "markup": "[bold red]x[/] [link=http://evil.example]click[/link]",
    "escapes": "Board\x1b[2J\x1b]0;pwned\x07 day\x9b31m",
    "html": "<script>alert('x')</script> &amp; <b>bold</b>",
    "formula": "=HYPERLINK(\"http://evil.example\",\"open\")",
    "bidi": "invoice\u202eexe.pdf",
}


def nasty_session(sample_bytes) -> dict:
    data = json.loads(sample_bytes("calderdale"))
    data["session"]["title"] = NASTY["markup"] + " " + NASTY["escapes"]
    data["session"]["organisation"] = NASTY["html"] + " " + NASTY["bidi"]
    data["session"]["facilitator"] = NASTY["formula"]
    data["participants"][0]["name"] = "@SUM(A1:A9)+cmd|' /C calc'!A0"
    data["initiatives"][0]["description"] = "\n".join(NASTY.values())
    return data


@pytest.fixture
def imported(tmp_path, sample_bytes):
    db = tmp_path / "x.db"
    source = tmp_path / "nasty.json"
    data = nasty_session(sample_bytes)
    source.write_text(json.dumps(data), encoding="utf-8")
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(source), "--json"])
    assert result.exit_code == 0, result.output
    return db, json.loads(result.output)["id"], data


def test_stored_and_exported_literally(imported, tmp_path):
    db, session_id, data = imported
    out = tmp_path / "out.json"
    assert CliRunner().invoke(main, ["--db", str(db), "export", str(session_id), "-o", str(out)]).exit_code == 0
    exported = json.loads(out.read_text(encoding="utf-8"))
    for part in ("title", "organisation", "facilitator"):
        assert exported["session"][part] == data["session"][part]
    assert exported["participants"][0]["name"] == data["participants"][0]["name"]
    assert exported["initiatives"][0]["description"] == data["initiatives"][0]["description"]
    assert "\x1b" not in out.read_text(encoding="utf-8")  # JSON escapes it as \u001b


def test_sessions_json_keeps_the_text(imported):
    db, _, data = imported
    listed = json.loads(CliRunner().invoke(main, ["--db", str(db), "sessions", "--json"]).output)
    assert listed[0]["title"] == data["session"]["title"]


@pytest.mark.parametrize("force_colour", [False, True])
def test_the_sessions_table_shows_text_literally_and_never_emits_the_escapes(imported, monkeypatch, force_colour):
    db, _, _ = imported
    if force_colour:
        monkeypatch.setenv("FORCE_COLOR", "1")
        monkeypatch.setenv("COLUMNS", "400")
    else:
        monkeypatch.setenv("COLUMNS", "400")
    result = CliRunner().invoke(main, ["--db", str(db), "sessions"])
    assert result.exit_code == 0
    out = result.output
    assert "[bold red]x[/]" in out  # markup shown, not applied
    assert "<script>" in out
    assert "\x1b[2J" not in out and "\x1b]0;" not in out and "\x07" not in out and "\x9b" not in out
    assert "\\x1b[2J" in out  # made visible instead
    assert "\u202e" not in out and "\\u202e" in out


def test_for_terminal_keeps_ordinary_text():
    assert for_terminal("Café – naïve\tx\ny 東京") == "Café – naïve\tx\ny 東京"
    assert for_terminal("a\x1bb\x00c\x7f") == "a\\x1bb\\x00c\\x7f"
