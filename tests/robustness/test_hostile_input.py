"""The hostile-input corpus (tests/hostile/, see generate.py) through the real CLI.

Every session file must be refused with exit code 2, a message naming the file
and the place (a JSON path, or a line/offset for bytes that are not JSON), and
the database must stay byte for byte as it was (the file and any -wal file,
hashed). Each CSV file goes through the spreadsheet importer it is meant for and
is either refused the same way (naming the row and column) or, when it is only
unusual (a BOM, Windows-1252, semicolons, a formula-looking title), stored exactly
as written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"
# Per session file: the exit code, the place (a JSON path, or line/column/offset for
# bytes that are not JSON; "" only for a problem with the whole file), the thing
# named (an initiative's title, a key, a value; null when the place is the field
# itself) and what the message says. Each is asserted on its own, on one line.
EXPECTED: dict[str, dict] = json.loads((HOSTILE / "expected.json").read_text())
WHOLE_FILE = ("the file is empty", "must be an object, not")
CSV_EXPECTED: dict[str, dict] = json.loads((HOSTILE / "csv-expected.json").read_text())
TRIED: list[str] = []

pytestmark = pytest.mark.sqlite_only


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A database with the sample sessions in it, built once and copied for each test."""
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    path = tmp_path_factory.mktemp("template") / "workshop.db"
    db = open_database(f"sqlite:///{path}", backup=False)
    sessions.load_samples(db)
    db.dispose()  # the last connection checkpoints the WAL into the file
    assert not Path(f"{path}-wal").exists()
    return path


@pytest.fixture
def workshop_db(template, tmp_path) -> Path:
    path = tmp_path / "workshop.db"
    shutil.copyfile(template, path)
    return path


def fingerprint(path: Path) -> dict[str, str]:
    """Hashes of the database and its WAL (the -shm index is a cache and is left out)."""
    out = {}
    for p in (path, Path(f"{path}-wal")):
        if p.exists():
            out[p.name] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def refuse(db: Path, file: Path, expected: str, *command: str) -> str:
    before = fingerprint(db)
    result = CliRunner().invoke(main, ["--db", str(db), *(command or ("import",)), str(file)])
    assert result.exit_code == 2, (result.exit_code, result.output, result.exception)
    message = result.output
    assert file.name in message, message
    assert expected in message, message
    assert "Traceback" not in message
    assert fingerprint(db) == before, "the database changed"
    TRIED.append(file.name)
    return message


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.startswith("session/")))
def test_each_hostile_session_file_is_refused_and_changes_nothing(workshop_db, name):
    expected = EXPECTED[name]
    file = HOSTILE / name
    before = fingerprint(workshop_db)
    result = CliRunner().invoke(main, ["--db", str(workshop_db), "import", str(file)])
    assert result.exit_code == expected["exit"] == 2, (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    assert fingerprint(workshop_db) == before, "the database changed"
    header, *problems = result.output.splitlines()
    assert file.name in header, result.output
    assert problems, result.output
    place, thing, says = expected["place"], expected["thing"], expected["says"]
    assert place or says.startswith(WHOLE_FILE), f"{name}: a refusal must name its place"
    # One problem line carries all three: the place, the thing and what is wrong with it.
    line = next((p for p in problems if says in p), None)
    assert line is not None, (says, result.output)
    assert place in line, (place, line)
    if thing is not None:
        assert thing in line, (thing, line)
    TRIED.append(file.name)


NHS = json.loads((SAMPLES / "nhs-trust-where-to-start.json").read_text())["session"]["title"]


def _csv_command(name: str) -> tuple[str, ...]:
    """The real importer for a corpus CSV: initiatives, or paper votes for the NHS sample's dots round."""
    if name.startswith("initiatives-"):
        return ("import-initiatives", NHS)
    return ("import-votes", NHS, "--round", "r2")


@pytest.mark.parametrize("name", sorted(CSV_EXPECTED))
def test_each_hostile_csv_file_is_refused_or_stored_literally(workshop_db, name, tmp_path):
    expectation = CSV_EXPECTED[name]
    file = HOSTILE / "csv" / name
    if "refused" in expectation:
        refuse(workshop_db, file, expectation["refused"], *_csv_command(name))
        return
    result = CliRunner().invoke(main, ["--db", str(workshop_db), *_csv_command(name), str(file)])
    assert result.exit_code == 0, (result.output, result.exception)
    assert expectation.get("says", "") in result.output
    assert "\x1b" not in result.output  # nothing from the file reaches the terminal raw
    workshop = _load(workshop_db)
    stored = expectation["stored"]
    if isinstance(stored, dict):
        for key, fields in stored.items():
            item = workshop.initiative(key)
            assert {field: str(getattr(item, field)) for field in fields} == fields
    else:
        paper = [v for v in workshop.round("r2").votes if v.channel == "paper"]
        assert [{"participant": v.participant, "initiative": v.initiative, "value": v.value, "note": v.note}
                for v in paper] == stored


def test_a_formula_looking_title_is_stored_as_typed_and_neutralised_in_the_csv_export(workshop_db, tmp_path):
    file = HOSTILE / "csv" / "initiatives-formula-injection.csv"
    assert CliRunner().invoke(main, ["--db", str(workshop_db), *_csv_command(file.name), str(file)]).exit_code == 0
    formula = '=HYPERLINK("http://evil.example","click")'
    assert _load(workshop_db).initiative("epr").title == formula
    out = tmp_path / "export"
    result = CliRunner().invoke(main, ["--db", str(workshop_db), "export", NHS, "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO((out / "initiatives.csv").read_text(encoding="utf-8-sig"))))
    assert ["epr", "'" + formula] == rows[[r[0] for r in rows].index("epr")][:2]


def _load(path: Path):
    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    db = open_database(f"sqlite:///{path}", backup=False)
    try:
        summary = next(s for s in sessions.list_sessions(db) if s.title == NHS)
        return sessions.load(db, summary.id)
    finally:
        db.dispose()


def test_a_10_mb_title_is_refused(workshop_db, tmp_path, sample_bytes):
    data = json.loads(sample_bytes("calderdale"))
    data["session"]["title"] = "T" * 10_000_000
    big = tmp_path / "ten-megabyte-title.json"
    big.write_text(json.dumps(data))
    refuse(workshop_db, big, "session.title: is 10,000,000 characters long")


def test_a_file_over_the_size_limit_is_refused_before_parsing(workshop_db, tmp_path):
    huge = tmp_path / "twenty-five-megabytes.json"
    with huge.open("wb") as handle:
        handle.write(b'{"format": "workshop-tui/session", "pad": "')
        handle.write(b"x" * 25_000_000)
        handle.write(b'"}')
    refuse(workshop_db, huge, "the limit is")


def test_a_million_votes_in_one_round_is_refused_with_a_limit(workshop_db, tmp_path, sample_bytes):
    data = json.loads(sample_bytes("calderdale"))
    data["rounds"][0]["votes"] = [{}] * 1_000_001
    many = tmp_path / "many-votes.json"
    many.write_text(json.dumps(data, separators=(",", ":")))
    refuse(workshop_db, many, "rounds[0].votes: has 1,000,001 entries; the limit is 1,000,000")


def test_every_expected_refusal_names_a_place_unless_it_is_about_the_whole_file():
    for name, expected in EXPECTED.items():
        assert set(expected) == {"exit", "place", "thing", "says"}, name
        assert expected["place"] or expected["says"].startswith(WHOLE_FILE), name


def test_the_corpus_is_big_enough(figures):
    sessions = [n for n in EXPECTED if n.startswith("session/")]
    csvs = list(CSV_EXPECTED)
    assert len(sessions) + len(csvs) >= 50 and len(sessions) >= 50
    figures("hostile inputs", f"{len(sessions)} session files + {len(csvs)} CSV files in tests/hostile, "
                              f"+ 3 generated at test time; {len(TRIED)} refused with exit 2 so far in this run, "
                              "database bytes unchanged each time")
