"""Edits keep votes whole (issue 10, item 4): deleting an initiative or changing a
criterion after votes exist says first what happens to which rounds, needs the
facilitator's consent, never leaves a stored vote invalid, and the session's own
json export always imports again. On the samples, as the issue measured them."""

from __future__ import annotations

import dataclasses
import json
from fractions import Fraction

import pytest
from sqlalchemy.exc import IntegrityError

from tests.conftest import SAMPLES
from workshop_tui.domain import results
from workshop_tui.services import editing, sessions, voting
from workshop_tui.services.unit_of_work import write
from workshop_tui.storage import repository as repo

NHS = SAMPLES / "nhs-trust-where-to-start.json"


@pytest.fixture
def nhs(db) -> int:
    return sessions.import_bytes(db, NHS.read_bytes(), "test")


def counted(db, sid, key) -> tuple[int, int]:
    result = results.round_result(sessions.load(db, sid), key)
    return result.counted, len(result.rejected)


def reimports(db, sid) -> None:
    """The session's own json export imports again, votes and all."""
    exported = sessions.export_json(db, sid)
    again = sessions.import_bytes(db, exported.encode(), "re-import")
    assert json.loads(sessions.export_json(db, again))["rounds"] == json.loads(exported)["rounds"]


def criterion(db, sid, key):
    return next(c for c in sessions.load(db, sid).criteria if c.key == key)


def test_deleting_an_initiative_ranked_on_secret_ballots_keeps_every_ballot_counted(db, nhs):
    assert counted(db, nhs, "r4") == (11, 0)
    impact = editing.initiative_impact(db, nhs, "vwards")
    assert any("r4" in line and "6 ranking ballot(s)" in line and "taken out" in line for line in impact.lines)
    with pytest.raises(editing.NeedsConsent) as asked:
        editing.delete_initiative(db, nhs, "vwards")
    assert asked.value.impact == impact
    assert "vwards" in {i.key for i in sessions.load(db, nhs).initiatives}  # refused: nothing changed
    editing.delete_initiative(db, nhs, "vwards", accept=impact)
    workshop = sessions.load(db, nhs)
    r4 = workshop.round("r4")
    assert all("vwards" not in repr(v.ranking) for v in r4.votes)
    assert counted(db, nhs, "r4") == (11, 0)
    assert counted(db, nhs, "r3") == (10, 0) and counted(db, nhs, "r2") == (11, 0)
    reimports(db, nhs)


def test_the_database_itself_refuses_to_delete_an_initiative_a_ballot_still_names(db, nhs):
    with pytest.raises(IntegrityError):
        write(db, lambda s: repo.delete_initiative(s, nhs, "vwards"))
    assert counted(db, nhs, "r4") == (11, 0)


def test_a_ballot_naming_only_the_deleted_initiative_is_removed_and_the_export_still_imports(db, nhs):
    key = voting.create_round(db, nhs, method="ranking")
    desk = voting.open_desk(db, nhs, key)
    desk.set_ranking("p01", ("wifi",))
    desk.set_ranking("p02", (("wifi", "eobs"), "cyber"))
    impact = editing.initiative_impact(db, nhs, "wifi")
    assert any(key in line and "2 ranking ballot(s)" in line and "1 ballot(s) rank nothing else" in line
               for line in impact.lines)
    editing.delete_initiative(db, nhs, "wifi", accept=impact)
    votes = sessions.load(db, nhs).round(key).votes
    assert [(v.participant, v.ranking) for v in votes] == [("p02", ("eobs", "cyber"))]
    reimports(db, nhs)


def test_consent_to_an_older_impact_is_not_consent_to_a_newer_one(db, nhs):
    impact = editing.initiative_impact(db, nhs, "wifi")
    key = voting.create_round(db, nhs, method="ranking")
    voting.open_desk(db, nhs, key).set_ranking("p01", ("wifi", "eobs"))  # another window, meanwhile
    with pytest.raises(editing.NeedsConsent) as asked:
        editing.delete_initiative(db, nhs, "wifi", accept=impact)
    assert any(key in line for line in asked.value.impact.lines)
    assert "wifi" in {i.key for i in sessions.load(db, nhs).initiatives}


def test_lowering_a_criterion_maximum_asks_then_removes_only_the_scores_above_it(db, nhs):
    assert counted(db, nhs, "r3") == (10, 0)
    lowered = dataclasses.replace(criterion(db, nhs, "impact"), max=Fraction(3))
    impact = editing.criterion_impact(db, nhs, lowered)
    assert any("r3" in line and "10 ballot(s)" in line and "above the new maximum 3" in line
               for line in impact.lines)
    assert any("re-ranks this closed round" in line for line in impact.lines)
    with pytest.raises(editing.NeedsConsent):
        editing.save_criterion(db, nhs, lowered)
    assert criterion(db, nhs, "impact").max == 5
    editing.save_criterion(db, nhs, lowered, accept=impact)
    scores = [v.value for v in sessions.load(db, nhs).round("r3").votes if v.criterion == "impact"]
    assert scores and max(scores) <= 3
    assert counted(db, nhs, "r3") == (10, 0)
    reimports(db, nhs)


def test_turning_a_scored_criterion_into_a_gate_asks_then_keeps_the_matrix_counted(db, nhs):
    gate = dataclasses.replace(criterion(db, nhs, "impact"), kind="gate")
    impact = editing.criterion_impact(db, nhs, gate)
    assert any("r3" in line and "a gate is not scored" in line for line in impact.lines)
    with pytest.raises(editing.NeedsConsent):
        editing.save_criterion(db, nhs, gate)
    editing.save_criterion(db, nhs, gate, accept=impact)
    assert not [v for v in sessions.load(db, nhs).round("r3").votes if v.criterion == "impact"]
    assert counted(db, nhs, "r3") == (10, 0)
    reimports(db, nhs)


def test_a_weight_change_says_it_re_ranks_the_closed_round_and_keeps_every_vote(db, nhs):
    before = sessions.load(db, nhs).round("r3").votes
    heavier = dataclasses.replace(criterion(db, nhs, "impact"), weight=Fraction(10))
    impact = editing.criterion_impact(db, nhs, heavier)
    assert impact.lines == ("Round r3 \u201cExemplar criteria matrix\u201d (closed): the weight change re-ranks "
                            "this closed round.",)
    with pytest.raises(editing.NeedsConsent):
        editing.save_criterion(db, nhs, heavier)
    editing.save_criterion(db, nhs, heavier, accept=impact)
    assert sessions.load(db, nhs).round("r3").votes == before
    reimports(db, nhs)


def test_renaming_a_criterion_asks_nothing(db, nhs):
    renamed = dataclasses.replace(criterion(db, nhs, "impact"), name="Impact on care")
    assert not editing.criterion_impact(db, nhs, renamed)
    assert editing.save_criterion(db, nhs, renamed).name == "Impact on care"
