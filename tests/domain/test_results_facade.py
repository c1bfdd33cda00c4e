"""The facade on the shipped sample sessions: what a facilitator would see."""

from pathlib import Path

from workshop_tui.domain import results as R
from workshop_tui.domain.model import Criterion
from workshop_tui.sessionfile.validate import parse_session_bytes
from tests.domain.builders import gates_sheet, workshop

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"


def load(name):
    return parse_session_bytes((SAMPLES / f"{name}.json").read_bytes(), name)


def test_gate_assessments_recorded_for_the_room_count():
    gate = Criterion("safe", "No show-stoppers", kind="gate")
    sheet = gates_sheet("g", [(None, "a", "safe", True, ""), (None, "b", "safe", False, "no data-sharing agreement")])
    w = workshop(["a", "b"], [sheet], criteria=[gate])
    assert R.gate_failures(w) == {"b": [("safe", "no data-sharing agreement")]}


def test_the_nhs_sample_keeps_the_portal_out_for_its_failed_gate():
    w = load("nhs-trust-where-to-start")
    failures = R.gate_failures(w)
    assert "portal" in failures and "rpa" in failures
    plan = R.plan(w)
    wont = {item.initiative: [r.code for r in item.reasons] for item in plan.wont}
    assert "failed_gate" in wont["portal"]
    assert "failed_gate" in wont["rpa"]
    assert all(item.initiative not in ("portal", "rpa") for item in plan.will_do)


def test_the_calderdale_sample_reproduces_the_published_percentages():
    w = load("calderdale")
    result = R.round_result(w, "r1")
    published = {"clmed": 90, "agile": 80, "emis_cerner": 75, "wifi": 75, "econsent": 70, "voice": 70}
    assert {i.initiative: i.score * 100 for i in result.ranking} == published


def test_the_facilitators_gate_record_overrides_an_earlier_assessment():
    gate = Criterion("safe", "No show-stoppers", kind="gate")
    earlier = gates_sheet("r1", [(None, "a", "safe", False, "DPIA missing")])
    record = gates_sheet("gates", [(None, "a", "safe", True, "DPIA signed")])
    assert R.gate_failures(workshop(["a"], [earlier], criteria=[gate])) == {"a": [("safe", "DPIA missing")]}
    assert R.gate_failures(workshop(["a"], [earlier, record], criteria=[gate])) == {}
