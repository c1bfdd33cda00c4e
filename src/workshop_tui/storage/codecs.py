"""How values are stored as text and read back: standard library only.

Shared by the full storage layer (repository.py, SQLAlchemy) and the quick read
path (quick_load.py, sqlite3 alone), so both read every stored value by the same
rule. Exact numbers are stored in Fraction form ("15/2"); vote values as a JSON
scalar; ranking ballots as a JSON list of keys and groups of keys.
"""

from __future__ import annotations

import json
import re
from fractions import Fraction
from typing import Any

from workshop_tui.domain import model as m

FRACTION = re.compile(r"^-?\d+/\d+$")


def frac_to_text(value: Fraction | int | None) -> str | None:
    return None if value is None else str(Fraction(value))


def text_to_frac(value: str | None) -> Fraction | None:
    return None if value is None or value == "" else Fraction(value)


def encode_value(value: m.VoteValue) -> str | None:
    if value is None:
        return None
    if isinstance(value, (bool, str, int)):
        return json.dumps(value)
    frac = Fraction(value)
    return json.dumps(frac.numerator if frac.denominator == 1 else str(frac))


def decode_value(text: str | None, method: str) -> m.VoteValue:
    if text is None:
        return None
    value = json.loads(text)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, str) and FRACTION.match(value):
        value = Fraction(value)
    if method == "dots" and isinstance(value, (int, Fraction)):
        return int(value)
    if method in ("matrix", "value_effort") and isinstance(value, (int, Fraction)):
        return Fraction(value)
    return value


def settings_to_json(settings: Any) -> dict:
    return {k: (str(v) if isinstance(v, Fraction) else v) for k, v in dict(settings).items()}


def settings_from_json(text: str) -> dict:
    out = {}
    for k, v in json.loads(text or "{}").items():
        out[k] = Fraction(v) if isinstance(v, str) and FRACTION.match(v) else v
    return out


def encode_ranking(ranking: m.RankingBallot) -> str:
    return json.dumps([list(e) if isinstance(e, tuple) else e for e in ranking])


def decode_ranking(text: str | None) -> m.RankingBallot | None:
    if text is None:
        return None
    return tuple(tuple(e) if isinstance(e, list) else e for e in json.loads(text))


def ranking_without(ranking: m.RankingBallot, key: str) -> m.RankingBallot:
    """A ranking ballot with one initiative taken out (a group of one becomes a plain entry)."""
    out: list = []
    for entry in ranking:
        if isinstance(entry, str):
            if entry != key:
                out.append(entry)
            continue
        rest = tuple(k for k in entry if k != key)
        if len(rest) > 1:
            out.append(rest)
        elif rest:
            out.append(rest[0])
    return tuple(out)


def secret_order(v: m.Vote) -> tuple[str, str, str]:
    """A secret round's votes in an order that says nothing of who cast first: by ballot id
    (random), then initiative and criterion. Every read of a secret round uses it."""
    return (v.ballot or "", v.initiative or "", v.criterion or "")
