"""The same ballot gets the same verdict, in the same words, on every channel.

Generated ballots for every voting method go through each way a vote can
arrive, with real SQLite files where one is involved:

- a session file imported into the database,
- the facilitator's grid, cell by cell (``RoundDesk``),
- a private ballot submitted whole (``submit_ballot``),
- paper cards (``import-votes``'s service, from a CSV file),
- merging site files,
- the count (``results.round_result``).

The rule book's verdict on the ballot is the reference: a channel that
judges whole ballots must refuse exactly when it does, listing the same
sentences in the same order (a channel may add whose ballot, which round and
the JSON path or row). The grid judges one cell at a time, so it must refuse
some cell exactly when the ballot is invalid for a reason other than being
incomplete, with the rule book's own sentence for that cell.
"""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop_tui.domain import model as m
from workshop_tui.domain import results, rules
from workshop_tui.services import sessions, spreadsheets, voting
from workshop_tui.sessionfile import merge as merging
from workshop_tui.sessionfile.reader import SessionFileError
from workshop_tui.sessionfile.spreadsheet import SpreadsheetError
from workshop_tui.sessionfile.validate import build_workshop
from workshop_tui.storage.engine import open_database

pytestmark = pytest.mark.sqlite_only

ITEMS = {"i0": "Closed-loop medicines", "i1": "Wi-Fi refresh", "i2": "E-observations", "i3": "Patient portal"}
CRITERIA = [{"key": "pat", "name": "Patient benefit", "weight": 2, "min": 0, "max": 10},
            {"key": "staff", "name": "Staff benefit", "weight": 1, "min": 0, "max": 5}]
PEOPLE = [{"key": "p1", "name": "Dr Amara Mensah"}, {"key": "p2", "name": "Tom Reid"}]
TITLE = "Round under test"
BUDGET_RULES = ("over_budget", "under_budget")


def session_doc(rounds: list[dict]) -> dict:
    return {"format": "workshop-tui/session", "version": 1, "session": {"title": "Rule book channels"},
            "participants": PEOPLE, "initiatives": [{"key": k, "title": t} for k, t in ITEMS.items()],
            "criteria": CRITERIA, "rounds": rounds}


def round_doc(key: str, method: str, round_settings: dict, votes: list[dict] | None = None) -> dict:
    return {"key": key, "title": TITLE, "method": method, "settings": round_settings, "votes": votes or []}


# -- generated ballots --------------------------------------------------------------

dots_values = st.integers(-1, 6)
scores = st.one_of(st.integers(-1, 11), st.sampled_from([Fraction(7, 2), Fraction(11, 2)]))
words = st.sampled_from(["must", "should", "could", "wont", "M", "won't", "maybe", "x"])


@st.composite
def cases(draw):
    method = draw(st.sampled_from(["dots", "matrix", "ranking", "value_effort", "moscow"]))
    items = list(ITEMS)
    if method == "dots":
        budget = draw(st.integers(1, 5))
        s: dict = {"budget": budget}
        if draw(st.booleans()):
            s["max_per_initiative"] = draw(st.integers(1, budget))
        if draw(st.booleans()):
            s["must_spend_all"] = True
        chosen = draw(st.lists(st.sampled_from(items), min_size=1, max_size=4, unique=True))
        return method, s, [m.Vote("p1", i, None, draw(dots_values)) for i in chosen]
    if method == "matrix":
        cells = draw(st.lists(st.tuples(st.sampled_from(items), st.sampled_from(["pat", "staff"])),
                              min_size=1, max_size=8, unique=True))
        return method, {}, [m.Vote("p1", i, c, draw(scores)) for i, c in cells]
    if method == "value_effort":
        s = draw(st.sampled_from([{}, {"value_min": 0, "value_max": 10}]))
        chosen = draw(st.lists(st.sampled_from(items), min_size=1, max_size=4, unique=True))
        return method, s, [m.Vote("p1", i, None, draw(st.integers(-1, 11)), Fraction(draw(st.integers(-1, 11))))
                           for i in chosen]
    if method == "moscow":
        chosen = draw(st.lists(st.sampled_from(items), min_size=1, max_size=4, unique=True))
        return method, {}, [m.Vote("p1", i, None, draw(words)) for i in chosen]
    groups = draw(st.lists(st.lists(st.sampled_from(items), min_size=1, max_size=2), min_size=1, max_size=4))
    ballot = tuple(g[0] if len(g) == 1 else tuple(g) for g in groups)
    return method, {"rule": draw(st.sampled_from(["schulze", "borda", "copeland"]))}, [m.Vote("p1", ranking=ballot)]


# -- the channels -------------------------------------------------------------------

def json_value(x):
    if isinstance(x, Fraction):
        return float(x) if x.denominator != 1 else x.numerator  # 3.5, 5.5: exact in binary and decimal
    return x


def vote_doc(v: m.Vote) -> dict:
    if v.ranking is not None:
        return {"participant": v.participant, "ranking": [list(e) if isinstance(e, tuple) else e for e in v.ranking]}
    out = {"participant": v.participant, "initiative": v.initiative, "value": json_value(v.value)}
    if v.criterion is not None:
        out["criterion"] = v.criterion
    if v.effort is not None:
        out["effort"] = json_value(v.effort)
    return out


def sentence(located: str) -> str:
    """The rule book's own sentence inside a channel's message (which adds whose ballot and where)."""
    return located.split(", on the ballot of ")[0]


def by_count(method: str, s: dict, votes: list[m.Vote]) -> tuple[list[str], bool]:
    """The count's words on the ballot, and whether it was counted or blank."""
    base = build_workshop(session_doc([round_doc("r1", method, s)]))
    rnd = dataclasses.replace(base.rounds[0], votes=tuple(votes))
    result = results.round_result(dataclasses.replace(base, rounds=(rnd,)), "r1")
    return [p.message for b in result.rejected for p in b.problems], result.counted + result.blank == 1


def by_session_file(db, method: str, s: dict, votes: list[m.Vote]) -> list[str] | None:
    data = json.dumps(session_doc([round_doc("r1", method, s, [vote_doc(v) for v in votes])])).encode()
    try:
        sessions.import_bytes(db, data, "generated.json")
    except SessionFileError as exc:
        return [sentence(p.message) for p in exc.problems]
    return None


def by_merge(method: str, s: dict, votes: list[m.Vote]) -> list[str] | None:
    site = build_workshop(session_doc([round_doc("r1", method, s)]))
    with_votes = dataclasses.replace(site, rounds=(dataclasses.replace(site.rounds[0], votes=tuple(votes)),))
    try:
        merging.merge([("North", with_votes), ("South", site)])
    except merging.MergeConflict as exc:
        return [sentence(c.rsplit(" (rounds[", 1)[0].split(": ", 1)[-1] if c.startswith("rounds[") else
                         c.rsplit(" (rounds[", 1)[0]) for c in exc.conflicts]
    return None


def by_desk(desk: voting.RoundDesk, method: str, votes: list[m.Vote]) -> list[str]:
    refused = []
    for v in votes:
        try:
            if method == "ranking":
                desk.set_ranking("p1", v.ranking)
            elif method == "value_effort":
                desk.cast("p1", v.initiative, None, v.value, axis="value")
            else:
                desk.cast("p1", v.initiative, v.criterion, v.value)
        except voting.VotingError as exc:
            refused.append(str(exc))
        if method == "value_effort":
            try:
                desk.cast("p1", v.initiative, None, v.effort, axis="effort")
            except voting.VotingError as exc:
                refused.append(str(exc))
    return refused


def by_private_ballot(db, sid: int, votes: list[m.Vote]) -> str | None:
    try:
        voting.submit_ballot(db, sid, "rp", "p1", [dataclasses.replace(v, participant=None) for v in votes])
    except voting.VotingError as exc:
        return str(exc)
    return None


def by_paper(db, sid: int, method: str, votes: list[m.Vote], folder: Path) -> list[str] | None:
    def cell(x) -> str:
        return "" if x is None else str(x)

    if method == "ranking":
        lines = ["participant,ranking"] + [
            "p1," + " > ".join(" = ".join(e) if isinstance(e, tuple) else e for e in v.ranking) for v in votes]
    elif method == "matrix":
        lines = ["participant,initiative,criterion,value"] + [
            f"p1,{v.initiative},{v.criterion},{cell(v.value)}" for v in votes]
    elif method == "value_effort":
        lines = ["participant,initiative,value,effort"] + [
            f"p1,{v.initiative},{cell(v.value)},{cell(v.effort)}" for v in votes]
    else:
        lines = ["participant,initiative,value"] + [f"p1,{v.initiative},{cell(v.value)}" for v in votes]
    path = folder / "paper.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    try:
        spreadsheets.import_votes(db, sid, "rq", path)
    except SpreadsheetError as exc:
        return [sentence(p.message) for p in exc.problems]
    return None


def capitalised(text: str) -> str:
    return (text[:1].upper() + text[1:]).rstrip(".") + "."


# -- the property --------------------------------------------------------------------

@pytest.fixture(scope="module")
def database(tmp_path_factory):
    folder = tmp_path_factory.mktemp("channels")
    db = open_database(f"sqlite:///{folder / 'channels.db'}", backup=False)
    yield db, folder
    db.dispose()


@given(cases())
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
def test_every_channel_gives_the_rule_books_verdict_in_its_words(database, case):
    db, folder = database
    method, s, votes = case
    settings_typed = rules.parse_settings(method, s, len(ITEMS))
    context = rules.Context(ITEMS, {c["key"]: m.Criterion(c["key"], c["name"], min=Fraction(c["min"]),
                                                          max=Fraction(c["max"])) for c in CRITERIA},
                            participants={p["key"]: p["name"] for p in PEOPLE}, round_title=TITLE)
    verdict = rules.judge_ballot(settings_typed, context, votes)
    words = [p.message for p in verdict.problems]
    note = f"{method} {s} {votes} -> {words}"

    # The count: the reference channel for stored votes.
    counted_words, counted = by_count(method, s, votes)
    assert counted_words == words and counted == verdict.ok, note

    # A session file, imported into a real database.
    assert by_session_file(db, method, s, votes) == (words or None), note

    # Merging site files: the merged file is checked by the same rules.
    assert by_merge(method, s, votes) == (words or None), note

    # A fresh session with one round per live channel.
    sid = sessions.import_bytes(db, json.dumps(session_doc(
        [round_doc(k, method, s) for k in ("rd", "rp", "rq")])).encode(), "live.json")

    # A private ballot, cast whole: the same sentences, in order, as one message.
    private = by_private_ballot(db, sid, votes)
    if words:
        assert private == " ".join(capitalised(w) for w in words), note
    elif verdict.blank:
        assert private is not None and "Nothing was entered" in private, note
    else:
        assert private is None, note

    # Paper cards, through the import-votes service.
    assert by_paper(db, sid, method, votes, folder) == (words or None), note

    # The facilitator's grid, one cell (or, for a ranking, one whole ballot) at a time.
    desk = voting.open_desk(db, sid, "rd")
    refused = by_desk(desk, method, votes)
    if method == "ranking":
        assert refused == ([" ".join(capitalised(w) for w in words)] if words else []), note
        return
    cell_rules = [p for p in verdict.problems if p.rule not in BUDGET_RULES]
    over_budget = any(p.rule == "over_budget" for p in verdict.problems)
    assert bool(refused) == (bool(cell_rules) or over_budget), (note, refused)
    for text in refused:
        assert text in {capitalised(p.message) for p in cell_rules} or (
            over_budget and " dots placed but only " in text), (note, refused)
    assert {capitalised(p.message) for p in cell_rules} <= set(refused), (note, refused)
    if not refused:
        # Everything typed was stored: the count judges the stored ballot as the rule book did.
        stored = sessions.load(db, sid)
        result = results.round_result(stored, "rd")
        assert [p.message for b in result.rejected for p in b.problems] == words, note
