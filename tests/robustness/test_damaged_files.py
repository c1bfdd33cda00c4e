"""Damaged or foreign files are refused with a plain message and never written to.

Each case hashes the file before and after; the CLI exits 1 (a database that
cannot be opened is not "bad input" on the command line; see docs/robustness.md).

Read-only cases: the suite runs as root in CI, and root may write to a file or a
folder whatever its mode bits say (os.access agrees), so a read-only location
cannot be simulated for root. Those tests therefore open the database in a forked
child that has dropped to the unprivileged user ``nobody``, which is exactly the
situation of a facilitator whose file is read-only. Run as a normal user they run
in-process.
"""

from __future__ import annotations

import hashlib
import os
import pwd
import sqlite3
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from workshop_tui.cli import main
from workshop_tui.storage.engine import DatabaseError, open_database



def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def real_db(tmp_path, sample_bytes) -> Path:
    from workshop_tui.services import sessions

    path = tmp_path / "workshop.db"
    db = open_database(f"sqlite:///{path}")
    sessions.load_samples(db)
    db.dispose()
    return path


def refuse(path: Path, expected: str) -> str:
    before = digest(path)
    neighbours = sorted(p.name for p in path.parent.iterdir())
    result = CliRunner().invoke(main, ["--db", str(path), "sessions"])
    assert result.exit_code == 1, result.output
    assert expected in result.output, result.output
    assert "Traceback" not in result.output
    assert digest(path) == before, "the file was changed"
    assert sorted(p.name for p in path.parent.iterdir()) == neighbours, "files were created beside it"
    return result.output


@pytest.mark.sqlite_only
def test_pages_overwritten_in_the_middle(real_db):
    size = real_db.stat().st_size
    with real_db.open("r+b") as handle:
        handle.seek(4096 * 2)  # the third page onwards: table b-trees
        handle.write(b"\xde\xad\xbe\xef" * ((size - 4096 * 2) // 8))
    refuse(real_db, "damaged")


@pytest.mark.sqlite_only
def test_a_truncated_database(real_db):
    with real_db.open("r+b") as handle:
        handle.truncate(real_db.stat().st_size // 2)
    refuse(real_db, "damaged")


@pytest.mark.sqlite_only
def test_a_header_with_garbage_after_the_magic(real_db):
    data = bytearray(real_db.read_bytes())
    data[16:100] = b"\xff" * 84  # page size, versions, counters: nonsense
    real_db.write_bytes(bytes(data))
    refuse(real_db, "damaged")


@pytest.mark.sqlite_only
def test_a_file_that_is_not_sqlite(tmp_path):
    notes = tmp_path / "notes.db"
    notes.write_text("shopping list: milk, eggs")
    refuse(notes, "is not an SQLite database; it was left untouched")


@pytest.mark.sqlite_only
def test_another_applications_sqlite_database(tmp_path):
    other = tmp_path / "other.db"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO customers (name) VALUES ('Ada')")
    conn.commit()
    conn.close()
    refuse(other, "holds tables that are not workshop-tui's (customers)")


@pytest.mark.sqlite_only
def test_a_database_from_a_newer_version(real_db):
    conn = sqlite3.connect(real_db)
    conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
    conn.commit()
    conn.close()
    out = refuse(real_db, "written by a newer version of workshop-tui")
    assert "9999_from_the_future" in out


def test_a_newer_version_on_postgres_too(db):
    """The same refusal on any backend (runs on PostgreSQL when configured)."""
    from sqlalchemy import text

    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    with pytest.raises(DatabaseError, match="newer version"):
        open_database(db.url)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "9999_from_the_future"


# -- read-only locations ----------------------------------------------------------

def as_unprivileged(func, *args) -> str | None:
    """Run ``func(*args)`` as an ordinary user; return the DatabaseError message, or None."""
    if os.geteuid() != 0:
        try:
            func(*args)
        except DatabaseError as exc:
            return str(exc)
        return None
    nobody = pwd.getpwnam("nobody")
    import workshop_tui.storage.migrate  # noqa: F401  (imported before the fork: the child may not read /root)
    import workshop_tui.storage.backup  # noqa: F401
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: drop to nobody, try, report, and leave without cleanup
        os.close(read)
        code = 0
        try:
            os.setgroups([])
            os.setgid(nobody.pw_gid)
            os.setuid(nobody.pw_uid)
            func(*args)
            os.write(write, b"OK:")
        except DatabaseError as exc:
            os.write(write, b"DB:" + str(exc).encode())
        except BaseException as exc:  # noqa: BLE001
            os.write(write, f"XX:{type(exc).__name__}: {exc}".encode())
            code = 1
        finally:
            os._exit(code)
    os.close(write)
    chunks = []
    while chunk := os.read(read, 65536):
        chunks.append(chunk)
    os.close(read)
    os.waitpid(pid, 0)
    answer = b"".join(chunks).decode()
    assert not answer.startswith("XX:"), answer
    return answer[3:] if answer.startswith("DB:") else None


def _open_and_close(url: str) -> None:
    open_database(url).dispose()


@pytest.fixture
def open_dir():
    """A folder outside pytest's private (0700) tmp tree, so `nobody` can reach it."""
    folder = Path(tempfile.mkdtemp(prefix="workshop-tui-ro-"))
    folder.chmod(0o755)
    yield folder
    for p in folder.rglob("*"):
        p.chmod(0o755 if p.is_dir() else 0o644)
    folder.chmod(0o755)
    import shutil

    shutil.rmtree(folder)


def _db_in(folder: Path) -> Path:
    path = folder / "workshop.db"
    db = open_database(f"sqlite:///{path}")
    db.dispose()
    return path


@pytest.mark.sqlite_only
def test_a_read_only_file(open_dir):
    path = _db_in(open_dir)
    path.chmod(0o444)
    before = digest(path)
    message = as_unprivileged(_open_and_close, f"sqlite:///{path}")
    assert message and "is read-only" in message
    assert digest(path) == before


@pytest.mark.sqlite_only
def test_a_writable_file_in_a_read_only_folder(open_dir):
    path = _db_in(open_dir)
    path.chmod(0o666)
    beside = sorted(p.name for p in open_dir.iterdir())  # the database and its ballot box file
    open_dir.chmod(0o555)
    before = digest(path)
    message = as_unprivileged(_open_and_close, f"sqlite:///{path}")
    assert message and "read-only folder" in message
    assert digest(path) == before
    assert sorted(p.name for p in open_dir.iterdir()) == beside == ["workshop.db", "workshop.db-ballots"]


def _quick_read(path: Path) -> None:
    """The read-only commands' quick path (storage/quick_load.py); its None said as a DatabaseError."""
    from workshop_tui.storage import quick_load

    if quick_load.load_workshop(path, 1) is None:
        raise DatabaseError("left to the full path")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("locked", ["file", "folder"])
def test_the_quick_read_path_leaves_a_read_only_location_to_the_full_path(open_dir, sample_bytes, locked):
    """The full path refuses a read-only file or folder (it must save every change there, and
    -wal and -shm go beside the file), so `results` shows that refusal, not an answer."""
    from workshop_tui.services import sessions
    from workshop_tui.storage import quick_load  # noqa: F401  (imported before the fork: the child may not read /root)

    path = open_dir / "workshop.db"
    db = open_database(f"sqlite:///{path}")
    sessions.import_bytes(db, sample_bytes("calderdale"), "calderdale")
    db.dispose()
    for p in open_dir.iterdir():
        p.chmod(0o666 if locked == "folder" else 0o644)
    open_dir.chmod(0o555 if locked == "folder" else 0o777)
    assert as_unprivileged(_quick_read, path) == "left to the full path"
    for p in open_dir.iterdir():
        p.chmod(0o666)
    open_dir.chmod(0o777)
    assert as_unprivileged(_quick_read, path) is None  # writable file in a writable folder: read


@pytest.mark.sqlite_only
def test_a_new_database_in_a_read_only_folder(open_dir):
    target = open_dir / "sub"
    target.mkdir()
    target.chmod(0o555)
    message = as_unprivileged(_open_and_close, f"sqlite:///{target / 'new.db'}")
    assert message and "the folder is read-only" in message
    assert list(target.iterdir()) == []


@pytest.mark.sqlite_only
@pytest.mark.skipif(os.geteuid() != 0, reason="only meaningful as root: shows why the read-only tests drop "
                                               "privileges (a normal user is refused by the mode bits anyway)")
def test_root_really_can_write_where_mode_bits_say_no(open_dir):
    """Why the read-only tests drop privileges: for root, os.access says writable, and it is."""
    open_dir.chmod(0o555)
    assert os.access(open_dir, os.W_OK)
    (open_dir / "x").write_text("root wrote this")
