"""Turn the bytes of a session file into JSON values, strictly.

Strict means: UTF-8 only (a BOM is tolerated), no NaN or Infinity, no
duplicate keys in an object, decimals kept exact, and a size and nesting
limit so a hostile file cannot exhaust the laptop.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 32


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (a JSON path) and what."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class SessionFileError(Exception):
    """The file cannot be imported; ``problems`` lists every reason found."""

    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self, limit: int = 50) -> str:
        lines = [f"{self.source}: cannot import, {len(self.problems)} problem(s) found:"]
        lines += [f"  {problem}" for problem in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"  ... and {len(self.problems) - limit} more")
        return "\n".join(lines)


class DuplicateKeys(dict):
    """A JSON object that had repeated field names (reported by the validator)."""

    duplicates: list[str]


def _object_pairs(pairs: list[tuple[str, object]]) -> dict:
    seen: dict = {}
    dupes: list[str] = []
    for name, value in pairs:
        if name in seen:
            dupes.append(name)
        seen[name] = value
    if dupes:
        result = DuplicateKeys(seen)
        result.duplicates = dupes
        return result
    return seen


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a session file may hold")


_TOO_DEEP = object()  # json.loads ran out of stack: the nesting is far too deep
_TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]|-?Infinity|NaN')


def _place(text: str, offset: int) -> str:
    line = text.count("\n", 0, offset) + 1
    return f"line {line}, column {offset - (text.rfind(chr(10), 0, offset) + 1) + 1}"


def _first(text: str, want) -> str:
    """Where the first token ``want`` accepts is (strings skipped): "line L, column C"."""
    depth = 0
    for match in _TOKENS.finditer(text):
        token = match.group()
        if token[0] in "[{":
            depth += 1
        elif token[0] in "]}":
            depth -= 1
        if want(token, depth):
            return _place(text, match.start())
    return "an unknown place"


def _depth(value: object, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit`` (iterative: no recursion limit)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values())
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item)
    return False


def read_json(data: bytes, source: str) -> object:
    """Parse bytes into JSON values or raise SessionFileError naming the place."""
    if len(data) > MAX_FILE_BYTES:
        raise SessionFileError(
            source, [Problem("", f"the file is {len(data):,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        )
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SessionFileError(
            source, [Problem("", f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} (line {line})")]
        ) from None
    if not text.strip():
        raise SessionFileError(source, [Problem("", "the file is empty")])
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_pairs,
            parse_float=Decimal,
            parse_constant=_reject_constant,
        )
    except json.JSONDecodeError as exc:
        raise SessionFileError(
            source, [Problem("", f"not valid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}")]
        ) from None
    except ValueError as exc:
        where = _first(text, lambda token, _depth: token[0] in "-IN")
        raise SessionFileError(source, [Problem(where, str(exc))]) from None
    except RecursionError:
        value = _TOO_DEEP
    if value is _TOO_DEEP or _depth(value, MAX_DEPTH):
        where = _first(text, lambda token, depth: depth > MAX_DEPTH)
        raise SessionFileError(source, [Problem(where, f"values are nested too deeply (limit {MAX_DEPTH})")])
    return value
