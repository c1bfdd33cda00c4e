"""The json export is the session file: golden, and a byte-identical round trip through the database."""

from __future__ import annotations

import json

from click.testing import CliRunner

from tests.exporters.conftest import SAMPLES
from workshop_tui.cli import main
from workshop_tui.exporters import session_json


def test_json_matches_golden(nhs, golden):
    golden("nhs.json", session_json.render(nhs).encode("utf-8"))


def test_json_anonymous_round_has_ballots_not_people(nhs):
    data = json.loads(session_json.render(nhs))
    r4 = next(r for r in data["rounds"] if r["key"] == "r4")
    assert r4["anonymous"] is True
    assert all("participant" not in v and v["ballot"] for v in r4["votes"])
    names = [p["name"] for p in data["participants"]]
    assert not any(name in json.dumps(r4, ensure_ascii=False) for name in names)


def test_round_trip_export_import_export_is_byte_identical(db_path, tmp_path):
    runner = CliRunner()
    for sample in sorted(SAMPLES.glob("*.json")):
        first = tmp_path / f"{sample.stem}-1.json"
        second = tmp_path / f"{sample.stem}-2.json"
        result = runner.invoke(main, ["--db", str(db_path), "import", str(sample)])
        assert result.exit_code == 0, result.output
        sid = result.output.strip()
        assert runner.invoke(main, ["--db", str(db_path), "export", sid, "--format", "json", "-o", str(first)]).exit_code == 0
        result = runner.invoke(main, ["--db", str(db_path), "import", str(first)])
        assert result.exit_code == 0, result.output
        again = result.output.strip()
        assert runner.invoke(main, ["--db", str(db_path), "export", again, "--format", "json", "-o", str(second)]).exit_code == 0
        assert first.read_bytes() == second.read_bytes()


def test_every_format_exports_from_the_cli(db_path, tmp_path):
    runner = CliRunner()
    sid = runner.invoke(main, ["--db", str(db_path), "import", str(SAMPLES / "nhs-trust-where-to-start.json")]).output.strip()
    for fmt, name in (("md", "b.md"), ("html", "b.html"), ("xlsx", "b.xlsx"), ("csv", "tables"), ("csv", "t.zip")):
        result = runner.invoke(main, ["--db", str(db_path), "export", sid, "--format", fmt, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).exists()
    out = runner.invoke(main, ["--db", str(db_path), "export", sid, "--format", "md", "-o", "-"])
    assert out.output.startswith("# Decide where to start")
    assert runner.invoke(main, ["--db", str(db_path), "export", sid, "--format", "xlsx", "-o", "-"]).exit_code == 2
