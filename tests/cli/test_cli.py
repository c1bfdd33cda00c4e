import json
import sqlite3

from click.testing import CliRunner

from workshop_tui.cli import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def dump(path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def test_demo_then_sessions_lists_the_samples(tmp_path):
    db = tmp_path / "x.db"
    result = run("--db", db, "demo")
    assert result.exit_code == 0, result.output
    assert "loaded" in result.output
    listed = json.loads(run("--db", db, "sessions", "--json").output)
    assert {s["title"] for s in listed} >= {"Investment prioritisation matrix"}
    assert all({"id", "title", "organisation", "date"} <= set(s) for s in listed)
    assert len(listed) == 3


def test_demo_is_idempotent(tmp_path):
    db = tmp_path / "x.db"
    run("--db", db, "demo")
    again = run("--db", db, "demo")
    assert "already there" in again.output
    assert len(json.loads(run("--db", db, "sessions", "--json").output)) == 3


def test_import_prints_the_id_and_export_round_trips(tmp_path, sample_bytes):
    db = tmp_path / "x.db"
    source = tmp_path / "in.json"
    source.write_bytes(sample_bytes("nhs-trust-where-to-start"))
    result = run("--db", db, "import", source, "--json")
    assert result.exit_code == 0, result.output
    session_id = json.loads(result.output)["id"]
    out = tmp_path / "out.json"
    assert run("--db", db, "export", session_id, "--format", "json", "-o", out).exit_code == 0
    second_id = json.loads(run("--db", db, "import", out, "--json").output)["id"]
    out2 = tmp_path / "out2.json"
    run("--db", db, "export", second_id, "--format", "json", "-o", out2)
    assert out.read_bytes() == out2.read_bytes()


def test_a_bad_file_exits_2_names_the_place_and_changes_nothing(tmp_path, sample_bytes):
    db = tmp_path / "x.db"
    run("--db", db, "demo")
    before = dump(db)
    data = json.loads(sample_bytes("calderdale"))
    data["rounds"][0]["votes"][3]["value"] = 11
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(data))
    result = CliRunner().invoke(main, ["--db", str(db), "import", str(bad)])
    assert result.exit_code == 2
    assert "bad.json" in result.output
    assert "score 11 is above the scale's maximum 10" in result.output
    assert "(rounds[0].votes[3].value)" in result.output
    assert dump(db) == before


def test_a_missing_file_is_bad_input(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "import", str(tmp_path / "nope.json")])
    assert result.exit_code == 2
    assert "no such file" in result.output


def test_an_unknown_session_is_bad_input(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "x.db"), "export", "42", "-o", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no session '42'" in result.output


def test_the_database_can_be_chosen_by_environment(tmp_path, monkeypatch):
    db = tmp_path / "env.db"
    monkeypatch.setenv("WORKSHOP_TUI_DB", str(db))
    assert run("demo").exit_code == 0
    assert db.exists()


def test_without_options_the_database_lives_in_the_data_directory(_isolated_data_dir):
    assert run("demo").exit_code == 0
    assert (_isolated_data_dir / "workshop.db").exists()


def test_a_file_that_is_not_a_database_is_left_untouched(tmp_path):
    not_db = tmp_path / "notes.db"
    not_db.write_text("shopping list")
    result = CliRunner().invoke(main, ["--db", str(not_db), "sessions"])
    assert result.exit_code == 1
    assert "not an SQLite database" in result.output
    assert not_db.read_text() == "shopping list"


def test_export_all_formats_into_a_folder(tmp_path):
    db = tmp_path / "x.db"
    run("--db", db, "demo")
    out = tmp_path / "pack"
    result = run("--db", db, "export", "1", "--format", "all", "-o", out)
    assert result.exit_code == 0, result.output
    assert sorted(p.suffix for p in out.iterdir()) == [".csv", ".html", ".json", ".md", ".xlsx"]
    single = tmp_path / "single.md"
    run("--db", db, "export", "1", "--format", "md", "-o", single)
    assert next(out.glob("*.md")).read_bytes() == single.read_bytes()
    two = tmp_path / "two"
    assert run("--db", db, "export", "1", "--format", "md", "--format", "html", "-o", two).exit_code == 0
    assert sorted(p.suffix for p in two.iterdir()) == [".html", ".md"]
    assert run("--db", db, "export", "1", "--format", "all", "-o", "-").exit_code == 2
