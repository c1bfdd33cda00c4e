from fractions import Fraction as F

import pytest

from workshop_tui.domain import rules
from workshop_tui.domain.methods.matrix import adjusted, evaluate, matrix_settings, total_range, weighted_total
from workshop_tui.domain.methods.problems import SettingsError
from workshop_tui.domain.model import Criterion, Vote


def validate_submission(entries, items, criteria):
    """The rule book's verdict on one matrix ballot, as (scores, problems)."""
    ctx = rules.Context({i: i for i in items}, {c.key: c for c in criteria})
    verdict = rules.judge_ballot(rules.MatrixSettings(), ctx, [Vote("p", i, c, v) for i, c, v in entries])
    return verdict.content, list(verdict.problems)

CALDERDALE = (
    Criterion("patient", "Patient benefit", weight=F(50), min=F(0), max=F(10)),
    Criterion("staff", "Staff benefit", weight=F(25), min=F(0), max=F(5)),
    Criterion("financial", "Financial benefit", weight=F(25), min=F(0), max=F(5)),
)


@pytest.mark.parametrize(
    "scores, percent",
    [((8, 4, 2), 70), ((8, 3, 3), 70), ((8, 4, 3), 75), ((10, 5, 3), 90), ((6, 5, 5), 80)],
)
def test_calderdale_sum_of_max_reproduces_the_published_percentages(scores, percent):
    row = dict(zip(("patient", "staff", "financial"), map(F, scores)))
    assert weighted_total(CALDERDALE, row, "sum_of_max") * 100 == percent


def test_calderdale_rows_scoring_staff_above_5_are_rejected_with_the_limit():
    _, problems = validate_submission([("cardio", "patient", 9), ("cardio", "staff", 6), ("cardio", "financial", 3)], {"cardio"}, CALDERDALE)
    assert [(p.rule, p.item, p.value, p.limit) for p in problems] == [("out_of_range", "cardio", 6, (0, 5))]


ONE_TO_FIVE = (Criterion("v", "Value", min=F(1), max=F(5)), Criterion("r", "Reach", min=F(1), max=F(5)))


def _subs(rows):
    return [{("x", "v"): F(a), ("x", "r"): F(b)} for a, b in rows]


def test_median_of_totals_differs_from_total_of_medians():
    subs = _subs([(1, 5), (5, 1), (5, 5)])
    tf = evaluate(["x"], ONE_TO_FIVE, subs, matrix_settings({"normalisation": "weighted_sum", "aggregate": "median"}))
    cf = evaluate(["x"], ONE_TO_FIVE, subs, matrix_settings({"normalisation": "weighted_sum", "aggregate": "median", "order": "criterion_first"}))
    assert tf.scores["x"] == 3 and cf.scores["x"] == 5


def test_mean_gives_the_same_in_both_orders():
    subs = _subs([(1, 5), (5, 1), (5, 5)])
    a = evaluate(["x"], ONE_TO_FIVE, subs, matrix_settings({}))
    b = evaluate(["x"], ONE_TO_FIVE, subs, matrix_settings({"order": "criterion_first"}))
    assert a.scores == b.scores


@pytest.mark.parametrize(
    "norm, expected",
    [("minmax", F(1, 2)), ("ratio", F(3, 5)), ("weighted_sum", F(3)), ("sum_of_max", F(3, 5))],
)
def test_normalisations_on_a_1_to_5_scale(norm, expected):
    assert weighted_total(ONE_TO_FIVE, {"v": F(3), "r": F(3)}, norm) == expected


def test_ratio_floor_is_not_zero_when_the_scale_starts_above_zero():
    assert total_range(ONE_TO_FIVE, "ratio") == (F(1, 5), F(1))
    assert total_range(ONE_TO_FIVE, "minmax") == (F(0), F(1))


def test_cost_scores_are_inverted():
    crit = (Criterion("c", "Cost", direction="cost", min=F(0), max=F(10)),)
    scores, _ = validate_submission([("x", "c", 2)], {"x"}, crit)
    assert adjusted(crit[0], F(scores[("x", "c")])) == 8


def test_participant_with_a_blank_criterion_is_left_out_of_the_total_but_counts_per_criterion():
    subs = [{("x", "v"): F(5), ("x", "r"): F(5)}, {("x", "v"): F(1)}]
    out = evaluate(["x", "y"], ONE_TO_FIVE, subs, matrix_settings({}))
    assert out.n["x"] == 1 and out.scores["x"] == 1
    assert out.criterion_aggregates["x"]["v"] == 3
    assert out.unscored == ("y",)


def test_trimmed_mean_drops_one_from_each_end_of_seven():
    subs = _subs([(1, 1), (2, 2), (3, 3), (3, 3), (3, 3), (4, 4), (5, 5)])
    out = evaluate(["x"], ONE_TO_FIVE, subs, matrix_settings({"aggregate": "trimmed_mean", "normalisation": "weighted_sum"}))
    assert out.scores["x"] == F(3)


def test_ties_break_on_the_highest_weight_criterion_then_are_declared():
    crit = (Criterion("a", "A", weight=F(1), min=F(0), max=F(4)), Criterion("b", "B", weight=F(3), min=F(0), max=F(4)))
    subs = [{("x", "a"): F(4), ("x", "b"): F(0), ("y", "a"): F(0), ("y", "b"): F(4), ("z", "a"): F(0), ("z", "b"): F(4)}]
    out = evaluate(["x", "y", "z"], crit, subs, matrix_settings({"normalisation": "sum_of_max"}))
    assert out.scores["x"] == out.scores["y"]
    assert out.groups == (("y", "z"), ("x",))
    assert out.tie_criterion == "b"


def test_weights_not_summing_to_100_warn():
    out = evaluate(["x"], ONE_TO_FIVE, _subs([(3, 3)]), matrix_settings({}))
    assert any("add up to 2" in w for w in out.warnings)
    out = evaluate(["x"], CALDERDALE, [], matrix_settings({}))
    assert not any("add up" in w for w in out.warnings)


@pytest.mark.parametrize("settings", [{"normalisation": "z"}, {"aggregate": "mode"}, {"order": "x"}, {"trim": 0.5}])
def test_bad_matrix_settings_are_refused(settings):
    with pytest.raises(SettingsError):
        matrix_settings(settings)


def test_unknown_criterion_and_non_numbers_are_reported():
    _, problems = validate_submission([("x", "zz", 3), ("x", "v", "high"), ("q", "v", 1)], {"x"}, ONE_TO_FIVE)
    assert [p.rule for p in problems] == ["unknown_criterion", "not_a_number", "unknown_item"]


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_ITEMS = ["a", "b", "c"]
_score = st.one_of(st.none(), st.integers(0, 5), st.sampled_from([F(1, 2), F(7, 2), F(4)]))
_submission = st.fixed_dictionaries({(i, c.key): _score for i in _ITEMS for c in CALDERDALE}).map(
    lambda row: {k: v for k, v in row.items() if v is not None})


@given(st.lists(_submission, max_size=6), st.sampled_from(["weighted_sum", "minmax", "sum_of_max"]),
       st.sampled_from(["total_first", "criterion_first"]))
@settings(max_examples=200, deadline=None)
def test_totals_are_each_complete_row_weighted_whatever_is_left_blank(subs, normalisation, order):
    # evaluate() takes complete rows (the usual case) through a faster path; a row with a
    # blank counts only in its criteria's aggregates, never in the totals.
    from workshop_tui.domain.consensus import median
    from workshop_tui.domain.methods.matrix import coefficients

    s = matrix_settings({"normalisation": normalisation, "order": order})
    out = evaluate(_ITEMS, CALDERDALE, subs, s)
    a, b = coefficients(CALDERDALE, normalisation)
    for i in _ITEMS:
        expected = [b + sum(a[c.key] * sub[(i, c.key)] for c in CALDERDALE)
                    for sub in subs if all((i, c.key) in sub for c in CALDERDALE)]
        assert list(out.totals(i)) == expected
        for c in CALDERDALE:
            scored = [sub[(i, c.key)] for sub in subs if (i, c.key) in sub]
            assert out.criterion_medians[i].get(c.key) == (median(scored) if scored else None)
    assert [set(t) for t in out.rater_totals] == [
        {i for i in _ITEMS if all((i, c.key) in sub for c in CALDERDALE)} for sub in subs]
