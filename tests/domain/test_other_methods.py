from fractions import Fraction as F

import pytest

from workshop_tui.domain.methods import ahp, moscow, value_effort
from workshop_tui.domain import rules
from workshop_tui.domain.methods.gates import failures, gate_table
from workshop_tui.domain.methods.problems import SettingsError
from workshop_tui.domain.methods_help import explain
from workshop_tui.domain.model import Criterion, Vote


def validate_submission(entries, items, gates):
    """The rule book's problems with one gate-assessment ballot."""
    ctx = rules.Context({i: i for i in items}, gates={g: Criterion(g, g, kind="gate") for g in gates})
    votes = [Vote(None, i, c, v, note=note) for i, c, v, note in entries]
    return list(rules.judge_ballot(rules.GatesSettings(), ctx, votes).problems)


@pytest.mark.parametrize(
    "value, effort, quadrant",
    [(3, 3, "major_project"), (3, F(299, 100), "quick_win"), (F(299, 100), 3, "thankless_task"), (1, 1, "fill_in"), (5, 1, "quick_win"), (1, 5, "thankless_task")],
)
def test_value_effort_boundary_counts_as_high(value, effort, quadrant):
    assert value_effort.quadrant(F(value), F(effort), F(3), F(3)) == quadrant


def test_value_effort_median_thresholds_are_relative():
    s = value_effort.value_effort_settings({"thresholds": "median"})
    subs = [{"a": (F(2), F(2)), "b": (F(3), F(4)), "c": (F(4), F(1))}]
    out = value_effort.evaluate(["a", "b", "c"], subs, s)
    assert (out.t_value, out.t_effort) == (3, 2)
    assert out.quadrants == {"c": "quick_win", "b": "major_project", "a": "thankless_task"}
    assert out.groups == (("c",), ("b",), ("a",))


def test_value_effort_custom_scale_and_validation():
    s = value_effort.value_effort_settings({"value_min": 0, "value_max": 10})
    votes = [Vote("p", i, None, v, e) for i, v, e in [("a", 11, 3), ("a", 1, 1), ("b", "lots", 9)]]
    problems = rules.judge_ballot(s, rules.Context({"a": "a", "b": "b"}), votes).problems
    assert [p.rule for p in problems] == ["out_of_range", "duplicate_item", "not_a_number", "out_of_range"]
    with pytest.raises(SettingsError):
        value_effort.value_effort_settings({"thresholds": "mean"})


@pytest.mark.parametrize("raw, parsed", [("Must", "must"), ("s", "should"), ("won't", "wont"), ("WONT", "wont"), ("maybe", None), (4, None)])
def test_moscow_parse(raw, parsed):
    assert moscow.parse(raw) == parsed


def test_moscow_must_share_warning_and_null_shares_without_committed_effort():
    out = moscow.evaluate(["a", "b"], [{"a": "must", "b": "could"}], {"a": F(7), "b": F(3)})
    assert out.shares["must"] == F(7, 10) and out.shares["could"] == F(3, 10)
    assert out.warnings == ("must_share 0.7000 > 0.60",)
    out = moscow.evaluate(["a"], [{"a": "wont"}], {"a": F(4)})
    assert out.shares == {"must": None, "should": None, "could": None, "wont": None}


def test_moscow_both_warnings_can_fire_and_order_uses_session_scores():
    out = moscow.evaluate(["a", "b", "c"], [{"a": "must", "b": "must", "c": "should"}], {"a": F(4), "b": F(4), "c": F(2)}, scores={"a": F(1), "b": F(2)})
    assert out.warnings == ("must_share 0.8000 > 0.60", "could_share 0 < 0.20")
    assert out.order == ("b", "a", "c")
    assert out.ranks == {"b": 1, "a": 2, "c": 3}


def test_moscow_lower_median_for_even_counts():
    out = moscow.evaluate(["a"], [{"a": "must"}, {"a": "could"}], {"a": F(1)})
    assert out.category == {"a": "could"}  # codes 4 and 2: the lower middle is 2


def test_moscow_missing_effort_is_warned():
    out = moscow.evaluate(["a", "b"], [{"a": "must", "b": "could"}], {"a": F(1), "b": None})
    assert out.warnings[0] == "no effort recorded for b; counted as 0 in the shares"


KEYS = ["a", "b", "c"]


def test_ahp_consistent_matrix_has_cr_zero_and_exact_weights():
    r = ahp.weights(KEYS, {("a", "b"): 2, ("a", "c"): 4, ("b", "c"): 2})
    assert r.weights["a"] == pytest.approx(4 / 7, abs=5e-9)
    assert r.lambda_max == pytest.approx(3, abs=1e-9)
    assert r.cr == 0 and r.consistent and r.warning is None


def test_ahp_two_by_two_has_cr_zero():
    r = ahp.weights(["a", "b"], {("a", "b"): 5})
    assert r.cr == 0 and r.weights["a"] == pytest.approx(5 / 6)


def test_ahp_intransitive_cycle_is_flagged():
    r = ahp.weights(KEYS, {("a", "b"): 9, ("b", "c"): 9, ("a", "c"): F(1, 9)})
    assert r.weights["a"] == pytest.approx(1 / 3, abs=1e-6)
    assert r.cr > 0.10 and r.warning.startswith("inconsistent: revisit judgements")
    assert "Saaty 1980" in r.warning


def test_ahp_rejects_missing_and_out_of_scale_comparisons():
    with pytest.raises(SettingsError, match="missing comparisons: a vs c"):
        ahp.weights(KEYS, {("a", "b"): 2, ("b", "c"): 2})
    with pytest.raises(SettingsError, match="outside"):
        ahp.weights(["a", "b"], {("a", "b"): 0})


def test_ahp_beyond_the_table_reports_cr_unavailable_and_group_aij_stays_reciprocal():
    keys = [f"k{i}" for i in range(11)]
    comps = {(keys[i], keys[j]): 1 for i in range(11) for j in range(i + 1, 11)}
    r = ahp.weights(keys, comps)
    assert r.cr is None and "unavailable" in r.warning
    g = ahp.group_weights(["a", "b"], [{("a", "b"): 4}, {("a", "b"): 1}])
    assert g.weights["a"] == pytest.approx(2 / 3)
    assert ahp.weights(KEYS, {("a", "b"): 1, ("a", "c"): 1, ("b", "c"): 1}, "saaty2005").cr == 0


def test_ahp_synthesis():
    assert ahp.synthesise({"c1": 0.5, "c2": 0.5}, {"c1": {"x": 1.0}, "c2": {"x": 0.5, "y": 0.5}}) == {"x": 0.75, "y": 0.25}


def test_gates_fail_if_any_assessment_fails_and_unassessed_is_not_failed():
    rows = [("a", "ig", True, ""), ("a", "ig", False, "no DPIA"), ("a", "ig", False, "no DPIA"), ("a", "value", None, ""), ("b", "ig", True, "")]
    table = gate_table(rows)
    assert table["a"]["ig"].outcome == "fail" and table["a"]["ig"].notes == ("no DPIA",)
    assert "value" not in table["a"]
    assert failures(table, ["value", "ig"]) == {"a": [("ig", "no DPIA")]}
    assert [p.rule for p in validate_submission([("a", "zz", True, ""), ("a", "ig", "yes", ""), ("q", "ig", True, "")], {"a"}, {"ig"})] == ["unknown_gate", "not_pass_fail", "unknown_item"]


@pytest.mark.parametrize(
    "method, settings, phrase",
    [
        ("dots", {"budget": 3, "max_per_initiative": 3, "must_spend_all": True}, "up to 3 dots"),
        ("matrix", {"normalisation": "sum_of_max", "aggregate": "median", "order": "criterion_first", "trim": F(1, 5)}, "ignores the weights"),
        ("matrix", {"normalisation": "minmax", "aggregate": "trimmed_mean", "order": "total_first", "trim": F(1, 5)}, "20 %"),
        ("ranking", {"rule": "schulze"}, "Schulze"),
        ("ranking", {"rule": "borda", "borda_variant": "mbc"}, "Modified Borda"),
        ("ranking", {"rule": "copeland"}, "minus one"),
        ("value_effort", {"thresholds": "median"}, "half are 'high'"),
        ("moscow", {}, "lower of the two middle"),
        ("gates", {}, "show-stopper"),
    ],
)
def test_every_method_has_a_plain_explanation(method, settings, phrase):
    assert phrase in explain(method, settings)
