"""A whole session read with the standard library's sqlite3 alone, for the read-only commands.

`results`, `plan` and `export` only read. Importing SQLAlchemy, SQLModel and pydantic
and configuring the ORM's mappers costs about a second before the first row; here
the rows come through sqlite3 and become a workshop in storage/assemble.py, the
same function the full storage layer (repository.load_workshop) uses, so the two
return the same ``m.Workshop``.

Used only for a plain SQLite file the full path would open as it is: a writable
file in a writable folder, at the current schema (``quick.SCHEMA_HEAD``), passing
SQLite's quick check. Anything else, and anything unexpected while reading, gives
None: the caller then takes the full path, which migrates, refuses or explains.

Consistency: everything is read in one read transaction (``BEGIN`` on a connection
that cannot write, ``PRAGMA query_only``), so a writer in another process cannot
give a torn session: in WAL mode the read sees the last commit. An open secret
round's ballots live in a second file (storage/ballot_box.py) that a writer commits
just after the main file; a read that meets a write of the box under way (its
rollback journal exists) is not trusted and gives None.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections import namedtuple
from pathlib import Path
from typing import Any, Callable, Collection, Iterable

from workshop_tui.domain import model as m
from workshop_tui.storage import assemble, boxed, bulk_votes
from workshop_tui.storage.location import sqlite_file_uri
from workshop_tui.storage.quick import SCHEMA_HEAD, summaries

BUSY_TIMEOUT_S = 10  # as the full path's (engine.SQLITE_BUSY_TIMEOUT_MS)
BOX_SUFFIX = "-ballots"  # ballot_box.SUFFIX (that module imports SQLAlchemy)
SQLITE_MAGIC = b"SQLite format 3\x00"


def _date(text: str | None) -> dt.date | None:
    # As SQLAlchemy's SQLite DATE reads it back.
    return None if text is None else dt.date.fromisoformat(text)


def _datetime(text: str | None) -> dt.datetime | None:
    # As SQLModel's UTCDateTime reads SQLite's text back: stored in UTC without an offset.
    if text is None:
        return None
    value = dt.datetime.fromisoformat(text)
    return value.replace(tzinfo=dt.timezone.utc) if value.utcoffset() is None else value.astimezone(dt.timezone.utc)


def _flag(value: Any) -> bool | None:
    # As SQLAlchemy's Boolean reads SQLite's 0/1.
    return None if value is None else bool(value)


def _table(name: str, columns: str, convert: dict[str, Callable[[Any], Any]] | None = None):
    """A row type with the table's column names as attributes, and the SELECT list for it."""
    fields = columns.split()
    kind = namedtuple(name, fields)
    if not convert:
        return kind._make, ", ".join(fields)
    at = [(fields.index(column), fn) for column, fn in convert.items()]

    def make(row: tuple) -> Any:
        values = list(row)
        for n, fn in at:
            values[n] = fn(values[n])
        return kind._make(values)

    return make, ", ".join(fields)


_TABLES = {
    "session": _table("session", "title organisation date facilitator mission horizon_years bandwidth description "
                                 "budget max_actions stage plan_round", {"date": _date}),
    "participant": _table("participant", "id key name role site"),
    "initiative": _table("initiative", "id key title description owner service_area portfolio kind effort cost "
                                       "decided"),
    "bottleneck": _table("bottleneck", "id key name capacity unit"),
    "criterion": _table("criterion", "id key name kind weight scale_min scale_max direction description"),
    "round": _table("round", "id key method title settings status anonymous hidden min_group",
                    {"anonymous": _flag, "hidden": _flag}),
    "decision": _table("decision", "initiative_id outcome rationale round_key kind decided_at",
                       {"decided_at": _datetime}),
    "action": _table("action", "key initiative_id title owner measure due", {"due": _date}),
    "gate_sheet": _table("gate_sheet", "id key title status position"),
}
_DEPENDENCY = _table("dependency", "initiative_id depends_on_id position")
_DEMAND = _table("demand", "initiative_id bottleneck_id amount")
_VOTER = _table("round_voter", "round_id participant_id status")
_ASSESSMENT = _table("gate_assessment", "sheet_id initiative_id criterion_id participant_id passed note channel")


class _Gone(LookupError):
    """The session is not in the file (any more)."""


class _SqliteRows:
    """One session's rows through sqlite3, for ``assemble.workshop`` (see ``assemble.Rows``)."""

    def __init__(self, conn: sqlite3.Connection, session_id: int, *, box: bool):
        self.conn, self.session_id, self.box = conn, session_id, box

    def _rows(self, table: tuple, sql: str, params: Iterable[Any]) -> list[Any]:
        make, columns = table
        return list(map(make, self.conn.execute(sql.format(columns=columns), tuple(params)).fetchall()))

    def session(self) -> Any:
        found = self._rows(_TABLES["session"], "SELECT {columns} FROM session WHERE id = ?", (self.session_id,))
        if not found:
            raise _Gone(self.session_id)
        return found[0]

    def ordered(self, table: str) -> list[Any]:
        # The table name comes from assemble's fixed list, never from the file or the user.
        return self._rows(_TABLES[table], f"SELECT {{columns}} FROM {table} WHERE session_id = ? "
                                          "ORDER BY position, id", (self.session_id,))

    def dependencies(self, initiative_ids: list[int]) -> list[Any]:
        # Every initiative of the session is asked for: joined by session, not a list of ids.
        return self._rows(_DEPENDENCY, "SELECT {columns} FROM dependency WHERE initiative_id IN "
                                       "(SELECT id FROM initiative WHERE session_id = ?)", (self.session_id,))

    def demands(self, initiative_ids: list[int]) -> list[Any]:
        return self._rows(_DEMAND, "SELECT {columns} FROM demand WHERE initiative_id IN "
                                   "(SELECT id FROM initiative WHERE session_id = ?)", (self.session_id,))

    def voters(self, round_ids: list[int]) -> list[Any]:
        return self._rows(_VOTER, "SELECT {columns} FROM round_voter WHERE round_id IN "
                                  "(SELECT id FROM round WHERE session_id = ?)", (self.session_id,))

    def boxed(self, round_ids: list[int]) -> tuple[dict[int, list[boxed.Entry]], dict[int, set[int]]]:
        # As ballot_box.contents reads the box (the same conditions, so the same scan order).
        if not round_ids or not self.box:
            return {}, {}
        marks = ", ".join("?" * len(round_ids))
        ballots: dict[int, list[boxed.Entry]] = {}
        for round_id, ballot, payload in self.conn.execute(
                f"SELECT round_id, ballot, payload FROM ballot_box.slot WHERE round_id IN ({marks}) AND state = ?",
                (*round_ids, "f")):
            ballots.setdefault(round_id, []).extend(boxed.entries(ballot, payload))
        voted: dict[int, set[int]] = {}
        for round_id, participant_id in self.conn.execute(
                f"SELECT round_id, participant_id FROM ballot_box.voter WHERE round_id IN ({marks}) AND state = ?",
                (*round_ids, "v")):
            voted.setdefault(round_id, set()).add(participant_id)
        return ballots, voted

    def vote_chunks(self, round_id: int):
        return bulk_votes.fetch_round_chunks(self.conn, round_id)

    def gate_assessments(self, sheet_ids: list[int]) -> list[Any]:
        return self._rows(_ASSESSMENT, "SELECT {columns} FROM gate_assessment WHERE sheet_id IN "
                                       "(SELECT id FROM gate_sheet WHERE session_id = ?) ORDER BY id",
                          (self.session_id,))


def _usable(path: Path) -> bool:
    """Would the full path open this file as it is (engine.check_sqlite_file)? Otherwise
    it refuses it, or creates or migrates it: its message and its work, not ours."""
    try:
        if not path.is_file() or path.stat().st_size == 0:
            return False
        if not (os.access(path, os.R_OK) and os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)):
            return False
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def _connect(path: Path) -> tuple[sqlite3.Connection, bool] | None:
    """A connection that cannot write (``query_only``), with the ballot box attached read-only
    when there is one. Not ``mode=ro``: a read-only connection leaves the -wal and -shm files
    behind, where this one, when it is the last, removes them as the app does."""
    box = Path(f"{path}{BOX_SUFFIX}")
    try:
        conn = sqlite3.connect(f"{sqlite_file_uri(path)}?mode=rw", uri=True, timeout=BUSY_TIMEOUT_S,
                               isolation_level=None, check_same_thread=True)
    except sqlite3.Error:
        return None
    try:
        conn.execute("PRAGMA query_only = ON")
        has_box = box.is_file()
        if has_box:
            conn.execute("ATTACH DATABASE ? AS ballot_box", (f"{sqlite_file_uri(box)}?mode=ro",))
    except sqlite3.Error:
        conn.close()
        return None
    return conn, has_box


def read_session(path: Path, choose: Callable[[list[m.SessionSummary]], int], *,
                 rounds: Collection[str] | None = None) -> tuple[int, m.Workshop] | None:
    """The session ``choose`` picks from the file's sessions list, read as
    ``repository.load_workshop(s, id, rounds=rounds)`` reads it; None: use the full path.

    ``choose`` may refuse (raise): the refusal goes to the caller as it is, since the
    list it chose from is the one the full path would have shown it."""
    path = Path(path)
    if not _usable(path):
        return None
    opened = _connect(path)
    if opened is None:
        return None
    conn, has_box = opened
    try:
        listed = _begin(conn, has_box)
        if listed is None:
            return None
        session_id = choose(listed)
        try:
            workshop = assemble.workshop(_SqliteRows(conn, session_id, box=has_box), rounds=rounds)
        except Exception:  # noqa: BLE001 - anything unexpected: the full path reads it, or says what is wrong
            return None
        if _box_write_under_way(path, has_box):
            return None
        return session_id, workshop
    finally:
        conn.close()  # the read transaction ends with it (nothing was written)


def load_workshop(path: Path, session_id: int, *, rounds: Collection[str] | None = None) -> m.Workshop | None:
    """``repository.load_workshop`` for one session id, or None (see ``read_session``)."""
    read = read_session(path, lambda _listed: session_id, rounds=rounds)
    return None if read is None else read[1]


def _begin(conn: sqlite3.Connection, has_box: bool) -> list[m.SessionSummary] | None:
    """Start the read transaction, box first (so a box write in progress is seen, see
    ``_box_write_under_way``), and check the file; the sessions list, or None."""
    try:
        conn.execute("BEGIN")
        if has_box:
            conn.execute("SELECT count(*) FROM ballot_box.slot").fetchone()
        if conn.execute("PRAGMA main.quick_check").fetchone() != ("ok",):
            return None
        version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if not version or version[0] != SCHEMA_HEAD:
            return None
        return summaries(conn)
    except (sqlite3.Error, ValueError):
        return None


def _box_write_under_way(path: Path, has_box: bool) -> bool:
    """Could the main file and the box have been read at two different commits?

    A writer that changes the box commits the main file (WAL) first, then the box
    (rollback journal), whose journal exists from its first change to its commit;
    this read holds the box's shared lock from the start, so such a commit cannot
    finish under it. No journal now: no box write was between the two files. A box
    that appeared since the start: a writer came; read again on the full path."""
    box = Path(f"{path}{BOX_SUFFIX}")
    if not has_box:
        return box.exists()
    return Path(f"{box}-journal").exists()
