"""Choices service: results and plan through the engine, overrides, actions and their checks."""

from __future__ import annotations

import datetime as dt

import datetime as dt

import pytest

from workshop_tui.domain import model as m
from workshop_tui.services import choices, sessions, voting
from workshop_tui.services.choices import ChoiceError


def dots_round(db, sid, hidden=False) -> str:
    key = voting.create_round(db, sid, method="dots", hidden=hidden, settings={"budget": 3, "max_per_initiative": 2})
    desk = voting.open_desk(db, sid, key)
    for person, item, dots in (("ana", "epr", 2), ("ana", "wifi", 1), ("ben", "epr", 1), ("ben", "eobs", 2),
                               ("cat", "wifi", 2), ("dev", "epr", 1)):
        desk.cast(person, item, None, dots)
    return key


def test_results_come_from_the_engine_ranking(db, session_id):
    key = dots_round(db, session_id)
    result = choices.result(sessions.load(db, session_id), key)
    assert [(r.initiative, r.rank, r.score) for r in result.ranking[:3]] == [("epr", 1, 4), ("wifi", 2, 3), ("eobs", 3, 2)]
    assert result.counted == 4


def test_the_default_round_skips_hidden_results(db, session_id):
    shown = dots_round(db, session_id)
    dots_round(db, session_id, hidden=True)
    assert choices.default_round(sessions.load(db, session_id)) == shown


def test_the_plan_fits_the_bandwidth_and_gives_reasons(db, session_id):
    dots_round(db, session_id)
    plan = choices.plan(sessions.load(db, session_id))
    assert sorted(i.initiative for i in plan.will_do) == ["epr", "wifi"]  # bandwidth 2
    assert all(i.reasons for i in plan.not_now)
    assert plan.not_now[0].reasons[0].code == "over_bandwidth"


def test_an_override_needs_a_rationale_and_changes_the_plan(db, session_id):
    key = dots_round(db, session_id)
    with pytest.raises(ChoiceError, match="Say why"):
        choices.record_override(db, session_id, "wifi", "exclude", "   ")
    with pytest.raises(ChoiceError, match="includes"):
        choices.record_override(db, session_id, "wifi", "maybe", "why not")
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    choices.record_override(db, session_id, "wifi", "exclude", "Network contract already covers it", key)
    after = dt.datetime.now(dt.timezone.utc)
    workshop = sessions.load(db, session_id)
    (decision,) = workshop.decisions
    # The decision log says when: the time it was recorded, in UTC, kept by the database.
    assert decision.decided_at is not None and before <= decision.decided_at <= after
    assert decision.decided_at.utcoffset() == dt.timedelta(0)
    assert decision == m.Decision("wifi", "exclude", "Network contract already covers it", key, kind="rule_out",
                                  decided_at=decision.decided_at)
    assert choices.decision_note(workshop, "wifi").startswith(
        f"Override (rule out) recorded {decision.decided_at:%Y-%m-%d %H:%M} UTC on round ")
    plan = choices.plan(workshop)
    assert "wifi" not in [i.initiative for i in plan.will_do]
    wont = {i.initiative: i for i in plan.wont}
    assert wont["wifi"].reasons[0].code == "override"
    choices.remove_override(db, session_id, "wifi")
    assert sessions.load(db, session_id).decisions == ()


def test_due_dates_are_typed_as_iso_dates():
    assert choices.parse_due("2027-03-31") == dt.date(2027, 3, 31)
    assert choices.parse_due("  ") is None
    with pytest.raises(ChoiceError, match="YYYY-MM-DD"):
        choices.parse_due("31/03/2027")


def test_actions_are_saved_and_checked_for_owner_measure_and_date(db, session_id):
    with pytest.raises(ChoiceError, match="title"):
        choices.save_action(db, session_id, m.Action(initiative="epr", title=" "))
    key = choices.save_action(db, session_id, m.Action(initiative="epr", title="Go live on two wards"))
    checks = choices.check_actions(sessions.load(db, session_id))
    assert [(c.action, c.message) for c in checks] == [(key, "Go live on two wards: no owner, no measure, no due date")]
    choices.save_action(db, session_id, m.Action(key=key, initiative="epr", title="Go live on two wards",
                                                 owner="Deputy Chief Nurse", measure="95% e-obs",
                                                 due=dt.date(2027, 6, 30)))
    workshop = sessions.load(db, session_id)
    assert choices.check_actions(workshop) == []
    assert workshop.actions[0].owner == "Deputy Chief Nurse"
    choices.delete_action(db, session_id, key)
    assert sessions.load(db, session_id).actions == ()


def test_too_many_actions_are_flagged(db, session_id):
    for n in range(6):
        choices.save_action(db, session_id, m.Action(initiative=None, title=f"Action {n}", owner="o", measure="m",
                                                     due=dt.date(2027, 1, 1)))
    checks = choices.check_actions(sessions.load(db, session_id))
    assert [c.message for c in checks] == [
        "6 actions: the guidance asks for a short list (at most 5 here). Merge or drop some."]


def test_override_kinds_are_stored_and_previewed_before_asking(db, session_id):
    key = dots_round(db, session_id)  # epr 4, wifi 3, eobs 2; bandwidth 2
    workshop = sessions.load(db, session_id)
    preview = choices.preview_override(workshop, "eobs", "within", key)
    assert preview.overrides[0].displaced == ("wifi",)
    assert sessions.load(db, session_id).decisions == ()  # a preview saves nothing
    stretch = choices.preview_override(workshop, "eobs", "stretch", key)
    assert stretch.overrides[0].displaced == () and stretch.slots_used == 3
    choices.record_override(db, session_id, "eobs", "stretch", "Board accepted a small fifth project", key)
    workshop = sessions.load(db, session_id)
    assert workshop.decisions[0].kind == "stretch" and workshop.decisions[0].outcome == "include"
    plan = choices.plan(workshop)
    assert {i.initiative: i.reasons[0].code for i in plan.will_do} == {
        "eobs": "override_stretch", "epr": "priority", "wifi": "priority"}


def test_actions_are_flagged_against_the_plan_and_the_session_date(db, session_id):
    dots_round(db, session_id)  # eobs is not now within a bandwidth of 2
    choices.save_action(db, session_id, m.Action(initiative="eobs", title="Pilot e-obs", owner="Jo", measure="95%",
                                                 due=dt.date(2000, 1, 1)))
    import dataclasses

    workshop = sessions.load(db, session_id)
    workshop = dataclasses.replace(workshop, session=dataclasses.replace(workshop.session, date=dt.date(2026, 11, 19)))
    messages = [c.message for c in choices.check_actions(workshop)]
    assert any("is not now in the plan" in x for x in messages)
    assert any(x.startswith("Pilot e-obs: due 2000-01-01, before the session date") for x in messages)
