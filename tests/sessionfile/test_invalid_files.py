"""Every kind of bad session file is refused whole, naming the place and the problem."""

import copy
import json

import pytest

from workshop_tui.sessionfile.reader import SessionFileError
from workshop_tui.sessionfile.validate import parse_session_bytes


@pytest.fixture
def nhs(sample_bytes):
    return json.loads(sample_bytes("nhs-trust-where-to-start"))


def round_of(data, method):
    return next(r for r in data["rounds"] if r["method"] == method)


def problems_of(data) -> list[str]:
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    with pytest.raises(SessionFileError) as info:
        parse_session_bytes(raw, "case.json")
    return [str(p) for p in info.value.problems]


def mutate(data, change):
    data = copy.deepcopy(data)
    change(data)
    return data


CASES = [
    ("unknown top-level field", lambda d: d.update(extra=1), "extra: unknown field"),
    ("unknown session field", lambda d: d["session"].update(colour="red"), "session.colour: unknown field"),
    ("wrong format", lambda d: d.update(format="other/thing"), "format: 'other/thing' is not a workshop-tui session file"),
    ("newer version", lambda d: d.update(version=3), "version: version 3 cannot be read"),
    ("decision time in a version 1 file", lambda d: d.update(version=1),
     "decisions[0].decided_at: decision times came with version 2"),
    ("decision time without a zone", lambda d: d["decisions"][0].update(decided_at="2026-11-19T12:41:00"),
     "decisions[0].decided_at: '2026-11-19T12:41:00' has no time zone"),
    ("decision time not a time", lambda d: d["decisions"][0].update(decided_at="after lunch"),
     "decisions[0].decided_at: 'after lunch' is not a date and time"),
    ("duplicate participant key", lambda d: d["participants"].append(dict(d["participants"][0])),
     "participants[12].key: duplicate participant key 'p01'"),
    ("vote names an unknown participant", lambda d: round_of(d, "dots")["votes"][0].update(participant="nobody"),
     "rounds[1].votes[0].participant: unknown participant 'nobody'"),
    ("vote names an unknown initiative", lambda d: round_of(d, "dots")["votes"][0].update(initiative="ghost"),
     "rounds[1].votes[0].initiative: unknown initiative 'ghost'"),
    ("demand on an unknown bottleneck", lambda d: d["initiatives"][0].update(demands={"money": 1}),
     "initiatives[0].demands.money: unknown bottleneck 'money'"),
    ("prerequisite that does not exist", lambda d: d["initiatives"][0].update(depends_on=["nope"]),
     "initiatives[0].depends_on[0]: unknown initiative 'nope'"),
    ("score above the criterion's max", lambda d: round_of(d, "matrix")["votes"][0].update(value=9),
     "EPR optimisation: 'Builds consensus' score 9 is above the scale's maximum 5, on the ballot of Dr Amara Mensah (Chief Medical Officer) in round 'Exemplar criteria matrix' (rounds[2].votes[0].value)"),
    ("score below the criterion's min", lambda d: round_of(d, "matrix")["votes"][0].update(value=0),
     "EPR optimisation: 'Builds consensus' score 0 is below the scale's minimum 1, on the ballot of Dr Amara Mensah (Chief Medical Officer) in round 'Exemplar criteria matrix' (rounds[2].votes[0].value)"),
    ("negative dots", lambda d: round_of(d, "dots")["votes"][0].update(value=-1),
     "Closed-loop medicines administration: dots cannot be negative (-1), on the ballot of Dr Amara Mensah (Chief Medical Officer) in round 'First impressions: five dots each' (rounds[1].votes[0].value)"),
    ("fractional dots", lambda d: round_of(d, "dots")["votes"][0].update(value=1.5),
     "Closed-loop medicines administration: dots are whole numbers, not 1.5, on the ballot of Dr Amara Mensah (Chief Medical Officer) in round 'First impressions: five dots each' (rounds[1].votes[0].value)"),
    ("budget overspent", lambda d: round_of(d, "dots")["settings"].update(budget=3, max_per_initiative=3),
     "5 dots placed but only 3 allowed, on the ballot of Dr Amara Mensah (Chief Medical Officer) in round 'First impressions: five dots each' (rounds[1].votes[0])"),
    ("unknown method", lambda d: round_of(d, "dots").update(method="lottery"),
     "rounds[1].method: 'lottery' is not one of"),
    ("unknown MoSCoW value", None, "'maybe' is not must, should, could or won't, on the ballot of Dr Sarah Whi"),
    ("the same vote twice", lambda d: round_of(d, "dots")["votes"].append(dict(round_of(d, "dots")["votes"][0])),
     "Closed-loop medicines administration appears more than once on the ballot, on the ballot of Dr Amara Mensah (Chief Medical Officer) in round 'First impressions: five dots each' (rounds[1].votes[28].initiative)"),
    ("dependency cycle", lambda d: (d["initiatives"][0].update(depends_on=[d["initiatives"][1]["key"]]),
                                    d["initiatives"][1].update(depends_on=[d["initiatives"][0]["key"]])),
     "dependency cycle: "),
    ("unknown setting", lambda d: round_of(d, "dots")["settings"].update(colour=1),
     "rounds[1].settings.colour: is not a setting of this method (expected: budget, max_per_initiative, must_spend_all)"),
    ("text where a number belongs", lambda d: d["session"].update(bandwidth="four"),
     "session.bandwidth: must be a number, not text"),
    ("an anonymous ballot that names its voter", lambda d: round_of(d, "ranking")["votes"][0].update(participant="p01"),
     "must not name who cast them"),
    ("a ranking that lists an initiative twice",
     lambda d: round_of(d, "ranking")["votes"][0].update(ranking=["wifi", "wifi"]), "Wi-Fi and network refresh is ranked more than once, on secret ballot cf8191634ee5 in round 'Secret ballot: your top five after discussion' (rounds[3].votes[0].ranking)"),
]


@pytest.mark.parametrize("label,change,expected", CASES, ids=[c[0] for c in CASES])
def test_each_kind_of_bad_file_is_refused_with_its_place(nhs, label, change, expected, sample_bytes):
    if change is None:  # MoSCoW lives in the partnership sample
        data = json.loads(sample_bytes("global-health-partnership"))
        round_of(data, "moscow")["votes"][0]["value"] = "maybe"
    else:
        data = mutate(nhs, change)
    found = problems_of(data)
    assert any(expected in p for p in found), found


def test_several_problems_are_reported_together(nhs):
    def many(d):
        d["session"]["colour"] = "red"
        round_of(d, "matrix")["votes"][0]["value"] = 99
        round_of(d, "dots")["votes"][0]["participant"] = "ghost"

    found = problems_of(mutate(nhs, many))
    assert len(found) >= 3


@pytest.mark.parametrize(
    "raw,expected",
    [
        (b"", "the file is empty"),
        (b'{"format": "workshop-tui/session", "version": 1,', "not valid JSON at line 1"),
        (b'\xff\xfe{"a": 1}', "not UTF-8 text"),
        (b'{"format": "workshop-tui/session", "version": NaN}', "NaN is not a number"),
        (b'{"format": "workshop-tui/session", "format": "x", "version": 1, "session": {"title": "t"}}',
         "format: field appears more than once"),
        (b"[" * 5000 + b"]" * 5000, "nested too deeply"),
        (b"[1, 2, 3]", "must be an object"),
    ],
)
def test_malformed_bytes_are_refused_with_a_reason(raw, expected):
    found = problems_of(raw)
    assert any(expected in p for p in found), found


def test_a_bom_is_tolerated(sample_bytes):
    workshop = parse_session_bytes(b"\xef\xbb\xbf" + sample_bytes("calderdale"), "bom.json")
    assert workshop.session.title == "Investment prioritisation matrix"


def test_a_huge_title_is_refused(nhs):
    found = problems_of(mutate(nhs, lambda d: d["session"].update(title="x" * 1_000_000)))
    assert any("session.title: is 1,000,000 characters long" in p for p in found)
