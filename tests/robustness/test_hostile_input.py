"""The hostile-input corpus (tests/hostile/, see generate.py) through the real CLI.

Every file must be refused with exit code 2, a message naming the file and the
place (a JSON path, or a line/offset for bytes that are not JSON), and the
database must stay byte for byte as it was (the file and any -wal file, hashed).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main

HOSTILE = Path(__file__).resolve().parents[1] / "hostile"
EXPECTED: dict[str, str] = json.loads((HOSTILE / "expected.json").read_text())
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
    refuse(workshop_db, HOSTILE / name, EXPECTED[name])


def _csv_command() -> tuple[str, ...]:
    """The CSV importers, once they exist; until then the session importer, which must refuse CSV."""
    names = set(main.commands)
    return ("import-initiatives",) if "import-initiatives" in names else ("import",)


@pytest.mark.parametrize("name", sorted(n for n in EXPECTED if n.startswith("csv/")))
def test_each_hostile_csv_file_is_refused_and_changes_nothing(workshop_db, name):
    command = _csv_command()
    if command != ("import",):
        pytest.skip("CSV importers exist now: give this corpus its own expectations for them")
    refuse(workshop_db, HOSTILE / name, EXPECTED[name], *command)


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
    data["rounds"][0]["votes"] = [{}] * 150_000
    many = tmp_path / "many-votes.json"
    many.write_text(json.dumps(data))
    refuse(workshop_db, many, "rounds[0].votes: has 150,000 entries")


def test_the_corpus_is_big_enough(figures):
    sessions = [n for n in EXPECTED if n.startswith("session/")]
    csvs = [n for n in EXPECTED if n.startswith("csv/")]
    assert len(sessions) + len(csvs) >= 50 and len(sessions) >= 50
    figures("hostile inputs", f"{len(sessions)} session files + {len(csvs)} CSV files in tests/hostile, "
                              f"+ 3 generated at test time; {len(TRIED)} refused with exit 2 so far in this run, "
                              "database bytes unchanged each time")
