import json
from fractions import Fraction as F

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import dots_round, gates_sheet, matrix_round, ranking_round, workshop
from workshop_tui.domain.model import Criterion, Round, Vote
from workshop_tui.domain.results import (
    compare_rounds,
    discussion_queue,
    gate_failures,
    latest_scored_round,
    plan_to_json,
    result_to_json,
    round_result,
    triangulate,
    plan,
)

ITEMS = ["a", "b", "c", "d", "e", "f"]


def test_dots_round_counts_blank_and_rejects_invalid_ballots_with_all_reasons():
    w = workshop(ITEMS, [dots_round("r1", {"p1": {"a": 2}, "p2": {"a": 1, "b": 1}, "p3": {}, "p4": {"a": 3, "z": 1}}, budget=2)])
    w = w.__class__(**{**w.__dict__, "rounds": (Round("r1", "dots", settings={"budget": 2}, votes=w.rounds[0].votes + (Vote(participant="p3", initiative="a", value=0),)),)})
    r = round_result(w, "r1")
    assert (r.counted, r.blank) == (2, 1)
    assert [(rb.participant, [p.rule for p in rb.problems]) for rb in r.rejected] == [("p4", ["over_item_cap", "unknown_item", "over_budget"])]
    assert r.settings == {"budget": 2, "max_per_initiative": 2, "must_spend_all": False}
    assert r.variant == "cumulative"
    top = r.ranking[0]
    assert (top.initiative, top.rank, top.tied, top.score, top.supporters) == ("a", 1, False, 3, 2)
    assert top.few_scores  # two counted ballots


def test_dots_ranking_ties_are_declared_and_grouped():
    w = workshop(ITEMS, [dots_round("r1", {"p1": {"b": 1, "c": 1}, "p2": {"c": 1, "b": 1}})])
    r = round_result(w, "r1")
    assert r.groups[0] == ("b", "c")
    assert [(x.initiative, x.rank, x.tied) for x in r.ranking[:3]] == [("b", 1, True), ("c", 1, True), ("a", 3, True)]


def test_abstainers_are_not_ballots_and_their_votes_are_ignored():
    rnd = Round("r1", "dots", votes=(Vote(participant="p1", initiative="a", value=1), Vote(participant="p2", initiative="b", value=1)), abstained=("p2",))
    r = round_result(workshop(ITEMS, [rnd]), "r1")
    assert (r.counted, r.blank) == (1, 0)
    assert any("abstaining" in w for w in r.warnings)


def test_empty_round_has_no_ranking_and_says_so():
    w = workshop(ITEMS, [Round("r1", "ranking")])
    r = round_result(w, "r1")
    assert r.ranking == () and r.counted == 0 and "no counted ballots" in r.warnings[0]
    assert latest_scored_round(w) is None


def test_anonymous_ranking_round_groups_by_ballot_and_reports_condorcet():
    rnd = ranking_round("r", {"x1": ("a", ("b", "c")), "x2": ("a", "c"), "x3": (), "x4": ("a", "zz")}, anonymous=True)
    r = round_result(workshop(ITEMS, [rnd]), "r")
    assert (r.counted, r.blank) == (2, 1)
    assert r.rejected[0].participant is None and r.rejected[0].problems[0].rule == "unknown_item"
    assert r.ranking[0].initiative == "a"
    assert r.agreement["condorcet"]["winner"] == "a"
    assert r.variant == "schulze"


def test_borda_round_records_its_variant():
    rnd = ranking_round("r", {"p1": ("a", ("b", "c"))}, rule="borda", borda_variant="mbc")
    r = round_result(workshop(["a", "b", "c", "d", "e"], [rnd]), "r")
    assert r.variant == "borda_mbc" and r.settings == {"borda_variant": "mbc", "rule": "borda"}
    assert [(x.initiative, x.score) for x in r.ranking] == [("a", 3), ("b", F(3, 2)), ("c", F(3, 2)), ("d", 0), ("e", 0)]
    assert r.agreement["meaningful"] is False  # a single voter is not agreement


CALDERDALE = (
    Criterion("patient", "Patient benefit", weight=F(50), min=F(0), max=F(10)),
    Criterion("staff", "Staff benefit", weight=F(25), min=F(0), max=F(5)),
    Criterion("financial", "Financial benefit", weight=F(25), min=F(0), max=F(5)),
    Criterion("ig", "No show-stopper", kind="gate"),
)
ROWS = {"voice": (8, 4, 2), "econsent": (8, 3, 3), "emis": (8, 4, 3), "wifi": (8, 4, 3), "closed_loop": (10, 5, 3), "agile": (6, 5, 5)}


def test_calderdale_panel_score_reproduces_the_published_table():
    scores = {"p1": {k: dict(zip(("patient", "staff", "financial"), v)) for k, v in ROWS.items()}}
    w = workshop(list(ROWS), [matrix_round("m", scores, normalisation="sum_of_max")], criteria=CALDERDALE)
    r = round_result(w, "m")
    got = {x.initiative: x.score * 100 for x in r.ranking}
    assert got == {"voice": 70, "econsent": 70, "emis": 75, "wifi": 75, "closed_loop": 90, "agile": 80}
    assert all(x.few_scores for x in r.ranking)
    assert r.ranking[0].initiative == "closed_loop"
    # emis and wifi tie exactly, including on the highest-weight criterion: declared.
    assert ("emis", "wifi") in r.groups


def test_matrix_result_json_shape():
    scores = {"p1": {"voice": {"patient": 8, "staff": 4, "financial": 2}}, "p2": {"voice": {"patient": 6, "staff": 6, "financial": 2}}}
    w = workshop(["voice"], [matrix_round("m", scores)], criteria=CALDERDALE)
    doc = result_to_json(w, round_result(w, "m"))
    assert list(doc) == ["session", "round", "method", "variant", "settings", "ballots", "ranking", "agreement", "warnings"]
    assert doc["settings"] == {"aggregate": "mean", "normalisation": "minmax", "order": "total_first", "trim": 0.2}
    assert doc["ballots"]["rejected"] == [{"participant": "p2", "reasons": [{"rule": "out_of_range", "item": "voice", "value": 6, "limit": [0, 5], "message": "VOICE: 'Staff benefit' score 6 is above the scale's maximum 5"}]}]
    row = doc["ranking"][0]
    assert list(row) == ["initiative", "title", "rank", "tied", "score", "spread", "contested", "few_scores"]
    assert row["few_scores"] is True  # one counted ballot: too few scores to say how far the room agrees
    assert row["score"] == 0.7  # 0.5*8/10 + 0.25*4/5 + 0.25*2/5
    json.dumps(doc)


def test_gate_sheet_table_and_failures():
    from workshop_tui.domain.methods.gates import assessment_rows, gate_table

    w = workshop(ITEMS, [gates_sheet("g", [("p1", "a", "ig", False, "no DPIA possible"), ("p2", "a", "ig", True, ""), ("p1", "b", "ig", True, "")])], criteria=CALDERDALE)
    assert gate_failures(w) == {"a": [("ig", "no DPIA possible")]}
    table = gate_table(assessment_rows(w))
    assert table["a"]["ig"].outcome == "fail"
    assert table["b"]["ig"].outcome == "pass"
    assert latest_scored_round(w) is None and w.rounds == ()


def test_value_effort_round_places_3_3_as_a_major_project():
    votes = (Vote(participant="p1", initiative="a", value=3, effort=3), Vote(participant="p1", initiative="b", value=5, effort=1), Vote(participant="p1", initiative="c", value=1, effort=5), Vote(participant="p1", initiative="d", value=2, effort=2))
    r = round_result(workshop(ITEMS, [Round("v", "value_effort", votes=votes)]), "v")
    assert [(x.initiative, x.detail["quadrant"]) for x in r.ranking] == [("b", "quick_win"), ("a", "major_project"), ("d", "fill_in"), ("c", "thankless_task")]
    assert r.extras["unplaced"] == ("e", "f")


def test_moscow_round_shares_warnings_and_order():
    inits = [__import__("workshop_tui.domain.model", fromlist=["Initiative"]).Initiative(k, k, effort=F(e)) for k, e in [("a", 5), ("b", 3), ("c", 1), ("d", 2)]]
    votes = []
    for p, cats in {"p1": "MMCW", "p2": "MSCW", "p3": "SMCW", "p4": "SSCW"}.items():
        votes += [Vote(participant=p, initiative=i, value=c) for i, c in zip("abcd", cats)]
    r = round_result(workshop(inits, [Round("m", "moscow", votes=tuple(votes))]), "m")
    cats = {x.initiative: x.detail["category"] for x in r.ranking}
    # a: codes 4,4,3,3 -> lower middle 3 (should); b: 4,3,4,3 -> should.
    assert cats == {"a": "should", "b": "should", "c": "could", "d": "wont"}
    assert r.extras["shares"]["should"] == F(8, 9) and r.extras["shares"]["must"] == 0
    assert "could_share 0.1111 < 0.20" in r.warnings
    assert r.ranking[0].detail["leik"] == F(2, 3)  # M/S split: D = 0.5 / 1.5


def test_triangulation_and_compare_rounds():
    r1 = dots_round("r1", {"p1": {"a": 2, "b": 1}, "p2": {"a": 1, "c": 2}}, budget=3)
    r2 = ranking_round("r2", {"p1": ("a", "b", "c"), "p2": ("b", "a", "c")})
    w = workshop(["a", "b", "c"], [r1, r2], bandwidth=1)
    t = triangulate(w)
    assert t.rounds == ("r1", "r2") and t.pairs[0].common == 3
    assert t.pairs[0].spearman_rho == 0  # a stays top; b and c swap places around it
    # a and b tie for first in r2 with one slot: undecided until the facilitator settles it
    assert t.plans == {"r1": ("a",), "r2": ()}
    assert (t.always_in, t.sometimes_in, t.never_in) == ((), ("a",), ("b", "c"))
    assert t.overall.raters == 2
    moves = compare_rounds(w, "r1", "r2")
    assert [(m.initiative, m.rank_a, m.rank_b, m.change) for m in moves] == [("a", 1, 1, 0), ("b", 3, 1, 2), ("c", 2, 3, -1)]


def test_discussion_queue_lists_contested_items_closest_to_the_cut_line():
    ballots = {f"p{i}": {"a": 3} for i in range(1, 5)}
    ballots.update({"p5": {"b": 3}, "p6": {"b": 3}, "p7": {"c": 1}, "p8": {"c": 1}})
    w = workshop(ITEMS, [dots_round("r", ballots, budget=3)], bandwidth=1)
    # a: 3 dots from half the room, none from the rest: IQR 3 > 3/4, contested, just above the line.
    q = discussion_queue(w, "r")
    assert [x.initiative for x in q] == ["a"]
    assert plan(w, "r").cut_line == 1


@st.composite
def dots_workshops(draw):
    n_people = draw(st.integers(1, 6))
    ballots = {}
    for p in range(1, n_people + 1):
        alloc = {}
        for item in draw(st.lists(st.sampled_from(ITEMS), max_size=2, unique=True)):
            alloc[item] = 1
        ballots[f"p{p}"] = alloc
    return ballots


@given(dots_workshops(), st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_adding_a_blank_ballot_or_shuffling_changes_nothing_but_the_blank_count(ballots, rnd):
    base = round_result(workshop(ITEMS, [dots_round("r", ballots, budget=2)]), "r")
    with_blank = dict(ballots, p9={})
    shuffled = dict(rnd.sample(list(with_blank.items()), len(with_blank)))
    other = round_result(workshop(ITEMS, [dots_round("r", shuffled, budget=2)]), "r")
    assert other.ranking == base.ranking and other.groups == base.groups
    assert other.blank == base.blank + 1


def test_output_is_identical_across_runs():
    ballots = {"p1": ("a", ("b", "c")), "p2": ("c", "a"), "p3": ("b",)}
    w = workshop(ITEMS, [ranking_round("r", ballots)], bandwidth=2)
    a = json.dumps([result_to_json(w, round_result(w, "r")), plan_to_json(w, plan(w))])
    b = json.dumps([result_to_json(w, round_result(w, "r")), plan_to_json(w, plan(w))])
    assert a == b


@st.composite
def ranking_ballots(draw):
    n = draw(st.integers(1, 6))
    return {f"p{k}": tuple(draw(st.lists(st.sampled_from(ITEMS), min_size=1, max_size=4, unique=True))) for k in range(1, n + 1)}


@given(ranking_ballots(), st.sampled_from(["schulze", "borda", "copeland"]))
@settings(max_examples=60, deadline=None)
def test_a_blank_ranking_ballot_changes_nothing_but_the_blank_count(ballots, rule):
    base = round_result(workshop(ITEMS, [ranking_round("r", ballots, rule=rule)]), "r")
    other = round_result(workshop(ITEMS, [ranking_round("r", dict(ballots, p9=None), rule=rule)]), "r")
    assert other.ranking == base.ranking and other.blank == base.blank + 1
