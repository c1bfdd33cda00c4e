"""Decisions that explain themselves: override kinds, ties at the cut line, reasons
against the final plan, action flags, and the NHS sample's plan (issue 13)."""

import dataclasses
import datetime as dt
from fractions import Fraction as F
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import dots_round, ranking_round, workshop
from workshop_tui.domain import results
from workshop_tui.domain.model import Action, Decision, Initiative
from workshop_tui.domain.selection import Ranked, make_plan
from workshop_tui.sessionfile.validate import parse_session_bytes

SAMPLES = Path(__file__).resolve().parents[2] / "src" / "workshop_tui" / "samples"


def inits(*keys, **fields):
    return [Initiative(k, k.upper(), **fields.get(k, {})) for k in keys]


def codes(items):
    return {i.initiative: [r.code for r in i.reasons] for i in items}


def nhs():
    return parse_session_bytes((SAMPLES / "nhs-trust-where-to-start.json").read_bytes(), "nhs")


# -- override kinds ---------------------------------------------------------------

def test_a_stretch_include_uses_one_slot_more_and_displaces_nothing():
    ranking = [Ranked("a", 1, F(3)), Ranked("b", 2, F(2)), Ranked("c", 3, F(1))]
    d = Decision("c", "include", "board asked for it", kind="stretch")
    p = make_plan(ranking, inits("a", "b", "c"), bandwidth=2, decisions=[d])
    assert codes(p.will_do) == {"c": ["override_stretch"], "a": ["priority"], "b": ["priority"]}
    assert p.slots_used == 3 and p.stretch_slots == 1 and p.bandwidth == 2
    assert p.overrides[0].text == "C, above the bandwidth by decision of the facilitator; displaced nothing"
    assert p.overrides[0].displaced == () and p.warnings == ()


def test_an_include_within_the_bandwidth_displaces_and_warns_about_the_first_ranked():
    ranking = [Ranked("a", 1, F(3)), Ranked("b", 2, F(2)), Ranked("c", 3, F(1))]
    d = Decision("c", "include", "board asked for it", kind="within")
    p = make_plan(ranking, inits("a", "b", "c", c={"cost": 5}, a={"cost": 5}), bandwidth=2, budget=6, decisions=[d])
    assert codes(p.will_do) == {"c": ["override"], "b": ["priority"]}
    assert codes(p.not_now)["a"][0] == "displaced"
    assert p.overrides[0].displaced == ("a",)
    assert p.overrides[0].text == "C, within the bandwidth by decision of the facilitator; displaced A"
    assert any("takes A, the room's first-ranked initiative, out of the plan" in w for w in p.warnings)


def test_pushing_out_the_condorcet_winner_is_named():
    # Borda can rank a Condorcet winner second; the warning names it either way.
    ranking = [Ranked("a", 1, F(3)), Ranked("b", 2, F(2)), Ranked("c", 3, F(1))]
    d = Decision("c", "include", "why", kind="within")
    p = make_plan(ranking, inits("a", "b", "c"), bandwidth=2, decisions=[d], condorcet_winner="b")
    assert p.warnings == ("The facilitator's decision (including C within the bandwidth) takes B, the Condorcet "
                          "winner (it beats every other initiative head to head), out of the plan",)


def test_a_rule_out_says_what_it_made_room_for():
    ranking = [Ranked("a", 1, F(3)), Ranked("b", 2, F(2))]
    p = make_plan(ranking, inits("a", "b"), bandwidth=1, decisions=[Decision("a", "exclude", "funded elsewhere")])
    assert p.overrides[0].kind == "rule_out" and p.overrides[0].made_room_for == ("b",)
    assert p.overrides[0].text == "A, ruled out by decision of the facilitator; displaced nothing; made room for B"


def test_a_kind_that_does_not_fit_the_outcome_is_ignored_with_a_warning():
    p = make_plan([Ranked("a", 1, F(1))], inits("a"), decisions=[Decision("a", "exclude", "x", kind="stretch")])
    assert codes(p.will_do) == {"a": ["priority"]}
    assert "does not fit outcome 'exclude'" in p.warnings[0]


# -- ties at the cut line -----------------------------------------------------------

def test_a_tie_across_the_cut_line_is_undecided_and_heads_the_discussion_queue():
    # b and c tie for second with one slot left: neither is chosen by a silent tie-break.
    r = dots_round("r", {"p1": {"a": 3}, "p2": {"a": 1, "b": 1, "c": 1}, "p3": {"b": 1, "c": 1, "d": 1}}, budget=3)
    w = workshop(["a", "b", "c", "d"], [r], bandwidth=2)
    p = results.plan(w, "r")
    assert codes(p.will_do) == {"a": ["priority"]}
    assert codes(p.undecided) == {"b": ["tied_at_cut"], "c": ["tied_at_cut"]}
    assert all(i.tied and i.rank == 2 for i in p.undecided)
    assert p.undecided[0].reasons[0].detail.startswith("Undecided: tied at =2 with C across the cut line")
    # Nothing below the tie takes the room it contends for.
    assert codes(p.not_now) == {"d": ["over_bandwidth"]}
    assert p.not_now[0].reasons[0].detail.endswith("(counting the undecided tie as taken)")
    assert p.cut_line == 1
    assert any(w_.startswith("Undecided: B, C tie at =2 across the cut line") for w_ in p.warnings)
    doc = results.plan_to_json(w, p)
    assert [(u["initiative"], u["rank"], u["tied"], u["reasons"][0]["code"]) for u in doc["undecided"]] == [
        ("b", 2, True, "tied_at_cut"), ("c", 2, True, "tied_at_cut")]
    assert [q.initiative for q in results.discussion_queue(w, "r")][:2] == ["b", "c"]


def test_an_override_settles_the_tie():
    r = dots_round("r", {"p1": {"a": 3}, "p2": {"a": 1, "b": 1, "c": 1}}, budget=3)
    w = workshop(["a", "b", "c"], [r], bandwidth=2, decisions=[Decision("c", "include", "settled in the room", kind="within")])
    p = results.plan(w, "r")
    assert set(codes(p.will_do)) == {"a", "c"} and p.undecided == ()
    assert codes(p.not_now) == {"b": ["over_bandwidth"]}


def test_a_declared_tie_break_is_named_beside_the_tie_it_breaks():
    r = dots_round("r", {"p1": {"a": 3}, "p2": {"a": 1, "b": 1, "c": 1}}, budget=3)
    r = dataclasses.replace(r, settings={**r.settings, "plan_tie_break": "lower_effort"})
    items = inits("a", "b", "c", b={"effort": F(3)}, c={"effort": F(1)})
    p = results.plan(workshop(items, [r], bandwidth=2), "r")
    assert p.undecided == () and p.tie_break == "lower_effort"
    assert codes(p.will_do) == {"a": ["priority"], "c": ["tie_break"]}
    assert "level at =2 with B; ahead on the declared tie-break (less effort first" in p.will_do[1].reasons[0].detail
    assert "level at =2 with C, behind on the declared tie-break" in p.not_now[0].reasons[0].detail


def test_tied_members_that_fit_either_way_are_chosen():
    # Four tied at first; two cost nothing of the scarce resource, so they fit whichever way it goes.
    from workshop_tui.domain.model import Bottleneck

    ranking = [Ranked(k, 1, F(1), True) for k in "abcd"]
    items = inits("a", "b", "c", "d", a={"demands": {"r": 0}}, b={"demands": {"r": 0}}, c={"demands": {"r": 1}}, d={"demands": {"r": 1}})
    p = make_plan(ranking, items, [Bottleneck("r", "R", 1)])
    assert set(codes(p.will_do)) == {"a", "b"} and set(codes(p.undecided)) == {"c", "d"}


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=2, max_size=7), st.integers(1, 4))
def test_no_tie_is_split_by_the_plan(scores, bandwidth):
    """Whatever the scores, a tie group is never split between will do and not now."""
    keys = [f"i{n}" for n in range(len(scores))]
    ranking = [Ranked(k, 1 + sum(1 for t in scores if t > s), F(s)) for k, s in zip(keys, scores)]
    p = make_plan(ranking, inits(*keys), bandwidth=bandwidth)
    chosen = {i.initiative for i in p.will_do}
    assert len(chosen) <= bandwidth
    for r in ranking:
        group = {x.initiative for x in ranking if x.rank == r.rank}
        assert group <= chosen or not (group & chosen), (group, chosen)


# -- reasons against the final plan -------------------------------------------------

def test_reasons_read_against_the_final_plan():
    # At b's turn one slot was left; d took it later, so "0 left" is what the plan says.
    ranking = [Ranked("a", 1, F(4)), Ranked("b", 2, F(3)), Ranked("d", 3, F(2))]
    p = make_plan(ranking, inits("a", "b", "c", "d", b={"depends_on": ("c",)}), bandwidth=2)
    assert codes(p.will_do) == {"a": ["priority"], "d": ["priority"]}
    assert p.not_now[0].reasons[0].detail.endswith("(needs 2 slots (including prerequisites C), 0 left)")


def test_matrix_ties_with_level_top_weights_are_declared():
    from tests.domain.builders import matrix_round  # noqa: PLC0415
    from workshop_tui.domain.model import Criterion  # noqa: PLC0415

    crit = [Criterion(k, k.upper(), weight=F(25), min=F(0), max=F(10)) for k in ("w", "x", "y", "z")]
    votes = {"p1": {"a": {"w": 6, "x": 6, "y": 6, "z": 6}, "b": {"w": 9, "x": 3, "y": 6, "z": 6}}}
    w = workshop(["a", "b"], [matrix_round("m", votes)], criteria=crit)
    res = results.round_result(w, "m")
    assert [(r.initiative, r.rank, r.tied) for r in res.ranking] == [("a", 1, True), ("b", 1, True)]


# -- actions --------------------------------------------------------------------------

def test_actions_on_not_now_initiatives_or_due_before_the_session_are_flagged():
    r = ranking_round("r", {"p1": ("a", "b")})
    w = workshop(["a", "b"], [r], bandwidth=1)
    w = dataclasses.replace(
        w, session=dataclasses.replace(w.session, date=dt.date(2027, 1, 10)),
        actions=(Action("b", "Start B", key="a1"), Action("a", "Start A", due=dt.date(2027, 1, 1), key="a2")))
    flags = results.action_flags(w, results.plan(w, "r"))
    assert flags == [("a1", "Start B: its initiative, B, is not now in the plan"),
                     ("a2", "Start A: due 2027-01-01, before the session date 2027-01-10")]


# -- the NHS sample -------------------------------------------------------------------

def test_the_nhs_sample_plan_matches_its_rationale():
    w = nhs()
    p = results.plan(w)
    will = codes(p.will_do)
    assert will["eobs"] == ["priority"] and will["wifi"] == ["prerequisite_of"]
    assert will["voice"] == ["override_stretch"]
    assert p.bandwidth == 4 and p.slots_used == 5 and p.stretch_slots == 1
    assert p.overrides[0].text == ("Voice recognition and digital dictation, above the bandwidth by decision of the "
                                   "facilitator; displaced nothing")
    assert p.condorcet_winner == "eobs" and p.first_ranked == ("eobs",)
    assert p.warnings == () and p.undecided == ()
    assert [a for a, _ in results.action_flags(w, p)] == []
