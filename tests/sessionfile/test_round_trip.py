import json

import pytest

from workshop_tui.services import sessions
from workshop_tui.sessionfile.validate import parse_session_bytes
from workshop_tui.sessionfile.writer import dumps, workshop_to_dict

SAMPLES = ["calderdale", "nhs-trust-where-to-start", "global-health-partnership"]


@pytest.mark.parametrize("name", SAMPLES)
def test_export_of_an_import_has_the_same_content_as_the_file(db, sample_bytes, name):
    original = parse_session_bytes(sample_bytes(name), name)
    session_id = sessions.import_bytes(db, sample_bytes(name), name)
    assert sessions.load(db, session_id) == original


@pytest.mark.parametrize("name", SAMPLES)
def test_importing_the_export_again_gives_the_same_bytes(db, sample_bytes, name):
    first = sessions.export_json(db, sessions.import_bytes(db, sample_bytes(name), name))
    second = sessions.export_json(db, sessions.import_bytes(db, first.encode(), "export"))
    assert first == second


@pytest.mark.parametrize("name", SAMPLES)
def test_the_export_fills_in_every_optional_field_and_nothing_else(sample_bytes, name):
    source = json.loads(sample_bytes(name))
    exported = workshop_to_dict(parse_session_bytes(sample_bytes(name), name))
    for key, value in source["session"].items():
        assert exported["session"][key] == value
    assert [p["key"] for p in exported["participants"]] == [p["key"] for p in source["participants"]]
    assert sum(len(r["votes"]) for r in exported["rounds"]) == sum(len(r["votes"]) for r in source["rounds"])


def test_fractional_scores_survive_exactly(db, sample_bytes):
    data = json.loads(sample_bytes("calderdale"))
    data["rounds"][0]["votes"][0]["value"] = 7.5
    session_id = sessions.import_bytes(db, json.dumps(data).encode(), "half")
    exported = json.loads(sessions.export_json(db, session_id))
    assert exported["rounds"][0]["votes"][0]["value"] == 7.5


def test_secret_ballots_keep_their_ballots_but_name_no_one(db, sample_bytes):
    session_id = sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "nhs")
    workshop = sessions.load(db, session_id)
    secret = [r for r in workshop.rounds if r.anonymous]
    assert secret and all(v.participant is None and v.ballot for r in secret for v in r.votes)
    assert all(r.voted for r in secret)
    text = dumps(workshop)
    assert text == sessions.export_json(db, session_id)


def test_override_kinds_round_trip_and_files_before_the_kinds_still_import(db, sample_bytes):
    data = json.loads(sample_bytes("nhs-trust-where-to-start"))
    assert data["decisions"][0]["kind"] == "stretch"
    first = sessions.export_json(db, sessions.import_bytes(db, sample_bytes("nhs-trust-where-to-start"), "nhs"))
    assert json.loads(first)["decisions"][0]["kind"] == "stretch"
    del data["decisions"][0]["kind"]  # a file written before the kinds
    data["decisions"].append({"initiative": "rpa", "outcome": "exclude", "rationale": "no sponsor"})
    old = parse_session_bytes(json.dumps(data).encode(), "old.json")
    assert [(d.outcome, d.kind) for d in old.decisions] == [("include", "within"), ("exclude", "rule_out")]
    session_id = sessions.import_bytes(db, json.dumps(data).encode(), "old.json")
    assert [d.kind for d in sessions.load(db, session_id).decisions] == ["within", "rule_out"]


def test_an_override_kind_that_contradicts_its_outcome_is_refused_with_its_place(sample_bytes):
    from workshop_tui.sessionfile.reader import SessionFileError

    data = json.loads(sample_bytes("nhs-trust-where-to-start"))
    data["decisions"][0]["kind"] = "rule_out"
    with pytest.raises(SessionFileError) as info:
        parse_session_bytes(json.dumps(data).encode(), "bad.json")
    assert any(str(p).startswith("decisions[0].kind:") and "does not fit outcome 'include'" in str(p)
               for p in info.value.problems)
