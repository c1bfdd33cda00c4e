"""An open secret round's boxed ballots as plain values: standard library only.

The ballot box itself (storage/ballot_box.py, SQLAlchemy) and the quick read path
(storage/quick_load.py, sqlite3) both read slots' payloads through ``entries`` and
clean them against the session as it now is through ``still_valid``.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass

from workshop_tui.storage.codecs import decode_ranking, encode_ranking, ranking_without


@dataclass(frozen=True)
class Entry:
    """One line of a boxed ballot, in the vote table's terms (row ids, encoded text)."""

    initiative_id: int | None
    criterion_id: int | None
    value: str | None
    effort: str | None
    ranking: str | None
    channel: str
    note: str
    ballot: str
    participant_id: None = None


def entries(ballot: str, payload: str) -> list[Entry]:
    """The lines of one filled slot (its payload is JSON padded with spaces)."""
    return [Entry(ballot=ballot, **e) for e in json.loads(payload)]


def still_valid(e: Entry, i_key: dict[int, str], c_key: dict[int, str]) -> Entry | None:
    """A boxed entry as the session now is: an initiative or criterion deleted since
    the ballot was cast drops out of it, as it does from stored ballots."""
    if e.initiative_id is not None and e.initiative_id not in i_key:
        return None
    if e.criterion_id is not None and e.criterion_id not in c_key:
        return None
    if e.ranking is not None:
        ranking = decode_ranking(e.ranking) or ()
        for key in {k for entry in ranking for k in ((entry,) if isinstance(entry, str) else entry)}:
            if key not in i_key.values():
                ranking = ranking_without(ranking, key)
        if not ranking:
            return None
        return dataclasses.replace(e, ranking=encode_ranking(ranking))
    return e


def cleaned(boxed: dict[int, list[Entry]], i_key: dict[int, str], c_key: dict[int, str]) -> dict[int, list[Entry]]:
    """Every round's boxed entries through ``still_valid`` (the entries that no longer apply left out)."""
    return {rid: [v for v in (still_valid(e, i_key, c_key) for e in found) if v is not None]
            for rid, found in boxed.items()}
