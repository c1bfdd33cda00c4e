"""Editing use-cases on a real SQLite file: each commits whole or not at all."""

from fractions import Fraction

import pytest

from workshop_tui.domain import model as m
from workshop_tui.domain.summaries import shortlist
from workshop_tui.services import editing, sessions
from workshop_tui.services.editing import EditError


@pytest.fixture
def sid(db):
    return sessions.create(db, m.SessionInfo(title="Board away day"))


def test_setup_values_are_parsed_and_saved_and_bad_ones_reported_per_field(db, sid):
    parsed, errors = editing.parse_setup({"horizon_years": "3", "bandwidth": "four", "date": "21/11/2026",
                                          "mission": " Better care, closer to home "})
    assert parsed == {"horizon_years": 3, "mission": "Better care, closer to home"}
    assert set(errors) == {"bandwidth", "date"}
    info = editing.save_setup(db, sid, parsed)
    assert sessions.load(db, sid).session == info
    assert info.horizon_years == 3 and info.bandwidth is None


def test_the_plan_budget_and_the_action_limit_are_set_up_values(db, sid):
    from workshop_tui.domain import results

    parsed, errors = editing.parse_setup({"budget": "£2,500,000", "max_actions": "4"})
    assert errors == {} and parsed == {"budget": Fraction(2_500_000), "max_actions": 4}
    editing.save_setup(db, sid, parsed)
    stored = sessions.load(db, sid)
    assert stored.session.budget == 2_500_000 and stored.session.max_actions == 4
    assert results.plan(stored).budget.capacity == 2_500_000
    cleared, _ = editing.parse_setup({"budget": ""})
    editing.save_setup(db, sid, cleared)
    assert sessions.load(db, sid).session.budget is None
    _, errors = editing.parse_setup({"budget": "-5", "max_actions": "0"})
    assert set(errors) == {"budget", "max_actions"}


def test_a_horizon_beyond_five_years_is_saved_with_a_warning():
    assert editing.horizon_warning(5) == ""
    assert "1 to 5 years" in editing.horizon_warning(10)


def test_a_blank_title_is_refused(db, sid):
    _, errors = editing.parse_setup({"title": "  "})
    assert "title" in errors
    with pytest.raises(EditError):
        editing.save_setup(db, sid, {"title": ""})
    assert sessions.load(db, sid).session.title == "Board away day"


def test_participants_get_unique_keys_and_can_be_edited_and_removed(db, sid):
    a = editing.save_participant(db, sid, "Dr Ada Shah", "clinical")
    b = editing.save_participant(db, sid, "Dr Ada Shah", "nursing")
    assert a.key != b.key
    editing.save_participant(db, sid, "Ada Shah", "executive", key=a.key)
    people = sessions.load(db, sid).participants
    assert [(p.name, p.role) for p in people] == [("Ada Shah", "executive"), ("Dr Ada Shah", "nursing")]
    editing.delete_participant(db, sid, b.key)
    assert len(sessions.load(db, sid).participants) == 1


def test_a_participant_needs_a_name_and_a_known_discipline(db, sid):
    with pytest.raises(EditError, match="name"):
        editing.save_participant(db, sid, " ", "clinical")
    with pytest.raises(EditError, match="discipline"):
        editing.save_participant(db, sid, "Sam", "astrologer")
    assert sessions.load(db, sid).participants == ()


def test_an_initiative_keeps_every_field_with_prerequisites_and_demands(db, sid):
    ig = editing.save_bottleneck(db, sid, "IG support", 5, "days per month")
    wifi = editing.save_initiative(db, sid, m.Initiative(key="", title="Wi-Fi refresh", portfolio="maintain"))
    epr = editing.save_initiative(db, sid, m.Initiative(
        key="", title="EPR optimisation", description="Fix the top ten pain points", owner="CCIO",
        service_area="Trust-wide", portfolio="improve", kind="core", effort=Fraction(3), cost=Fraction(120000),
        decided="contract", depends_on=(wifi.key,), demands={ig.key: 2}))
    stored = sessions.load(db, sid).initiative(epr.key)
    assert stored == epr
    assert stored.depends_on == ("wifi_refresh",) and stored.demands == {"ig_support": 2}


def test_a_prerequisite_cycle_is_refused_naming_its_members(db, sid):
    a = editing.save_initiative(db, sid, m.Initiative(key="", title="Network"))
    b = editing.save_initiative(db, sid, m.Initiative(key="", title="Portal", depends_on=(a.key,)))
    with pytest.raises(EditError) as caught:
        editing.save_initiative(db, sid, m.Initiative(key=a.key, title="Network", depends_on=(b.key,)))
    assert "Network" in str(caught.value) and "Portal" in str(caught.value)
    assert sessions.load(db, sid).initiative(a.key).depends_on == ()


def test_decided_status_and_demand_cells_are_saved_one_at_a_time(db, sid):
    b = editing.save_bottleneck(db, sid, "Clinical safety officer", 4, "days")
    i = editing.save_initiative(db, sid, m.Initiative(key="", title="e-Obs", demands={b.key: 1}))
    editing.set_demand(db, sid, i.key, b.key, 3)
    editing.set_decided(db, sid, i.key, "mandated")
    stored = sessions.load(db, sid).initiative(i.key)
    assert stored.demands == {b.key: 3} and stored.decided == "mandated"
    with pytest.raises(EditError):
        editing.set_demand(db, sid, i.key, b.key, -1)


def test_criteria_templates_replace_the_criteria_unless_votes_use_them(db, sid):
    editing.apply_template(db, sid, "nhs")
    criteria = sessions.load(db, sid).criteria
    assert [c.kind for c in criteria].count("gate") == 2
    assert sum(c.weight for c in criteria if c.kind == "score") == 100
    editing.apply_template(db, sid, "thet")
    thet = sessions.load(db, sid).criteria
    assert len(thet) == 9 and sum(c.weight for c in thet) == 100
    editing.apply_template(db, sid, "nhs")
    item = editing.save_initiative(db, sid, m.Initiative(key="", title="Virtual wards"))
    editing.record_gate(db, sid, item.key, "no_showstopper", True)
    with pytest.raises(EditError, match="already use"):
        editing.apply_template(db, sid, "empty")
    assert len(sessions.load(db, sid).criteria) == 6


def test_a_criterion_needs_a_sensible_scale(db, sid):
    with pytest.raises(EditError, match="scale"):
        editing.save_criterion(db, sid, m.Criterion(key="", name="Impact", min=Fraction(5), max=Fraction(5)))
    saved = editing.save_criterion(db, sid, m.Criterion(key="", name="Impact", weight=Fraction(40)))
    assert sessions.load(db, sid).criteria == (saved,)


def test_gates_are_one_assessment_per_initiative_and_gate_and_drive_the_shortlist(db, sid):
    editing.apply_template(db, sid, "nhs")
    a = editing.save_initiative(db, sid, m.Initiative(key="", title="Virtual wards"))
    b = editing.save_initiative(db, sid, m.Initiative(key="", title="Patient portal"))
    c = editing.save_initiative(db, sid, m.Initiative(key="", title="Robotic process automation"))
    for gate in ("no_showstopper", "wants_change"):
        editing.record_gate(db, sid, a.key, gate, False)
        editing.record_gate(db, sid, a.key, gate, True)  # changed their mind: replaces
    editing.record_gate(db, sid, b.key, "no_showstopper", False, "IG: data leaves the UK")
    editing.record_gate(db, sid, c.key, "wants_change", True)
    workshop = sessions.load(db, sid)
    assert workshop.rounds == ()  # gate assessments are not a round
    (gates,) = workshop.gate_sheets
    assert gates.key == "gates" and len(gates.assessments) == 4
    assert [a.note for a in gates.assessments if a.initiative == b.key] == ["IG: data leaves the UK"]
    assert shortlist(workshop).candidates == (a.key,)
    assert shortlist(workshop).ruled_out == (b.key,)
    assert shortlist(workshop).pending == (c.key,)
    editing.record_gate(db, sid, b.key, "no_showstopper", None)
    assert len(sessions.load(db, sid).gate_sheets[0].assessments) == 3


def test_a_gate_can_only_be_recorded_against_a_gate_criterion(db, sid):
    editing.apply_template(db, sid, "nhs")
    item = editing.save_initiative(db, sid, m.Initiative(key="", title="e-Consent"))
    with pytest.raises(EditError, match="not a gate"):
        editing.record_gate(db, sid, item.key, "consensus", True)
    assert all(r.key != "gates" for r in sessions.load(db, sid).rounds)


def test_every_edit_leaves_an_audit_entry(db, sid):
    from workshop_tui.services.unit_of_work import reading
    from workshop_tui.storage import repository as repo

    editing.save_participant(db, sid, "Kim", "finance")
    with reading(db) as s:
        actions = [a for _, a, _ in repo.audit_entries(s, sid)]
    assert actions[-1] == "participant.save"


def test_numbers_are_read_as_people_type_them():
    assert editing.parse_number("120,000", "Cost") == 120000
    assert editing.parse_number("15/2", "Effort") == Fraction(15, 2)
    assert editing.parse_number("", "Effort") is None
    with pytest.raises(EditError):
        editing.parse_number("-1", "Effort")
    assert editing.fmt_number(Fraction(15, 2)) == "7.5"
    assert editing.fmt_number(Fraction(100, 9)) == "100/9"
