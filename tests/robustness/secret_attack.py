"""An attacker who holds the files and tries to link secret ballots to voters.

It knows everything but the link: the ballot ids and who voted (both visible in the
closed round). From the bytes it reads the order of writes wherever storage keeps
one, and pairs the k-th ballot written with the k-th voter marked:

- ``cells``: SQLite table-leaf cells by page, and within a page by content offset
  (SQLite carves each new cell below the previous one), in the main file and the
  ballot box file; freed cells in free blocks are read too (they keep their bytes
  unless secure_delete is on).
- ``wal``: the WAL frames in order: when each ballot and each "voted" mark first
  appears.
- ``backups``: the automatic backups in the order they were taken: the first one
  holding each ballot and each mark.
- PostgreSQL ``xmin``: every row version's writing transaction (live rows, and with
  pageinspect every dead version still in the heap), then ``ctid``.

Evidence that ties (no order) is broken at random: no information is chance.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

VOTED_MARKS = {"voted", "v"}
FILLED_MARKS = {"f"}
EMPTY_MARKS = {"e"}


# -- SQLite pages ------------------------------------------------------------------

def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = 0
    for k in range(8):
        byte = buf[i + k]
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value, i + k + 1
    return (value << 8) | buf[i + 8], i + 9


def _record(payload: bytes) -> list[object]:
    """Decode an SQLite record as far as its local bytes go."""
    try:
        header_size, i = _varint(payload, 0)
        types = []
        while i < header_size:
            t, i = _varint(payload, i)
            types.append(t)
    except IndexError:
        return []
    values: list[object] = []
    at = header_size
    for t in types:
        if t == 0:
            values.append(None)
            continue
        size = {1: 1, 2: 2, 3: 3, 4: 4, 5: 6, 6: 8, 7: 8, 8: 0, 9: 0}.get(t)
        if size is not None:
            raw = payload[at:at + size]
            if t in (8, 9):
                values.append(t - 8)
            elif t == 7:
                values.append(None)
            else:
                values.append(int.from_bytes(raw, "big", signed=True) if raw else None)
            at += size
            continue
        size = (t - 12) // 2 if t >= 12 else 0
        raw = payload[at:at + size]
        values.append(raw.decode("utf-8", "replace") if t % 2 else raw)
        at += size
    return values


def leaf_records(page: bytes, usable: int, first: bool) -> list[tuple[int, list[object]]]:
    """(content offset, values) of every live cell on a table-leaf page."""
    head = 100 if first else 0
    if len(page) <= head or page[head] != 0x0D:
        return []
    cells = int.from_bytes(page[head + 3:head + 5], "big")
    found = []
    for n in range(cells):
        ptr = int.from_bytes(page[head + 8 + 2 * n:head + 10 + 2 * n], "big")
        try:
            size, j = _varint(page, ptr)
            _, j = _varint(page, j)
        except IndexError:
            continue
        local = size if size <= usable - 35 else _local_size(size, usable)
        found.append((ptr, _record(page[j:j + local])))
    return found


def _local_size(size: int, usable: int) -> int:
    low = ((usable - 12) * 32 // 255) - 23
    k = low + ((size - low) % (usable - 4))
    return k if k <= usable - 35 else low


def pages_of(image: bytes) -> tuple[int, list[bytes]]:
    if len(image) < 100 or not image.startswith(b"SQLite format 3\x00"):
        return 4096, []
    size = int.from_bytes(image[16:18], "big")
    size = 65536 if size == 1 else size
    return size, [image[i:i + size] for i in range(0, len(image), size)]


def wal_frames(wal: bytes) -> list[bytes]:
    return [page for _, page in numbered_wal_frames(wal)]


def numbered_wal_frames(wal: bytes) -> list[tuple[int, bytes]]:
    if len(wal) < 32:
        return []
    size = int.from_bytes(wal[8:12], "big")
    frames, at = [], 32
    while at + 24 + size <= len(wal):
        frames.append((int.from_bytes(wal[at:at + 4], "big"), wal[at + 24:at + 24 + size]))
        at += 24 + size
    return frames


def with_wal(image: bytes, wal: bytes) -> bytes:
    """The database as a reader would see it: each page's newest WAL frame over the file."""
    frames = numbered_wal_frames(wal)
    if not frames:
        return image
    size = len(frames[0][1])
    pages = {n + 1: image[n * size:(n + 1) * size] for n in range(len(image) // size)}
    for number, page in frames:
        pages[number] = page
    return b"".join(pages.get(n, bytes(size)) for n in range(1, max(pages) + 1))


# -- what a record says ------------------------------------------------------------

class Knowledge:
    """What the attacker knows: the round, the ballot ids and the voters (by row id)."""

    def __init__(self, round_id: int, ballots: set[str], voters: dict[int, str]) -> None:
        self.round_id, self.ballots, self.voters = round_id, ballots, voters

    def ballot_in(self, values: list[object]) -> str | None:
        texts = [v for v in values if isinstance(v, str)]
        if any(t in EMPTY_MARKS for t in texts):
            return None  # an empty slot
        hits = [t for t in texts if t in self.ballots]
        return hits[0] if hits else None

    def voter_in(self, values: list[object]) -> str | None:
        if len(values) == 4 and values[1] == self.round_id and values[3] in VOTED_MARKS:
            return self.voters.get(values[2]) if isinstance(values[2], int) else None
        return None


def _order_pairs(ballots: list[str], voters: list[str], rng: random.Random) -> dict[str, str]:
    return dict(zip(ballots, voters))


def by_time(ballot_times: dict[str, tuple], voter_times: dict[str, tuple], rng: random.Random) -> dict[str, str]:
    """Pair ballots and voters by when they first appear; ties broken at random."""
    ballots = sorted(ballot_times, key=lambda b: (ballot_times[b], rng.random()))
    voters = sorted(voter_times, key=lambda p: (voter_times[p], rng.random()))
    return dict(zip(ballots, voters))


def cell_order(images: list[bytes], know: Knowledge, rng: random.Random) -> dict[str, str]:
    """Insertion order from where each cell sits: file, page, then offset descending."""
    ballot_at: dict[str, tuple] = {}
    voter_at: dict[str, tuple] = {}
    for f, image in enumerate(images):
        size, pages = pages_of(image)
        for p, page in enumerate(pages):
            for ptr, values in leaf_records(page, size, first=(p == 0)):
                where = (f, p, -ptr)
                b, v = know.ballot_in(values), know.voter_in(values)
                if b and b not in ballot_at:
                    ballot_at[b] = where
                if v and v not in voter_at:
                    voter_at[v] = where
    return by_time(ballot_at, voter_at, rng)


def wal_order(wal: bytes, know: Knowledge, rng: random.Random) -> dict[str, str]:
    ballot_at: dict[str, tuple] = {}
    voter_at: dict[str, tuple] = {}
    for k, page in enumerate(wal_frames(wal)):
        size = len(page)
        for first in (False, True):
            for ptr, values in leaf_records(page, size, first=first):
                b, v = know.ballot_in(values), know.voter_in(values)
                if b and b not in ballot_at:
                    ballot_at[b] = (k,)
                if v and v not in voter_at:
                    voter_at[v] = (k,)
    return by_time(ballot_at, voter_at, rng)


def backup_order(backups: list[Path], know: Knowledge, rng: random.Random) -> dict[str, str]:
    """The first backup holding each ballot and each mark (read as SQL and as cells)."""
    ballot_at: dict[str, tuple] = {}
    voter_at: dict[str, tuple] = {}
    for k, path in enumerate(backups):
        size, pages = pages_of(path.read_bytes())
        for p, page in enumerate(pages):
            for _, values in leaf_records(page, size, first=(p == 0)):
                b, v = know.ballot_in(values), know.voter_in(values)
                if b:
                    ballot_at.setdefault(b, (k,))
                if v:
                    voter_at.setdefault(v, (k,))
        conn = sqlite3.connect(f"file:{path}?mode=ro&immutable=1", uri=True)
        try:
            for (b,) in conn.execute("SELECT ballot FROM vote WHERE round_id = ?", (know.round_id,)):
                if b in know.ballots:
                    ballot_at.setdefault(b, (k,))
            for (pid,) in conn.execute("SELECT participant_id FROM round_voter WHERE round_id = ? AND status = 'voted'",
                                       (know.round_id,)):
                if pid in know.voters:
                    voter_at.setdefault(know.voters[pid], (k,))
        finally:
            conn.close()
    return by_time(ballot_at, voter_at, rng)


# -- PostgreSQL --------------------------------------------------------------------

def postgres_live_order(conn, know: Knowledge, rng: random.Random) -> dict[str, str]:
    """Live rows by writing transaction, then physical place."""
    from sqlalchemy import text

    ballot_at: dict[str, tuple] = {}
    voter_at: dict[str, tuple] = {}
    queries = [
        ("ballot", "SELECT ballot, xmin::text::bigint, ctid::text FROM vote WHERE round_id = :r"),
        ("ballot", "SELECT ballot, xmin::text::bigint, ctid::text FROM ballot_box.slot WHERE round_id = :r AND state = 'f'"),
        ("voter", "SELECT participant_id, xmin::text::bigint, ctid::text FROM round_voter WHERE round_id = :r AND status = 'voted'"),
        ("voter", "SELECT participant_id, xmin::text::bigint, ctid::text FROM ballot_box.voter WHERE round_id = :r AND state = 'v'"),
    ]
    for kind, sql in queries:
        table = sql.split(" FROM ")[1].split()[0]
        if conn.execute(text(f"SELECT to_regclass('{table}')")).scalar() is None:
            continue  # a layout without this table
        for key, xmin, ctid in conn.execute(text(sql), {"r": know.round_id}):
            block, item = (int(x) for x in ctid.strip("()").split(","))
            when = (xmin, block, item)
            if kind == "ballot" and key in know.ballots:
                ballot_at[key] = min(ballot_at.get(key, when), when)
            elif kind == "voter" and key in know.voters:
                name = know.voters[key]
                voter_at[name] = min(voter_at.get(name, when), when)
    return by_time(ballot_at, voter_at, rng)


def postgres_all_versions(conn, know: Knowledge, rng: random.Random) -> dict[str, str] | None:
    """Every row version still in the heap (pageinspect): the earliest transaction that
    wrote each ballot filled and each mark set. None when pageinspect is unavailable."""
    from sqlalchemy import text

    try:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    except Exception:  # noqa: BLE001 - not every server ships it
        return None
    ballot_at: dict[str, tuple] = {}
    voter_at: dict[str, tuple] = {}
    for table, kind in (("vote", "ballot"), ("ballot_box.slot", "ballot"), ("round_voter", "voter"),
                        ("ballot_box.voter", "voter")):
        if conn.execute(text(f"SELECT to_regclass('{table}')")).scalar() is None:
            continue
        blocks = conn.execute(text(f"SELECT pg_relation_size('{table}') / current_setting('block_size')::int")).scalar()
        for block in range(int(blocks)):
            rows = conn.execute(text(
                f"SELECT t_xmin::text::bigint, t_attrs FROM heap_page_item_attrs(get_raw_page('{table}', {block}), "
                f"'{table}'::regclass) WHERE t_attrs IS NOT NULL"))
            for xmin, attrs in rows:
                raw = [bytes(a) if a is not None else b"" for a in attrs]
                if kind == "ballot":
                    if table.endswith("slot") and b"f" not in raw[3][-1:]:
                        continue
                    for b in know.ballots:
                        if any(b.encode() in a for a in raw):
                            ballot_at[b] = min(ballot_at.get(b, (xmin,)), (xmin,))
                else:
                    pid = int.from_bytes(raw[2], "little") if len(raw[2]) == 4 else None
                    mark = raw[3][1:].decode("ascii", "replace")
                    rid = int.from_bytes(raw[1], "little") if len(raw[1]) == 4 else None
                    if rid == know.round_id and pid in know.voters and mark in VOTED_MARKS:
                        name = know.voters[pid]
                        voter_at[name] = min(voter_at.get(name, (xmin,)), (xmin,))
    return by_time(ballot_at, voter_at, rng)
