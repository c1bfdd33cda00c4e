"""``json.dumps(obj, ensure_ascii=False, indent=2)``, byte for byte, at C speed.

The standard library's C encoder runs only without ``indent``; with it, a large
session file (120,000 votes) takes seconds in the pure-Python encoder. Most of
the document is containers of plain values (a vote, a participant, a list of
keys), and a compact encoding of such a container with the separator
``",\\n" + the indent of its items`` is exactly its indented form once its
brackets get their own lines. A list of such flat objects (a round's votes) is
done in one call too: its objects' closing and opening braces are the only
places ``}`` meets a line break, as the encoder escapes every line break inside
text. Everything else is walked here. Anything this does not recognise (a key
that is not text, a subclass, a value JSON cannot hold) is handed whole to the
standard library, so the result, or the error, is always the library's own.
"""

from __future__ import annotations

import json
from itertools import chain
from json.encoder import encode_basestring as _text

INDENT = "  "
_SCALARS = frozenset({str, int, float, bool, type(None)})


class _NotPlain(Exception):
    """The document holds something only the standard library should judge."""


def dumps(obj: object, end: str = "") -> str:
    """The text ``json.dumps(obj, ensure_ascii=False, indent=2) + end`` gives."""
    try:
        writer = _Writer()
        writer.emit(obj, 0)
    except (_NotPlain, RecursionError):
        return json.dumps(obj, ensure_ascii=False, indent=2) + end
    # The pieces are joined once: a session file is tens of megabytes, and each copy of
    # text that size costs more than encoding it did.
    writer.out.append(end)
    return "".join(writer.out)


class _Writer:
    def __init__(self) -> None:
        self._encoders: dict[int, json.JSONEncoder] = {}
        self._seen: set[int] = set()
        self.out: list[str] = []

    def _compact(self, obj: object, level: int) -> str:
        """``obj`` compact, items separated by a line break and the indent of ``level``."""
        encoder = self._encoders.get(level)
        if encoder is None:
            encoder = json.JSONEncoder(ensure_ascii=False, separators=(",\n" + INDENT * level, ": "))
            self._encoders[level] = encoder
        return encoder.encode(obj)

    def emit(self, obj: object, level: int) -> None:
        kind = type(obj)
        if kind in _SCALARS:
            self.out.append(self._compact(obj, level))
            return
        if kind is not list and kind is not dict:
            raise _NotPlain
        if not obj:
            self.out.append("[]" if kind is list else "{}")
            return
        if id(obj) in self._seen:
            raise _NotPlain  # a cycle: the library says so in its own words
        self._seen.add(id(obj))
        try:
            self._container(obj, level)
        finally:
            self._seen.discard(id(obj))

    def _container(self, obj: list | dict, level: int) -> None:
        inner, outer, out = INDENT * (level + 1), INDENT * level, self.out
        if type(obj) is dict:
            if set(map(type, obj)) != {str}:
                raise _NotPlain
            if set(map(type, obj.values())) <= _SCALARS:
                out += ("{\n", inner, self._compact(obj, level + 1)[1:-1], "\n", outer, "}")
                return
            separator = "{\n" + inner
            for key, value in obj.items():
                out.append(separator + _text(key) + ": ")
                self.emit(value, level + 1)
                separator = ",\n" + inner
            out.append("\n" + outer + "}")
            return
        if set(map(type, obj)) <= _SCALARS:
            out += ("[\n", inner, self._compact(obj, level + 1)[1:-1], "\n", outer, "]")
            return
        if (set(map(type, obj)) == {dict} and min(map(len, obj))
                and set(map(type, chain.from_iterable(obj))) == {str}
                and set(map(type, chain.from_iterable(map(dict.values, obj)))) <= _SCALARS):
            # A list of flat objects: compact with their items' separator, then the
            # braces between objects (the only "}," with a line break) on lines of their own.
            deeper = INDENT * (level + 2)
            body = self._compact(obj, level + 2)
            body = body.replace("},\n" + deeper + "{", "\n" + inner + "},\n" + inner + "{\n" + deeper)
            out += ("[\n", inner, "{\n", deeper, body[2:-2], "\n", inner, "}\n", outer, "]")
            return
        separator = "[\n" + inner
        for value in obj:
            out.append(separator)
            self.emit(value, level + 1)
            separator = ",\n" + inner
        out.append("\n" + outer + "]")
