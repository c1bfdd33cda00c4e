"""Fuzz the session-file reader and validator: whatever the bytes, the only failure
is SessionFileError, and what is accepted survives writing and reading back."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop_tui.sessionfile.reader import SessionFileError
from workshop_tui.sessionfile.validate import parse_session_bytes
from workshop_tui.sessionfile.writer import dumps

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"
BASES = {p.stem: json.loads(p.read_text()) for p in sorted(SAMPLES.glob("*.json"))}
FIELDS = ["format", "version", "session", "participants", "initiatives", "criteria", "rounds", "votes", "key",
          "title", "value", "participant", "initiative", "criterion", "method", "settings", "budget", "ranking",
          "anonymous", "depends_on", "demands", "min", "max", "weight", "kind", "ballot", "date", "cost"]

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
    st.sampled_from(["workshop-tui/session", "p01", "epr_opt", "dots", "matrix", "ranking", "must", "1/3",
                     "2026-02-30", "[bold red]x[/]", "\x1b[2J", "=1+1"]),
)
json_values = st.recursive(
    scalars,
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), children,
                                               max_size=5)),
    max_leaves=25,
)


def check(data: bytes) -> None:
    try:
        workshop = parse_session_bytes(data, "fuzz.json")
    except SessionFileError as exc:
        assert exc.problems, "a refusal must say why"
        for problem in exc.problems:
            assert str(problem)
        return
    again = parse_session_bytes(dumps(workshop).encode(), "round-trip.json")
    assert again == workshop
    assert dumps(again) == dumps(workshop)


DUPLICATE_MARK = "\x00dup\x00"


def refusal(data: bytes) -> list:
    """The problems a file is refused with (the test fails if it is accepted)."""
    try:
        parse_session_bytes(data, "fuzz.json")
    except SessionFileError as exc:
        return exc.problems
    raise AssertionError("a file with a repeated field was accepted")


def paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for k, v in value.items():
            yield from paths(v, prefix + (k,))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from paths(v, prefix + (n,))


PATHS = {name: [p for p in paths(doc) if p] for name, doc in BASES.items()}
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(json_values)
def test_random_json_values(value):
    check(json.dumps(value).encode())


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data):
    check(data)


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.data(), st.sampled_from(["replace", "delete", "duplicate"]), json_values)
def test_mutations_of_a_valid_sample(name, data, how, value):
    doc = copy.deepcopy(BASES[name])
    path = data.draw(st.sampled_from(PATHS[name]))
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if how == "replace":
        parent[last] = value
    elif how == "delete":
        del parent[last]
    elif isinstance(parent, list):
        parent.insert(last, copy.deepcopy(parent[last]))
    else:
        # A dict cannot hold a key twice, so the second copy goes in under a marked
        # name and the mark is taken out of the JSON text: the file really does
        # carry the field twice, and that must always be refused, naming it.
        parent[DUPLICATE_MARK + last] = copy.deepcopy(parent[last])
        text = json.dumps(doc)
        assert text.count(json.dumps(DUPLICATE_MARK)[1:-1]) == 1
        text = text.replace(json.dumps(DUPLICATE_MARK)[1:-1], "")
        problems = refusal(text.encode())
        assert any(p.path.split(".")[-1] == str(last) and "appears more than once" in p.message
                   for p in problems), problems
        return
    check(json.dumps(doc).encode())


@FUZZ
@given(st.sampled_from(sorted(BASES)), st.integers(min_value=0), st.binary(min_size=1, max_size=4),
       st.sampled_from(["truncate", "overwrite", "insert"]))
def test_byte_level_damage_to_a_valid_sample(name, where, junk, how):
    raw = json.dumps(BASES[name]).encode()
    at = where % len(raw)
    if how == "truncate":
        raw = raw[:at]
    elif how == "overwrite":
        raw = raw[:at] + junk + raw[at + len(junk):]
    else:
        raw = raw[:at] + junk + raw[at:]
    check(raw)


def test_the_samples_themselves_round_trip():
    for name, doc in BASES.items():
        check(json.dumps(doc).encode())
