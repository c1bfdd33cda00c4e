"""`workshop-tui results` and `plan`: the JSON shapes of issue 3 and readable tables."""

from __future__ import annotations

import json

from click.testing import CliRunner

from workshop_tui.cli import main


def run(db_path, *args):
    return CliRunner().invoke(main, ["--db", str(db_path), *args], catch_exceptions=False)


def nhs(db_path) -> str:
    run(db_path, "demo")
    return "Decide where to start: digital exemplars 2027-29"


def test_results_json_has_the_documented_shape(db_path):
    session = nhs(db_path)
    out = run(db_path, "results", session, "--round", "r2", "--json")
    assert out.exit_code == 0
    data = json.loads(out.output)
    assert {"session", "round", "method", "ballots", "ranking", "agreement"} <= set(data)
    assert data["round"] == "r2" and data["method"] == "dots"
    assert set(data["ballots"]) >= {"counted", "blank", "rejected"} and data["ballots"]["counted"] == 11
    first = data["ranking"][0]
    assert {"initiative", "title", "rank", "score", "supporters", "spread", "contested"} <= set(first)
    assert (first["initiative"], first["rank"], first["score"], first["supporters"]) == ("eobs", 1, 8, 4)
    ranks = [row["rank"] for row in data["ranking"]]
    assert ranks == sorted(ranks)


def test_results_default_to_the_latest_round_with_votes(db_path):
    session = nhs(db_path)
    data = json.loads(run(db_path, "results", session, "--json").output)
    assert data["round"] == "r4" and data["method"] == "ranking"


def test_results_table_shows_declared_ties_and_contested_items(db_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "120")  # the table wraps to the terminal: room for the flags on one line
    session = nhs(db_path)
    out = run(db_path, "results", session, "--round", "r2")
    assert out.exit_code == 0
    assert "=2" in out.output and "room split" in out.output and "Ballots counted: 11" in out.output


def test_results_table_flags_few_scores_as_the_screen_does(db_path, monkeypatch):
    # METHODS §6: fewer than three scores are flagged, not hidden; the words are the
    # screen's (presentation.consensus_flags), not a second wording of the CLI's own.
    from pathlib import Path

    from workshop_tui.services import voting

    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    monkeypatch.setenv("COLUMNS", "120")
    session = nhs(db_path)
    db = open_database(f"sqlite:///{db_path}")
    sid = next(s.id for s in sessions.list_sessions(db) if s.title == session)
    key = voting.create_round(db, sid, method="dots", title="One voice")
    workshop = sessions.load(db, sid)
    voting.open_desk(db, sid, key).cast(workshop.participants[0].key, workshop.initiatives[0].key, None, 2)
    voting.reveal_round(db, sid, key)
    db.dispose()
    out = run(db_path, "results", session, "--round", key)
    assert out.exit_code == 0, out.output
    assert "flags" in out.output and "few scores" in out.output
    src = Path(__file__).resolve().parents[2] / "src" / "workshop_tui"
    for module in [*sorted((src / "tui").rglob("*.py")), *sorted((src / "commands").rglob("*.py"))]:
        text = module.read_text(encoding="utf-8")
        assert '"room split"' not in text and '"few scores"' not in text, module


def test_plan_json_has_the_documented_shape(db_path):
    session = nhs(db_path)
    data = json.loads(run(db_path, "plan", session, "--json").output)
    assert {"round", "bandwidth", "bottlenecks", "will_do", "not_now", "optimiser"} <= set(data)
    assert data["bandwidth"] == 4
    assert {"key", "capacity", "used"} <= set(data["bottlenecks"][0])
    assert {"initiative", "rank", "wave", "decided"} <= set(data["will_do"][0])
    reasons = [r for row in data["not_now"] for r in row["reasons"]]
    assert reasons and {"code", "detail"} <= set(reasons[0])
    codes = {row["initiative"]: [r["code"] for r in row["reasons"]] for row in data["will_do"]}
    assert codes["voice"] == ["override_stretch"] and codes["eobs"] == ["priority"]  # the sample's rationale
    assert data["stretch_slots"] == 1 and data["undecided"] == [] and data["condorcet_winner"] == "eobs"
    assert data["overrides"][0]["effect"].endswith("above the bandwidth by decision of the facilitator; displaced nothing")


def test_plan_table_explains_each_outcome(db_path):
    session = nhs(db_path)
    out = run(db_path, "plan", session, "--round", "r3")
    assert out.exit_code == 0
    assert "will do" in out.output and "not now" in out.output and "Integration engineers" in out.output


def test_an_unknown_round_or_session_is_bad_input(db_path):
    session = nhs(db_path)
    out = CliRunner().invoke(main, ["--db", str(db_path), "results", session, "--round", "zz"])
    assert out.exit_code == 2 and "no round 'zz'" in out.output
    out = CliRunner().invoke(main, ["--db", str(db_path), "plan", "Nope"])
    assert out.exit_code == 2
