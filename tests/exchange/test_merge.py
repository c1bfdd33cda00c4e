"""merge: two sites' files with overlapping and distinct initiatives."""

from __future__ import annotations

import json

from tests.exchange.conftest import SAMPLES
from workshop_tui.exporters import markdown
from workshop_tui.sessionfile.validate import parse_session_bytes


def _site_b(tmp_path, **changes) -> str:
    """The nhs workshop as run at a second hospital: rpa under another key, one new initiative."""
    text = (SAMPLES / "nhs-trust-where-to-start.json").read_text(encoding="utf-8").replace('"rpa"', '"back_office_rpa"')
    data = json.loads(text)
    data["session"]["organisation"] = "Southfield General Hospital"
    data["rounds"] = [r for r in data["rounds"] if r["key"] != "r1"]  # the gates were assessed once, at site A
    data["initiatives"].append({"key": "sepsis", "title": "Sepsis screening alerts", "effort": 2})
    for key, value in changes.items():
        exec(f"data{key} = value")
    path = tmp_path / "southfield.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return str(path)


def test_merge_two_sites(cli, tmp_path):
    out = tmp_path / "merged.json"
    result = cli("merge", str(SAMPLES / "nhs-trust-where-to-start.json"), _site_b(tmp_path), "-o", str(out),
                 "--sites", "Northfield,Southfield")
    assert result.exit_code == 0, result.output
    assert "'back_office_rpa' matched 'rpa' by its title" in result.output
    w = parse_session_bytes(out.read_bytes(), "merged")
    assert [i.key for i in w.initiatives][-1] == "sepsis" and len(w.initiatives) == 15
    assert len(w.participants) == 24
    assert {p.site for p in w.participants} == {"Northfield", "Southfield"}
    assert any(p.key == "southfield-p01" for p in w.participants)
    r4 = w.round("r4")
    assert r4.anonymous and len({v.ballot for v in r4.votes}) == 22
    assert all(v.ballot.startswith(("northfield.", "southfield.")) for v in r4.votes)
    assert len(r4.voted) == 22 and all(v.participant is None for v in r4.votes)
    r2 = w.round("r2")
    assert {v.initiative for v in r2.votes} >= {"rpa"} and "back_office_rpa" not in {v.initiative for v in r2.votes}
    text = markdown.render(w)
    section = text[text.index("## Round r4"):]
    assert "Per-site ranking" in section and "Northfield (11)" in section and "Southfield (11)" in section


def test_merge_then_import(cli, tmp_path):
    out = tmp_path / "merged.json"
    result = cli("merge", str(SAMPLES / "nhs-trust-where-to-start.json"), _site_b(tmp_path), "-o", str(out),
                 "--import")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].isdigit()


def test_conflicts_are_listed_and_nothing_written(cli, tmp_path):
    out = tmp_path / "merged.json"
    path = _site_b(tmp_path, **{'["rounds"][0]["settings"]["budget"]': 7,
                                '["criteria"][2]["weight"]': 3})
    result = cli("merge", str(SAMPLES / "nhs-trust-where-to-start.json"), path, "-o", str(out))
    assert result.exit_code == 2
    assert "round 'r2': settings differ" in result.output
    assert "criterion 'consensus' differs" in result.output
    assert not out.exists()


def test_one_file_is_not_a_merge(cli, tmp_path):
    result = cli("merge", str(SAMPLES / "calderdale.json"), "-o", str(tmp_path / "x.json"))
    assert result.exit_code == 2
