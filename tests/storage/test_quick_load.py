"""The quick read path (storage/quick_load.py) returns exactly what repository.load_workshop
returns, from real SQLite files: the samples, generated sessions, an open secret round whose
ballots wait in the box, an initiative deleted after votes; for every round or one. Where the
full path has work to do or a refusal to make, it gives None; beside a writer it reads the last
commit. It imports no SQLAlchemy, SQLModel or pydantic."""

from __future__ import annotations

import datetime as dt
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from session_strategies import rich_workshops

from workshop_tui.domain import model as m
from workshop_tui.services import sessions
from workshop_tui.services.unit_of_work import reading, write
from workshop_tui.storage import quick_load
from workshop_tui.storage import repository as repo

pytestmark = pytest.mark.sqlite_only  # sqlite3 reading a file: nothing of it runs on PostgreSQL

SAMPLE_NAMES = [name for name, _ in sessions.sample_files()]


def same_both_ways(db, session_id: int, rounds=None) -> m.Workshop:
    with reading(db) as s:
        full = repo.load_workshop(s, session_id, rounds=rounds)
    quick = quick_load.load_workshop(db.path, session_id, rounds=rounds)
    assert quick is not None
    assert quick == full
    assert repr(quick) == repr(full)  # and of the same types: 1 == Fraction(1) == True, naive == aware fails
    return quick


def every_way(db, session_id: int) -> m.Workshop:
    whole = same_both_ways(db, session_id)
    for r in whole.rounds:
        part = same_both_ways(db, session_id, rounds={r.key})
        assert part.round(r.key) == r
    same_both_ways(db, session_id, rounds=set())
    return whole


@pytest.mark.parametrize("name", SAMPLE_NAMES)
def test_samples_read_the_same(db, sample_bytes, name):
    session_id = sessions.import_bytes(db, sample_bytes(name), f"{name}.json")
    whole = every_way(db, session_id)
    assert sum(len(r.votes) for r in whole.rounds) > 0


def test_the_samples_hold_what_the_comparison_must_cover(db, sample_bytes):
    """Decisions with their time, actions with a due date, gate sheets, prerequisites: a loader
    that dropped any of them would be caught above."""
    loaded = [same_both_ways(db, sessions.import_bytes(db, sample_bytes(n), n)) for n in SAMPLE_NAMES]
    assert any(d.decided_at for w in loaded for d in w.decisions)
    assert any(a.due for w in loaded for a in w.actions)
    assert any(g.assessments for w in loaded for g in w.gate_sheets)
    assert any(i.depends_on for w in loaded for i in w.initiatives)
    assert any(i.demands for w in loaded for i in w.initiatives)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(workshop=rich_workshops(), data=st.data())
def test_generated_sessions_read_the_same(db, workshop, data):
    session_id = sessions.import_workshop(db, workshop)
    for d in workshop.decisions:
        write(db, lambda s, d=d: repo.add_decision(s, session_id, d))
    for a in workshop.actions:
        write(db, lambda s, a=a: repo.save_action(s, session_id, a))
    # Positions out of id order, and tied (files from older releases): the order is by position, then id.
    for table in ("participant", "initiative", "criterion", "round", "decision"):
        write(db, lambda s, table=table: _reposition(s, table, session_id, data))
    same_both_ways(db, session_id)
    if workshop.rounds:
        key = data.draw(st.sampled_from([r.key for r in workshop.rounds]))
        same_both_ways(db, session_id, rounds={key})


def _reposition(s, table: str, session_id: int, data) -> None:
    from sqlalchemy import text

    ids = [row[0] for row in s.execute(text(f"SELECT id FROM {table} WHERE session_id = :sid"), {"sid": session_id})]
    for row_id in ids:
        s.execute(text(f"UPDATE {table} SET position = :p WHERE id = :id"),
                  {"p": data.draw(st.integers(0, 2)), "id": row_id})


def _secret_session(db) -> int:
    """A secret dots round and a secret ranking round, open, their ballots in the box; a named
    matrix round; then an initiative named by ballots of all three is deleted."""
    people = tuple(m.Participant(key=f"p{n}", name=f"P{n}") for n in range(4))
    items = tuple(m.Initiative(key=f"i{n}", title=f"I{n}") for n in range(4))
    crit = (m.Criterion(key="c", name="C"),)
    named = tuple(m.Vote(participant=p.key, initiative=i.key, criterion="c", value=n % 7)
                  for n, (p, i) in enumerate((p, i) for p in people for i in items))
    workshop = m.Workshop(session=m.SessionInfo(title="secret"), participants=people, initiatives=items,
                          criteria=crit, rounds=(
                              m.Round(key="s", method="dots", title="Secret dots", anonymous=True, min_group=1,
                                      settings={"budget": 3}),
                              m.Round(key="k", method="ranking", title="Secret ranking", anonymous=True,
                                      min_group=1),
                              m.Round(key="n", method="matrix", title="Named", votes=named,
                                      voted=("p0",), abstained=("p3",))))
    session_id = sessions.import_workshop(db, workshop)
    for n, person in enumerate(people[:3]):
        write(db, lambda s, person=person, n=n: repo.cast_secret_ballot(
            s, session_id, "s", person.key, [m.Vote(initiative=f"i{n}", value=2), m.Vote(initiative="i3", value=1)]))
        write(db, lambda s, person=person, n=n: repo.cast_secret_ballot(
            s, session_id, "k", person.key, [m.Vote(ranking=(f"i{n}", ("i3", "i2")))]))
    return session_id


def test_open_secret_rounds_with_boxed_ballots_read_the_same(db):
    session_id = _secret_session(db)
    before = every_way(db, session_id)
    assert len(before.round("s").votes) == 6 and set(before.round("s").voted) == {"p0", "p1", "p2"}
    assert len(before.round("k").votes) == 3
    write(db, lambda s: repo.delete_initiative(s, session_id, "i3"))  # named in every boxed ballot
    after = every_way(db, session_id)
    assert len(after.round("s").votes) == 3 and all(v.initiative != "i3" for v in after.round("s").votes)
    assert all("i3" not in str(v.ranking) for v in after.round("k").votes)
    assert len(after.round("n").votes) == 12


def test_gate_sheets_decisions_and_actions_read_the_same(db, sample_bytes):
    session_id = sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "nhs")
    whole = same_both_ways(db, session_id)
    item, gate = whole.initiatives[0].key, next(c.key for c in whole.criteria if c.kind == "gate")
    write(db, lambda s: repo.set_gate_assessment(s, session_id, item, gate, False, "no [red]data[/red]",
                                                 sheet="second", title="Second look"))
    write(db, lambda s: repo.add_decision(s, session_id, m.Decision(
        initiative=item, outcome="exclude", rationale="\x1b[2Jcleared", kind="rule_out",
        decided_at=dt.datetime(2026, 11, 28, 10, 0, 1, 5, tzinfo=dt.timezone.utc))))
    write(db, lambda s: repo.save_action(s, session_id, m.Action(initiative=None, title="Tell the board",
                                                                  due=dt.date(2027, 2, 28))))
    after = same_both_ways(db, session_id)
    assert [g.key for g in after.gate_sheets][-1] == "second"
    assert after.decisions[-1].decided_at == dt.datetime(2026, 11, 28, 10, 0, 1, 5, tzinfo=dt.timezone.utc)


def test_a_session_not_in_the_file_gives_none(db, sample_bytes):
    sessions.import_bytes(db, sample_bytes("calderdale"), "calderdale")
    assert quick_load.load_workshop(db.path, 999) is None


# -- when the full path must answer --------------------------------------------------------

@pytest.fixture
def closed_db(db, sample_bytes) -> Path:
    sessions.import_bytes(db, sample_bytes("calderdale"), "calderdale")
    db.dispose()
    return db.path


def _set_version(path: Path, version: str) -> None:
    conn = sqlite3.connect(path)
    conn.execute("UPDATE alembic_version SET version_num = ?", (version,))
    conn.commit()
    conn.close()


def test_another_schema_gives_none(closed_db):
    assert quick_load.load_workshop(closed_db, 1) is not None
    for version in ("0002_decisions", "9999_from_the_future"):
        _set_version(closed_db, version)
        assert quick_load.load_workshop(closed_db, 1) is None


@pytest.mark.parametrize("content", [b"", b"not a database at all\n" * 50, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_files_that_are_not_whole_sqlite_databases_give_none(tmp_path, content):
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    assert quick_load.load_workshop(path, 1) is None
    assert path.read_bytes() == content  # and it was left as it was


def test_a_damaged_database_gives_none(closed_db):
    data = bytearray(closed_db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    for at in range(2 * page, len(data), page):
        data[at:at + 64] = b"\xff" * 64
    closed_db.write_bytes(bytes(data))
    assert quick_load.load_workshop(closed_db, 1) is None


def test_a_missing_file_gives_none_and_is_not_created(tmp_path):
    path = tmp_path / "nowhere.db"
    assert quick_load.load_workshop(path, 1) is None
    assert not path.exists()


def test_reading_leaves_nothing_beside_the_file(closed_db):
    before = sorted(p.name for p in closed_db.parent.iterdir())
    assert quick_load.load_workshop(closed_db, 1) is not None
    assert sorted(p.name for p in closed_db.parent.iterdir()) == before


def test_a_writer_mid_transaction_does_not_show_its_change(closed_db):
    """WAL: the read sees the last commit, at once, whatever another program has under way."""
    writer = sqlite3.connect(closed_db, isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("UPDATE initiative SET title = 'half-written'")
        writer.execute("DELETE FROM vote")
        read = quick_load.load_workshop(closed_db, 1)
        assert read is not None
        assert all(i.title != "half-written" for i in read.initiatives)
        assert sum(len(r.votes) for r in read.rounds) > 0
    finally:
        writer.execute("ROLLBACK")
        writer.close()


def test_a_ballot_box_write_under_way_sends_the_read_to_the_full_path(db):
    """The box is committed just after the main file: a read that meets a box write under way
    may hold the two at different commits, so it is not used."""
    session_id = _secret_session(db)
    db.dispose()
    path = db.path
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("ATTACH DATABASE ? AS ballot_box", (f"{path}-ballots",))
    try:
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("INSERT INTO ballot_box.slot (id, round_id, ballot, state, payload) VALUES (7, 1, 'x', 'e', '')")
        assert Path(f"{path}-ballots-journal").exists()
        assert quick_load.load_workshop(path, session_id) is None
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert quick_load.load_workshop(path, session_id) is not None


def test_the_quick_path_imports_no_database_library(closed_db):
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from workshop_tui.storage import quick_load\n"
        f"w = quick_load.load_workshop(Path({str(closed_db)!r}), 1)\n"
        "assert w is not None and w.rounds\n"
        "heavy = sorted(n for n in sys.modules if n.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'pydantic', 'alembic'))\n"
        "print(heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
