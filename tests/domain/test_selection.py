from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import dots_round, workshop
from workshop_tui.domain import selection
from workshop_tui.domain.graph import closure, cycle_path, kahn_order, tarjan_cycles
from workshop_tui.domain.model import Bottleneck, Decision, Initiative
from workshop_tui.domain.results import plan, plan_to_json
from workshop_tui.domain.selection import PlanInputError, Ranked, make_plan


def ranked(*keys_scores):
    """Ranked items from (key, score) pairs, ranks by score descending (1224)."""
    out = []
    ordered = sorted(keys_scores, key=lambda ks: -ks[1])
    for k, s in ordered:
        out.append(Ranked(k, 1 + sum(1 for _, t in ordered if t > s), F(s)))
    return out


def inits(**fields):
    return [Initiative(k, k.upper(), **f) for k, f in fields.items()]


def codes(items):
    return {i.initiative: [r.code for r in i.reasons] for i in items}


def test_bandwidth_cuts_the_list_and_sets_the_cut_line():
    p = make_plan(ranked(("a", 3), ("b", 2), ("c", 1)), inits(a={}, b={}, c={}), bandwidth=2)
    assert codes(p.will_do) == {"a": ["priority"], "b": ["priority"]}
    assert codes(p.not_now) == {"c": ["over_bandwidth"]}
    assert p.cut_line == 2 and p.slots_used == 2
    assert p.not_now[0].reasons[0].detail == "Not selected: would exceed the bandwidth of 2 initiatives at once (needs 1 slot, 0 left)"


def test_prerequisites_are_pulled_in_and_start_in_an_earlier_wave():
    p = make_plan(ranked(("c", 5), ("a", 4), ("b", 1)), inits(a={}, b={}, c={"depends_on": ("d",)}, d={}), bandwidth=3)
    assert codes(p.will_do) == {"d": ["prerequisite_of"], "c": ["priority"], "a": ["priority"]}
    assert {i.initiative: i.wave for i in p.will_do} == {"d": 1, "a": 1, "c": 2}
    assert p.will_do[0].reasons[0].detail == "Selected: needed first by C"
    assert codes(p.not_now) == {"b": ["over_bandwidth"]}
    assert "including prerequisites" not in p.not_now[0].reasons[0].detail


def test_needing_an_unselected_prerequisite_is_said_in_the_reason():
    p = make_plan(ranked(("a", 5), ("c", 4)), inits(a={}, c={"depends_on": ("d",)}, d={}), bandwidth=2)
    assert p.not_now[0].reasons[0].detail == "Not selected: would exceed the bandwidth of 2 initiatives at once (needs 2 slots (including prerequisites D), 1 left)"


def test_bottleneck_reason_names_the_bottleneck_need_and_what_is_left():
    ig = Bottleneck("ig", "Information governance support", 5, "days per month")
    items = inits(a={"demands": {"ig": 4}}, b={"demands": {"ig": 3}}, c={"demands": {"ig": 1}})
    p = make_plan(ranked(("a", 3), ("b", 2), ("c", 1)), items, [ig])
    assert p.not_now[0].reasons == (selection.Reason("bottleneck", "Information governance support exhausted: needs 3 days per month, 0 of 5 left"),)  # read against the final plan: c took the last day
    assert codes(p.will_do) == {"a": ["priority"], "c": ["priority"]}
    assert p.bottlenecks[0].used == 5
    assert p.cut_line == 1


def test_budget_reason_and_several_binding_constraints():
    items = inits(a={"cost": F(70)}, b={"cost": F(50)})
    p = make_plan(ranked(("a", 2), ("b", 1)), items, budget=F(100), bandwidth=1)
    assert codes(p.not_now) == {"b": ["over_budget", "over_bandwidth"]}
    assert p.not_now[0].reasons[0].detail == "Not selected: needs 50 of the budget but only 30 of 100 is left"
    assert p.budget.used == 70


def test_cycles_and_items_depending_on_them_are_excluded():
    items = inits(a={"depends_on": ("b",)}, b={"depends_on": ("a",)}, c={"depends_on": ("a",)}, d={"depends_on": ("d",)}, e={})
    p = make_plan(ranked(("a", 5), ("b", 4), ("c", 3), ("d", 2), ("e", 1)), items)
    assert p.cycles == (("a", "b"), ("d",))
    assert codes(p.wont) == {"a": ["dependency_cycle"], "b": ["dependency_cycle"], "c": ["depends_on_cycle"], "d": ["dependency_cycle"]}
    assert "A -> B -> A" in p.wont[0].reasons[0].detail
    assert codes(p.will_do) == {"e": ["priority"]}


def test_an_unknown_prerequisite_is_an_error():
    with pytest.raises(PlanInputError, match="depends on 'zz'"):
        make_plan([], inits(a={"depends_on": ("zz",)}))


def test_decisions_already_made_are_pre_committed_first_with_their_prerequisites():
    items = inits(a={}, b={}, epr={"decided": "contract", "depends_on": ("net",)}, net={})
    p = make_plan(ranked(("a", 9), ("b", 8)), items, bandwidth=3)
    assert codes(p.will_do) == {"net": ["prerequisite_of"], "epr": ["pre_committed"], "a": ["priority"]}
    assert p.will_do[1].reasons[0].detail == "Decision already made: Existing contract"
    assert p.will_do[1].decided == "contract"
    assert codes(p.not_now) == {"b": ["over_bandwidth"]}


def test_over_commitment_is_said_plainly_and_nothing_is_dropped():
    items = inits(x={"decided": "mandated"}, y={"decided": "in_flight"}, a={})
    p = make_plan(ranked(("a", 1)), items, bandwidth=1)
    assert codes(p.will_do) == {"x": ["pre_committed"], "y": ["pre_committed"]}
    assert p.warnings[0].startswith("Over-committed before choosing anything")
    assert "2 initiatives at once against a bandwidth of 1" in p.warnings[0]


def test_gate_failures_are_wont_and_block_dependants():
    items = inits(a={}, b={"depends_on": ("a",)}, c={})
    p = make_plan(ranked(("a", 3), ("b", 2), ("c", 1)), items, gate_failures={"a": [("ig", "no lawful basis")]}, gate_names={"ig": "No IG show-stopper"})
    assert codes(p.wont) == {"a": ["failed_gate"], "b": ["prerequisite_not_chosen"]}
    assert p.wont[0].reasons[0].detail == "Ruled out: failed the gate 'No IG show-stopper': no lawful basis"
    assert codes(p.will_do) == {"c": ["priority"]}


def test_overrides_force_in_and_out_with_the_rationale_and_the_latest_decision_wins():
    decisions = [Decision("c", "exclude", "first thought"), Decision("c", "include", "board asked for it"), Decision("a", "exclude", "already funded elsewhere")]
    p = make_plan(ranked(("a", 3), ("b", 2), ("c", 1)), inits(a={}, b={}, c={}), bandwidth=1, decisions=decisions)
    assert codes(p.will_do) == {"c": ["override"]}
    assert p.will_do[0].reasons[0].detail == "Included within the bandwidth by decision of the facilitator: board asked for it"
    assert codes(p.wont) == {"a": ["override"]}
    # With a ruled out, b was the room's choice for the one slot; including c pushed it out.
    assert codes(p.not_now) == {"b": ["displaced", "over_bandwidth"]}
    assert [o.text for o in p.overrides] == [
        "C, within the bandwidth by decision of the facilitator; displaced B",
        "A, ruled out by decision of the facilitator; displaced nothing",
    ]
    assert p.warnings == ("The facilitator's decisions (including C within the bandwidth and ruling out A) take A, "
                          "the room's first-ranked initiative, out of the plan",)


def test_below_threshold_and_not_ranked():
    p = make_plan(ranked(("a", 3), ("b", 1)), inits(a={}, b={}, z={}), min_score=2)
    assert codes(p.not_now) == {"b": ["below_threshold"], "z": ["not_ranked"]}


def test_waves_respect_the_per_wave_limit_by_score_then_id():
    p = make_plan(ranked(("a", 3), ("b", 3), ("c", 1)), inits(a={}, b={}, c={}), wave_size=2)
    assert {i.initiative: i.wave for i in p.will_do} == {"a": 1, "b": 1, "c": 2}


KNAPSACK = inits(a={"cost": F(6)}, b={"cost": F(5)}, c={"cost": F(5)})


def test_optimiser_reports_a_better_combination_with_the_swap_and_gain():
    p = make_plan(ranked(("a", 10), ("b", 8), ("c", 7)), KNAPSACK, budget=F(10))
    assert codes(p.will_do) == {"a": ["priority"]}
    o = p.optimiser
    assert (o.chosen, o.swap_out, o.swap_in, o.total, o.greedy_total, o.gain) == (("b", "c"), ("a",), ("b", "c"), 15, 10, 5)
    assert o.displaced[0].reasons[0].code == "displaced"


def test_optimiser_branch_and_bound_matches_and_the_plan_says_so_when_highs_is_missing(monkeypatch):
    def no_highs(*a, **k):
        raise ImportError("highspy")

    monkeypatch.setattr(selection, "_milp", no_highs)
    p = make_plan(ranked(("a", 10), ("b", 8), ("c", 7)), KNAPSACK, budget=F(10))
    assert p.optimiser.method == "branch_and_bound_fallback" and p.optimiser.chosen == ("b", "c")
    assert any("highspy" in w and "searched every combination" in w for w in p.warnings)


def test_without_highs_a_large_plan_says_the_optimiser_is_unavailable(monkeypatch):
    monkeypatch.setattr(selection, "_milp", lambda *a, **k: (_ for _ in ()).throw(ImportError("highspy")))
    items = inits(**{f"i{n:02d}": {"cost": F(n % 5 + 1)} for n in range(25)})
    p = make_plan(ranked(*[(f"i{n:02d}", 30 - n) for n in range(25)]), items, budget=F(20))
    assert p.optimiser is None and any("unavailable" in w and "highspy" in w for w in p.warnings)


def test_the_exact_optimiser_is_highs_and_is_installed():
    """Every installation makes the same plan: HiGHS is a dependency, not an option."""
    p = make_plan(ranked(("a", 10), ("b", 8), ("c", 7)), KNAPSACK, budget=F(10))
    assert p.optimiser.method == "milp" and not any("highspy" in w for w in p.warnings)


def test_optimiser_is_silent_when_greedy_is_optimal():
    assert make_plan(ranked(("a", 3), ("b", 2)), inits(a={}, b={}), bandwidth=1).optimiser is None


def test_exact_tie_rules_prefer_less_effort_then_fewer_then_smaller_ids(monkeypatch):
    monkeypatch.setattr(selection, "_milp", lambda *a, **k: (_ for _ in ()).throw(ImportError()))
    items = inits(a={"effort": F(3)}, b={"effort": F(1)}, c={"effort": F(1)})
    by_key = {i.key: i for i in items}
    prereqs = {k: () for k in by_key}
    method, chosen = selection.optimise(by_key, prereqs, (), 1, None, {"a": F(1), "b": F(1), "c": F(1)}, {k: i.effort for k, i in by_key.items()}, forced=set(), blocked=set(), ledger_start=(0, F(0), {}))
    assert chosen == {"b"}


def test_plan_from_a_workshop_and_its_json_shape():
    items = [Initiative("a", "EPR optimisation", effort=F(2)), Initiative("b", "Virtual wards", depends_on=("a",)), Initiative("c", "Wi-Fi refresh")]
    w = workshop(items, [dots_round("r", {"p1": {"b": 1}, "p2": {"c": 1}, "p3": {"b": 1}})], bandwidth=2)
    doc = plan_to_json(w, plan(w))
    assert list(doc) == ["round", "bandwidth", "bottlenecks", "will_do", "not_now", "wont", "undecided", "slots_used", "stretch_slots",
                         "overrides", "first_ranked", "condorcet_winner", "tie_break", "cut_line", "optimiser", "cycles", "warnings"]
    assert doc["will_do"] == [
        {"initiative": "a", "title": "EPR optimisation", "rank": 3, "tied": False, "wave": 1, "decided": None, "reasons": [{"code": "prerequisite_of", "detail": "Selected: needed first by Virtual wards"}]},
        {"initiative": "b", "title": "Virtual wards", "rank": 1, "tied": False, "wave": 2, "decided": None, "reasons": [{"code": "priority", "detail": "Selected: priority order"}]},
    ]
    assert doc["not_now"][0]["initiative"] == "c" and doc["cut_line"] == 1


def test_graph_helpers():
    g = {"a": ("b",), "b": ("c",), "c": ("a",), "d": ("a",), "e": ()}
    assert kahn_order(g) == (["e"], ["a", "b", "c", "d"])
    assert tarjan_cycles(g) == [("a", "b", "c")]
    assert cycle_path(("a", "b", "c"), g) == ["a", "b", "c", "a"]
    assert closure("d", g) == {"a", "b", "c"}


# --------------------------------------------------------------- properties


@st.composite
def instances(draw):
    n = draw(st.integers(1, 9))
    keys = [f"i{k}" for k in range(n)]
    items = []
    for k, key in enumerate(keys):
        deps = tuple(draw(st.lists(st.sampled_from(keys[:k]), max_size=2, unique=True))) if k else ()
        items.append(Initiative(
            key, key, effort=F(draw(st.integers(0, 3))), cost=F(draw(st.integers(0, 5))), depends_on=deps,
            demands={"r": draw(st.integers(0, 3))},
            decided=None,
        ))
    # Some initiatives are left unscored (not in the ranking): the plan must still hold.
    scores = {k: draw(st.integers(0, 6)) for k in keys if draw(st.booleans())}
    bandwidth = draw(st.one_of(st.none(), st.integers(0, n)))
    budget = draw(st.one_of(st.none(), st.integers(0, 12)))
    cap = draw(st.integers(0, 8))
    return items, ranked(*scores.items()), bandwidth, budget, cap


@given(instances())
@settings(max_examples=150, deadline=None)
def test_a_plan_never_exceeds_any_capacity_and_prerequisites_start_earlier(inst):
    items, rk, bandwidth, budget, cap = inst
    p = make_plan(rk, items, [Bottleneck("r", "R", cap)], bandwidth, budget)
    chosen = {i.initiative for i in p.will_do}
    by_key = {i.key: i for i in items}
    assert bandwidth is None or len(chosen) <= bandwidth
    assert budget is None or sum(by_key[k].cost for k in chosen) <= budget
    assert sum(by_key[k].demands["r"] for k in chosen) <= cap
    wave = {i.initiative: i.wave for i in p.will_do}
    for k in chosen:
        for pre in by_key[k].depends_on:
            assert pre in chosen and wave[pre] < wave[k]
    assert len(chosen) + len(p.not_now) + len(p.wont) + len(p.undecided) == len(items)


@given(instances())
@settings(max_examples=80, deadline=None)
def test_exact_optimum_is_at_least_greedy_and_both_solvers_agree(inst):
    items, rk, bandwidth, budget, cap = inst
    bn = [Bottleneck("r", "R", cap)]
    p = make_plan(rk, items, bn, bandwidth, budget)
    score = {r.initiative: r.score for r in rk}
    greedy_total = sum(score.get(i.initiative, 0) for i in p.will_do)
    by_key = {i.key: i for i in items}
    args = (by_key, {k: i.depends_on for k, i in by_key.items()}, bn, bandwidth, budget, {k: score.get(k, 0) for k in by_key}, {k: i.effort for k, i in by_key.items()})
    kw = dict(forced=set(), blocked=set(), ledger_start=(0, F(0), {"r": 0}))
    _, milp_set = selection.optimise(*args, **kw)
    bb_set = selection._branch_and_bound(sorted(by_key), *args[:1], args[1], bn, {"slots": bandwidth, "budget": budget}, {"r": cap}, args[5], args[6], set())
    total = lambda s: sum(score.get(k, 0) for k in s)  # noqa: E731
    assert total(milp_set) >= greedy_total
    assert total(milp_set) == total(bb_set)
    if p.optimiser is not None:
        assert p.optimiser.total > p.optimiser.greedy_total


@given(instances())
@settings(max_examples=40, deadline=None)
def test_plans_are_identical_across_runs(inst):
    items, rk, bandwidth, budget, cap = inst
    bn = [Bottleneck("r", "R", cap)]
    assert make_plan(rk, items, bn, bandwidth, budget) == make_plan(list(reversed(rk)), list(reversed(items)), bn, bandwidth, budget)


def _brute_force(items, score, bandwidth, budget, cap):
    """Every subset closed under prerequisites and within every limit: the best by
    (Σv, then least Σeffort, then fewest), as the optimiser's tie rules say."""
    from itertools import combinations

    keys = [i.key for i in items]
    by_key = {i.key: i for i in items}
    best = None
    for size in range(len(keys) + 1):
        for subset in combinations(keys, size):
            chosen = set(subset)
            if any(p not in chosen for k in chosen for p in by_key[k].depends_on):
                continue
            if bandwidth is not None and len(chosen) > bandwidth:
                continue
            if budget is not None and sum(by_key[k].cost for k in chosen) > budget:
                continue
            if sum(by_key[k].demands["r"] for k in chosen) > cap:
                continue
            key = (sum(score.get(k, 0) for k in chosen), -sum(by_key[k].effort for k in chosen), -len(chosen))
            if best is None or key > best:
                best = key
    return best


@given(instances())
@settings(max_examples=120, deadline=None)
def test_the_exact_optimiser_matches_brute_force(inst):
    items, rk, bandwidth, budget, cap = inst
    bn = [Bottleneck("r", "R", cap)]
    score = {r.initiative: r.score for r in rk}
    by_key = {i.key: i for i in items}
    method, chosen = selection.optimise(
        by_key, {k: i.depends_on for k, i in by_key.items()}, bn, bandwidth, budget,
        {k: score.get(k, 0) for k in by_key}, {k: i.effort for k, i in by_key.items()},
        forced=set(), blocked=set(), ledger_start=(0, F(0), {"r": 0}))
    assert method in ("milp", "branch_and_bound")
    found = (sum(score.get(k, 0) for k in chosen), -sum(by_key[k].effort for k in chosen), -len(chosen))
    assert found == _brute_force(items, score, bandwidth, budget, cap)
