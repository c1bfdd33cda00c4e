"""A round's result and a plan are worked out once per picture (domain/memo.py): asked
again for the same objects they come back as they were; any new object among the round
and the parts of the workshop that are not rounds (a round read again, a renamed
initiative, a decision) works them out again, and the figure always equals a fresh one."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from workshop_tui.domain import results as engine
from workshop_tui.domain.model import Decision
from workshop_tui.sessionfile.validate import parse_session_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"


@pytest.fixture
def nhs():
    path = SAMPLES / "nhs-trust-where-to-start.json"
    return parse_session_bytes(path.read_bytes(), path.name)


def fresh(workshop, key):
    return engine._round_result(workshop, workshop.round(key))


def test_the_same_picture_is_counted_once_and_any_new_part_counts_again(nhs):
    key = "r3"  # the matrix round
    first = engine.round_result(nhs, key)
    assert engine.round_result(nhs, key) is first
    # Another round read again: this round's result holds.
    other = dataclasses.replace(nhs, rounds=tuple(dataclasses.replace(r) if r.key != key else r for r in nhs.rounds))
    assert engine.round_result(other, key) is first
    # This round read again (equal, but a new object): counted again, to the same figures.
    again = dataclasses.replace(nhs, rounds=tuple(dataclasses.replace(r) if r.key == key else r for r in nhs.rounds))
    assert engine.round_result(again, key) is not first
    assert engine.round_result(again, key) == first == fresh(nhs, key)
    # A change elsewhere (an initiative dropped): counted again, and it shows.
    fewer = dataclasses.replace(nhs, initiatives=nhs.initiatives[1:])
    assert engine.round_result(fewer, key) == fresh(fewer, key) != first


def test_a_plan_is_made_once_per_picture_and_again_after_a_decision(nhs):
    plan = engine.plan(nhs, "r3")
    assert engine.plan(nhs, "r3") is plan
    assert engine.plan(nhs, "r3", overrides=False) is not plan  # other arguments, another plan
    top = plan.will_do[0].initiative
    decided = dataclasses.replace(nhs, decisions=nhs.decisions + (Decision(top, "exclude", "Ruled out by the board"),))
    ruled_out = engine.plan(decided, "r3")
    assert ruled_out is not plan and top not in {i.initiative for i in ruled_out.will_do}
    assert ruled_out == engine._plan(decided, "r3", True, None, None, None)
    with pytest.raises(KeyError):
        engine.plan(nhs, "no-such-round")


def test_only_the_latest_picture_of_a_round_is_kept(nhs):
    pictures = [dataclasses.replace(nhs, rounds=tuple(dataclasses.replace(r) for r in nhs.rounds)) for _ in range(20)]
    for w in pictures:
        engine.round_result(w, "r2")
    kept = [inputs[0] for (key, _extra), (inputs, _value) in engine._RESULTS._kept.items() if key == "r2"]
    assert kept == [pictures[-1].round("r2")]  # the older pictures' rounds are let go
    assert len(engine._RESULTS._kept) <= engine._RESULTS.size
