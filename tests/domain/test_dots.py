from fractions import Fraction as F

import pytest

from workshop_tui.domain import rules
from workshop_tui.domain.methods.dots import DotsSettings, dots_settings, tally, variant_name
from workshop_tui.domain.model import Vote
from workshop_tui.domain.methods.problems import SettingsError


@pytest.mark.parametrize("n, budget, cap", [(9, 3, 3), (100, 20, 3), (2, 1, 1), (0, 1, 1), (6, 2, 2), (61, 20, 3)])
def test_default_budget_is_clamped_n_over_3_and_cap_is_min_3_b(n, budget, cap):
    s = dots_settings(n, {})
    assert (s.budget, s.max_per_initiative, s.must_spend_all) == (budget, cap, False)


@pytest.mark.parametrize("settings", [{"budget": 0}, {"budget": 2, "max_per_initiative": 3}, {"budget": "x"}, {"budget": 5, "max_per_initiative": 0}])
def test_unusable_settings_are_refused(settings):
    with pytest.raises(SettingsError):
        dots_settings(9, settings)


@pytest.mark.parametrize(
    "settings, n, variant",
    [({"budget": 5, "max_per_initiative": 1}, 5, "approval"), ({"budget": 2, "max_per_initiative": 1}, 5, "pick_k"), ({"budget": 5, "max_per_initiative": 5}, 9, "cumulative"), ({}, 9, "cumulative"), ({"budget": 6}, 9, "dots")],
)
def test_variant_names(settings, n, variant):
    assert variant_name(dots_settings(n, settings), n) == variant


ITEMS = ["a", "b", "c", "d"]


def validate_allocation(entries, items, s):
    """The rule book's verdict on one dots ballot, as (allocation, problems)."""
    verdict = rules.judge_ballot(s, rules.Context({i: i for i in items}), [Vote("p", i, None, v) for i, v in entries])
    return ({} if verdict.problems else verdict.content), list(verdict.problems)
S = DotsSettings(budget=4, max_per_initiative=2, must_spend_all=False)


@pytest.mark.parametrize(
    "entries, rules",
    [
        ([("a", 2), ("b", 2)], []),
        ([], []),
        ([("a", 0)], []),
        ([("a", 3)], ["over_item_cap"]),
        ([("a", 2), ("b", 2), ("c", 1)], ["over_budget"]),
        ([("z", 1), ("a", -1), ("b", F(1, 2)), ("c", True)], ["unknown_item", "negative", "not_integer", "not_integer"]),
        ([("a", 1), ("a", 1)], ["duplicate_item"]),
        ([("a", 3), ("b", 3)], ["over_item_cap", "over_item_cap", "over_budget"]),  # all reasons, not the first
    ],
)
def test_validation_lists_every_problem(entries, rules):
    _, problems = validate_allocation(entries, ITEMS, S)
    assert [p.rule for p in problems] == rules


def test_must_spend_all_rejects_a_partial_spend_but_an_empty_ballot_is_blank():
    s = DotsSettings(4, 4, True)
    _, problems = validate_allocation([("a", 3)], ITEMS, s)
    assert [(p.rule, p.value, p.limit) for p in problems] == [("under_budget", 3, 4)]
    alloc, problems = validate_allocation([], ITEMS, s)
    assert alloc == {} and problems == []


def test_tally_ranks_by_dots_then_supporters_then_declares_a_tie():
    allocs = [{"a": 2, "b": 1}, {"a": 2, "c": 1}, {"b": 1, "c": 1, "d": 2}]
    t = tally(ITEMS, allocs, S)
    assert t.dots == {"a": 4, "b": 2, "c": 2, "d": 2}
    assert t.supporters == {"a": 2, "b": 2, "c": 2, "d": 1}
    assert t.ranks == {"a": 1, "b": 2, "c": 2, "d": 4}
    assert t.groups == (("a",), ("b", "c"), ("d",))
    assert t.shares["a"] == F(4, 10)
    assert t.cross_session["a"] == F(4, 12)


def test_plumping_splits_dots_from_supporters():
    s = DotsSettings(6, 6, False)
    allocs = [{"a": 6}, {"a": 6}] + [{"b": 2}] * 5
    t = tally(["a", "b"], allocs, s)
    assert (t.dots["a"], t.supporters["a"]) == (12, 2)
    assert (t.dots["b"], t.supporters["b"]) == (10, 5)
    assert t.ranks == {"a": 1, "b": 2}


def test_no_dots_gives_zero_shares():
    t = tally(ITEMS, [], S)
    assert set(t.shares.values()) == {0}
    assert set(t.cross_session.values()) == {None}
