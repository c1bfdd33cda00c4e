"""Statements run on a transaction's own DB-API cursor, for the hottest write path.

Why: thirty phones' ballots are written by one thread inside the app's process, which
shares the interpreter lock with the facilitator's screen. SQLAlchemy's execution of a
statement (cache key, compiled parameters, result metadata, events) costs far more
Python than the database's own work, and each millisecond the writer holds the lock
is a millisecond it must win back from the screen (docs/performance.md, "Phones under
load"). Here a statement is plain SQL written once with ``:name`` parameters, turned
into the driver's parameter style once, and run on the cursor of the connection the
caller's transaction already holds (so the transaction, its lock and its retry in
``unit_of_work`` are unchanged).

What SQLAlchemy would have done to a value on its way in is still done: ``bound``
applies the column type's own bind processor for this dialect (a datetime column is
written in exactly the text SQLAlchemy writes on SQLite), so rows written here are the
rows Core would write (tests/services/test_phone_batch_rows.py compares them).
Result rows are plain tuples, as the driver returns them.
"""

from __future__ import annotations

import re
from contextlib import contextmanager
from typing import Any, Callable, Iterable, Iterator, Mapping, Sequence

from sqlalchemy import Column

_PARAM = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_STYLES: dict[tuple[str, str], str] = {}


def in_list(name: str, values: Sequence[Any]) -> tuple[str, dict[str, Any]]:
    """``IN (...)`` for a list: the placeholders (``:name0, :name1``) and their values.
    The list must not be empty (the caller knows there is nothing to ask for then)."""
    if not values:
        raise ValueError("in_list needs at least one value")
    names = [f"{name}{n}" for n in range(len(values))]
    return ", ".join(f":{n}" for n in names), dict(zip(names, values))


class Cursor:
    """A DB-API cursor of the caller's transaction, with statements in ``:name`` style."""

    def __init__(self, connection) -> None:
        self.dialect = connection.dialect
        self._style = self.dialect.paramstyle
        self._raw = connection.connection.dbapi_connection.cursor()
        self._processors: dict[int, Callable[[Any], Any] | None] = {}

    def _sql(self, statement: str) -> str:
        key = (self._style, statement)
        found = _STYLES.get(key)
        if found is None:
            if self._style in ("named", "qmark"):  # sqlite3 takes :name with a mapping
                found = statement
            elif self._style == "pyformat":  # psycopg
                found = _PARAM.sub(r"%(\1)s", statement.replace("%", "%%"))
            else:  # every driver this app supports is one of the above
                raise ValueError(f"the DB-API parameter style {self._style!r} is not one this app writes")
            _STYLES[key] = found
        return found

    def bound(self, column: Column, value: Any) -> Any:
        """``value`` as SQLAlchemy would send it to this driver for ``column``."""
        key = id(column)
        if key not in self._processors:
            self._processors[key] = column.type.dialect_impl(self.dialect).bind_processor(self.dialect)
        processor = self._processors[key]
        return value if processor is None or value is None else processor(value)

    def rows(self, statement: str, params: Mapping[str, Any]) -> list[tuple]:
        self._raw.execute(self._sql(statement), params)
        return self._raw.fetchall()

    def one(self, statement: str, params: Mapping[str, Any]) -> tuple | None:
        self._raw.execute(self._sql(statement), params)
        return self._raw.fetchone()

    def run(self, statement: str, params: Mapping[str, Any]) -> int:
        """Runs a statement that returns no rows; returns how many rows it changed."""
        self._raw.execute(self._sql(statement), params)
        return self._raw.rowcount

    def many(self, statement: str, params: Iterable[Mapping[str, Any]]) -> None:
        self._raw.executemany(self._sql(statement), list(params))

    def close(self) -> None:
        self._raw.close()


@contextmanager
def cursor(s) -> Iterator[Cursor]:
    """The raw cursor of session ``s``'s transaction (begun if it was not)."""
    cur = Cursor(s.connection())
    try:
        yield cur
    finally:
        cur.close()
