"""The ballot box: where an open secret round's ballots wait, unlinkable on disk.

Why a box apart from the ``vote`` table (docs/secret-ballots.md has the whole design):
storage engines record the order of writes. SQLite puts each new row's bytes below
the previous one in its page and its WAL keeps every committed page version, in
order, until a checkpoint; PostgreSQL stamps every row version with the writing
transaction (``xmin``). Written one voter at a time, ballots and "who has voted"
rows line up, and the order links them.

So, while a secret round is open:

- Its ballots live in fixed-size **slots** with random ids and random ballot ids,
  created together (in random order) at the round's first ballot. A ballot fills a
  slot chosen at random among the empty ones, and every slot has the same width,
  so filling one is an overwrite in place: nothing moves, nothing is appended.
- **Who has voted** is a mark on one row per participant, also created together
  and overwritten in place.
- On SQLite the box is a separate file beside the database (``<db>-ballots``)
  attached to every connection as ``ballot_box`` in rollback-journal mode
  (``journal_mode=DELETE``, ``synchronous=FULL``, ``secure_delete``): a commit
  leaves the current state only, with no log of earlier ones, and a ballot is
  durable once acknowledged. (The main file stays in WAL mode; only the audit
  line "a ballot was cast" goes there.)
- On PostgreSQL it is the schema ``ballot_box``; each ballot rewrites every slot
  and mark of its round, so all carry one ``xmin`` and none dates a ballot.

When the round closes, :func:`seal` moves its ballots into the ``vote`` table and
the marks into ``round_voter``, all in one transaction in random order, empties the
box, and :func:`compact` rebuilds its pages (SQLite ``VACUUM``, PostgreSQL
``VACUUM FULL``) and truncates the main WAL. Backups copy the main file only, so
no backup carries a ballot of a round still open.
"""

from __future__ import annotations

import json
import secrets
from typing import Any, Iterable

from sqlalchemy import BigInteger, Column, Integer, MetaData, Table, Text, delete, func, insert, select, text, update

from workshop_tui.storage.boxed import Entry, entries as _entries  # Entry re-exported: callers have found it here

SCHEMA = "ballot_box"
SUFFIX = "-ballots"
EMPTY, FILLED = "e", "f"
NOT_VOTED, VOTED = "0", "v"
MIN_WIDTH = 256

metadata = MetaData(schema=SCHEMA)

slot = Table(
    "slot", metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("round_id", Integer, nullable=False),
    Column("ballot", Text, nullable=False),
    Column("state", Text, nullable=False),
    Column("payload", Text, nullable=False),
)

voter = Table(
    "voter", metadata,
    Column("id", BigInteger().with_variant(Integer(), "sqlite"), primary_key=True, autoincrement=False),
    Column("round_id", Integer, nullable=False),
    Column("participant_id", Integer, nullable=False),
    Column("state", Text, nullable=False),
)

# No index on anything that changes: an index entry would move when a slot fills.
_SQLITE_DDL = (
    "CREATE TABLE IF NOT EXISTS ballot_box.slot (id INTEGER PRIMARY KEY, round_id INTEGER NOT NULL, "
    "ballot TEXT NOT NULL, state TEXT NOT NULL, payload TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS ballot_box.voter (id INTEGER PRIMARY KEY, round_id INTEGER NOT NULL, "
    "participant_id INTEGER NOT NULL, state TEXT NOT NULL)",
)


def sidecar_path(db_path) -> str:
    return f"{db_path}{SUFFIX}"


def attach_sqlite(dbapi_connection, db_path) -> None:
    """Attach the box file to a new SQLite connection (``db_path`` None: in memory)."""
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("ATTACH DATABASE ? AS ballot_box", (sidecar_path(db_path) if db_path else ":memory:",))
        cursor.execute("PRAGMA ballot_box.journal_mode = DELETE")
        cursor.execute("PRAGMA ballot_box.synchronous = FULL")
        cursor.execute("PRAGMA ballot_box.secure_delete = ON")
        for statement in _SQLITE_DDL:
            cursor.execute(statement)
    finally:
        cursor.close()


def ensure_postgres(engine) -> None:
    """PostgreSQL keeps the box in its own schema (outside the migrated models)."""
    with engine.begin() as conn:
        # Checked first: a role without CREATE on the database can still use a box made earlier.
        if conn.execute(text(f"SELECT to_regclass('{SCHEMA}.slot'), to_regclass('{SCHEMA}.voter')")).first() \
                .count(None) == 0:
            return
        conn.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
        metadata.create_all(conn, checkfirst=True)


def _random_id() -> int:
    return 1 + secrets.randbelow(2**62)


def _is_postgres(s) -> bool:
    return s.get_bind().dialect.name == "postgresql"


def _encode(entries: Iterable[dict[str, Any]]) -> str:
    # ASCII only, so the width in characters is the width in bytes on disk.
    return json.dumps(list(entries), ensure_ascii=True, separators=(",", ":"), sort_keys=True)


def _pad(payload: str, width: int) -> str:
    return payload + " " * (width - len(payload))


def _width_for(payload: str) -> int:
    width = MIN_WIDTH
    while width < len(payload):
        width *= 2
    return width


def _slots(s, round_id: int) -> list[Any]:
    return list(s.connection().execute(select(slot).where(slot.c.round_id == round_id)))


def _open_box(s, round_id: int, participant_ids: Iterable[int], width: int, count: int) -> None:
    """Create empty slots and a blank mark per participant, together, in random order."""
    conn = s.connection()
    blank = _pad("", width)
    rows = [{"id": _random_id(), "round_id": round_id, "ballot": secrets.token_hex(6), "state": EMPTY,
             "payload": blank} for _ in range(count)]
    secrets.SystemRandom().shuffle(rows)
    if rows:
        conn.execute(insert(slot), rows)
    marks = [{"id": _random_id(), "round_id": round_id, "participant_id": pid, "state": NOT_VOTED}
             for pid in participant_ids]
    secrets.SystemRandom().shuffle(marks)
    if marks:
        conn.execute(insert(voter), marks)


def _widen(s, round_id: int, width: int) -> None:
    """Every slot of the round to a larger width at once (so none stands out)."""
    conn = s.connection()
    found = _slots(s, round_id)
    conn.execute(delete(slot).where(slot.c.round_id == round_id))
    rows = [{"id": _random_id(), "round_id": round_id, "ballot": r.ballot, "state": r.state,
             "payload": _pad(r.payload.rstrip(), width)} for r in found]
    secrets.SystemRandom().shuffle(rows)
    conn.execute(insert(slot), rows)


def cast(s, round_id: int, participant_id: int | None, all_participant_ids: Iterable[int],
         entries: Iterable[dict[str, Any]]) -> str:
    """Put one ballot in the box and mark its voter, in the caller's transaction.

    ``entries`` are vote-table columns (initiative_id, criterion_id, value, effort,
    ranking, channel, note). Returns the ballot id of the slot it filled.
    ``participant_id`` None: a ballot from an anonymous phone or a one-time slip,
    which is nobody's, so no mark is set (the phone's own once-per-round key is
    kept apart, in ``phone_voted``).
    """
    conn = s.connection()
    named = [] if participant_id is None else [participant_id]
    everyone = list(dict.fromkeys([*all_participant_ids, *named]))
    payload = _encode(entries)
    found = _slots(s, round_id)
    if not found:
        _open_box(s, round_id, everyone, _width_for(payload), count=len(everyone) + 2)
        found = _slots(s, round_id)
    width = len(found[0].payload)
    if len(payload) > width:
        _widen(s, round_id, _width_for(payload))
        found = _slots(s, round_id)
        width = len(found[0].payload)
    empty = [r for r in found if r.state == EMPTY]
    if not empty:
        _open_box(s, round_id, [], width, count=max(4, len(found)))
        empty = [r for r in _slots(s, round_id) if r.state == EMPTY]
    chosen = secrets.choice(empty)
    marks = {r.participant_id: r for r in conn.execute(select(voter).where(voter.c.round_id == round_id))}
    if participant_id is not None and participant_id not in marks:
        # Someone added after the round's first ballot: a fresh blank mark, then marked.
        conn.execute(insert(voter).values(id=_random_id(), round_id=round_id, participant_id=participant_id,
                                          state=NOT_VOTED))
    filled = _pad(payload, width)
    if _is_postgres(s):
        # Every slot and mark of the round is written afresh, in a new random order: each
        # row then carries this transaction's xmin, and where it sits (its ctid, kept by
        # VACUUM FULL) is drawn again at every ballot, whatever PostgreSQL does when it
        # places new row versions. Updated in place, the rows kept the order the box was
        # made in, and where the new versions went was left to PostgreSQL's placement; the
        # xmin/ctid attack once linked 10 of 24 ballots that way (not reproduced since).
        slots_now = [{**r._mapping, **({"state": FILLED, "payload": filled} if r.id == chosen.id else {})}
                     for r in _slots(s, round_id)]
        marks_now = [{**r._mapping, **({"state": VOTED} if r.participant_id == participant_id else {})}
                     for r in conn.execute(select(voter).where(voter.c.round_id == round_id))]
        shuffle = secrets.SystemRandom().shuffle
        shuffle(slots_now)
        shuffle(marks_now)
        conn.execute(delete(slot).where(slot.c.round_id == round_id))
        conn.execute(delete(voter).where(voter.c.round_id == round_id))
        conn.execute(insert(slot), slots_now)
        if marks_now:
            conn.execute(insert(voter), marks_now)
    else:
        # Same size as before: SQLite overwrites the cell where it is.
        conn.execute(update(slot).where(slot.c.id == chosen.id).values(state=FILLED, payload=filled))
        if participant_id is not None:
            conn.execute(update(voter).where(voter.c.round_id == round_id,
                                             voter.c.participant_id == participant_id).values(state=VOTED))
    return chosen.ballot


def contents(s, round_ids: Iterable[int]) -> tuple[dict[int, list[Entry]], dict[int, set[int]]]:
    """The boxed ballots (as vote-table entries) and the marked voters, by round id."""
    ids = list(round_ids)
    if not ids:
        return {}, {}
    conn = s.connection()
    ballots: dict[int, list[Entry]] = {}
    for r in conn.execute(select(slot.c.round_id, slot.c.ballot, slot.c.payload)
                          .where(slot.c.round_id.in_(ids), slot.c.state == FILLED)):
        ballots.setdefault(r.round_id, []).extend(_entries(r.ballot, r.payload))
    voted: dict[int, set[int]] = {}
    for r in conn.execute(select(voter.c.round_id, voter.c.participant_id)
                          .where(voter.c.round_id.in_(ids), voter.c.state == VOTED)):
        voted.setdefault(r.round_id, set()).add(r.participant_id)
    return ballots, voted


def seal(s, round_id: int, live_participants: set[int]) -> tuple[list[Entry], list[int]]:
    """Empty the round's box; returns its ballots and voters, shuffled, for the caller
    to write into the vote and round_voter tables in this same transaction."""
    ballots, voted = contents(s, [round_id])
    forget(s, round_id)
    entries = list(ballots.get(round_id, []))
    by_ballot: dict[str, list[Entry]] = {}
    for e in entries:
        by_ballot.setdefault(e.ballot, []).append(e)
    groups = list(by_ballot.values())
    secrets.SystemRandom().shuffle(groups)
    people = [p for p in voted.get(round_id, set()) if p in live_participants]
    secrets.SystemRandom().shuffle(people)
    return [e for group in groups for e in group], people


def open_ballots(engine) -> int:
    """How many ballots wait in boxes (secret rounds still open): not in any backup."""
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(slot).where(slot.c.state == FILLED)).scalar() or 0)


def forget(s, round_id: int) -> None:
    conn = s.connection()
    conn.execute(delete(slot).where(slot.c.round_id == round_id))
    conn.execute(delete(voter).where(voter.c.round_id == round_id))


def forget_missing_rounds(s, existing_round_ids: Iterable[int]) -> None:
    """Drop boxes whose round no longer exists (a deleted round or session)."""
    conn = s.connection()
    keep = set(existing_round_ids)
    boxed = {r[0] for r in conn.execute(select(slot.c.round_id).distinct())}
    boxed |= {r[0] for r in conn.execute(select(voter.c.round_id).distinct())}
    for round_id in boxed - keep:
        forget(s, round_id)


def after_cast(engine) -> None:
    """PostgreSQL: drop the dead row versions the ballot just left (each still shows the
    box as it was before it). SQLite needs nothing: the box file holds only its current
    state after every commit."""
    if engine.dialect.name == "postgresql":
        compact(engine)


def compact(engine) -> None:
    """After a box was emptied: rebuild its pages and truncate the main WAL.

    Best effort and outside any transaction: secure_delete has already zeroed the
    removed rows; this leaves no page or free-list history at all.
    """
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text(f"VACUUM FULL {SCHEMA}.slot"))
            conn.execute(text(f"VACUUM FULL {SCHEMA}.voter"))
        return
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("VACUUM ballot_box")
        cursor.execute("PRAGMA main.wal_checkpoint(TRUNCATE)")
        cursor.close()
    finally:
        raw.close()
