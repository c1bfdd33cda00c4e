"""A round's votes read in bulk: one column-wise query, each distinct value decoded once.

A large session holds 120,000 matrix scores (500 initiatives x 60 people x 4
criteria). Reading them as SQLAlchemy rows and building each ``Vote`` through its
dataclass ``__init__`` took seconds; here the query runs on the DB-API cursor
(plain tuples), the rows are turned into columns with ``zip``, every column is
mapped through a dictionary of its distinct values (ids to keys, encoded text to
values), and the ``Vote`` objects are filled column by column through their slot
descriptors, so every loop runs in C. The result is exactly what building each
``Vote(...)`` would give (tests/storage/test_bulk_votes.py compares them).
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import deque
from itertools import repeat
from typing import Any, Callable, Iterable, Iterator, Sequence

from workshop_tui.domain import model as m
from workshop_tui.heap import collector_paused
from workshop_tui.storage.codecs import decode_ranking, decode_value, secret_order, text_to_frac

# The vote table's columns, in the order of the Vote fields they become.
VOTE_COLUMNS = ("participant_id", "initiative_id", "criterion_id", "value", "effort", "ranking", "channel",
                "ballot", "note")
_FIELDS = tuple(f.name for f in dataclasses.fields(m.Vote))
# Filling slots directly is only right for a frozen, slotted Vote with exactly these
# fields and no __post_init__; if the model changes, the plain constructor is used.
_SLOTS_OK = (_FIELDS == ("participant", "initiative", "criterion", "value", "effort", "ranking", "channel",
                         "ballot", "note")
             and getattr(m.Vote, "__slots__", None) is not None and not hasattr(m.Vote, "__post_init__"))

_ORDER = (" FROM vote WHERE round_id = {p} "
          # Named votes in entry order (their ids increase); secret ballots are re-sorted
          # by the caller by ballot id, so their order says nothing about who cast them.
          "ORDER BY ballot, id")
_SQL = "SELECT " + ", ".join(VOTE_COLUMNS) + _ORDER
_VARYING = 4  # participant, initiative, criterion, value: the columns that differ from vote to vote
# When the ballot is one and the same in every row (see _SQL_REST), ORDER BY id alone is the
# same order, and the round_id index gives it without sorting (a sort of 120,000 rows: 0.06 s).
_SQL_VARYING = "SELECT " + ", ".join(VOTE_COLUMNS[:_VARYING]) + " FROM vote WHERE round_id = {p} ORDER BY id"
# The other five (effort, ranking, channel, ballot, note) are usually one and the same for
# a whole round (a matrix round: NULL, NULL, 'facilitator', NULL, ''): read once, not per row.
_SQL_REST = ("SELECT DISTINCT " + ", ".join(VOTE_COLUMNS[_VARYING:]) + " FROM vote WHERE round_id = {p} LIMIT 2")

CHUNK = 20_000  # rows turned into votes at a time: the raw rows of a large round never all exist at once

# A chunk: rows of all VOTE_COLUMNS (rest None), or rows of the first four columns and
# the values the other five have in every row of the round.
Chunk = tuple[list[tuple], tuple | None]


def fetch_round_chunks(connection: Any, round_id: int) -> Iterator[Chunk]:
    """The vote rows of one round as plain tuples, in chunks, inside the caller's transaction:
    through the DB-API cursor of a SQLAlchemy connection (the full storage layer), or of a
    plain ``sqlite3`` connection (the quick read path, storage/quick_load.py)."""
    dialect = getattr(connection, "dialect", None)
    if dialect is None:  # a DB-API connection itself: sqlite3's, whose paramstyle is qmark
        placeholder, cursor = "?", connection.cursor()
    else:
        placeholder = "?" if dialect.paramstyle == "qmark" else "%s"
        cursor = connection.connection.cursor()
    try:
        cursor.execute(_SQL_REST.format(p=placeholder), (round_id,))
        distinct = cursor.fetchall()
        rest = tuple(distinct[0]) if len(distinct) == 1 else None
        cursor.execute((_SQL if rest is None else _SQL_VARYING).format(p=placeholder), (round_id,))
        while True:
            rows = cursor.fetchmany(CHUNK)
            if not rows:
                return
            yield rows, rest
    finally:
        cursor.close()


class _Decoded(dict):
    """Each distinct stored value decoded once, on first sight, for every chunk alike."""

    def __init__(self, decode: Callable[[Any], Any]):
        super().__init__()
        self.decode = decode

    def __missing__(self, stored: Any) -> Any:
        value = self[stored] = self.decode(stored)
        return value


def _key_of(key_of: dict[int, str]) -> Callable[[Any], str | None]:
    # As ``key_of.get(x) if x else None``: no id (NULL) means no one.
    return lambda x: key_of.get(x) if x else None


def build_votes(chunks: Iterable[Chunk], *, decode_value: Callable[[str | None], m.VoteValue],
                decode_effort: Callable[[str | None], Any], p_key: dict[int, str], i_key: dict[int, str],
                c_key: dict[int, str]) -> list[m.Vote]:
    """``Vote`` objects for chunks of rows (see ``Chunk``), in the same order."""
    tables = (_Decoded(_key_of(p_key)), _Decoded(_key_of(i_key)), _Decoded(_key_of(c_key)), _Decoded(decode_value),
              _Decoded(decode_effort), _Decoded(decode_ranking))
    votes: list[m.Vote] = []
    # Votes hold no cycles: the collector, paused, does not walk the heap again and again
    # while 120,000 of them are made (0.75 s against 0.22 s; workshop_tui/heap.py).
    with collector_paused():
        _build(chunks, tables, votes)
    return votes


def _build(chunks: Iterable[Chunk], tables: tuple, votes: list[m.Vote]) -> None:
    for rows, rest in chunks:
        if not rows:
            continue
        n = len(rows)
        raw = list(zip(*rows))
        if rest is not None:
            raw += [repeat(value, n) for value in rest]
        columns = [list(map(table.__getitem__, column)) for table, column in zip(tables, raw)] + raw[len(tables):]
        if not _SLOTS_OK:
            votes += map(m.Vote, *columns)
            continue
        chunk = list(map(object.__new__, repeat(m.Vote, n)))
        for name, column in zip(_FIELDS, columns):
            deque(map(getattr(m.Vote, name).__set__, chunk, column), maxlen=0)
        votes += chunk


def round_votes(chunks: Iterable[Chunk], boxed: Iterable[Any], *, method: str, anonymous: bool,
                p_key: dict[int, str], i_key: dict[int, str], c_key: dict[int, str]) -> tuple[m.Vote, ...]:
    """One round's votes from its rows (``fetch_round_chunks``) and, while a secret round is
    open, its boxed ballots (storage/boxed.py entries, already cleaned), in the order every
    read gives them: named votes in entry order, a secret round's by ``secret_order``."""
    chunks = itertools.chain(chunks, [([tuple(getattr(e, column) for column in VOTE_COLUMNS) for e in boxed], None)])
    votes = build_votes(chunks, decode_value=lambda text: decode_value(text, method), decode_effort=text_to_frac,
                        p_key=p_key, i_key=i_key, c_key=c_key)
    if anonymous:
        votes.sort(key=secret_order)
    return tuple(votes)
