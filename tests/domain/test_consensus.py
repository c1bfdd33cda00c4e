from fractions import Fraction as F

import pytest

from workshop_tui.domain.consensus import (
    chi2_upper_tail,
    is_contested,
    kendall_w,
    leik,
    lower_median,
    median,
    spread,
    tastle_wierman,
    trimmed_mean,
)


def test_iqr_is_inclusive_type_7():
    s = spread([1, 2, 3, 4])
    assert s.iqr == F(3, 2)  # exclusive quantiles would give 2.5
    assert (s.q1, s.q3) == (F(7, 4), F(13, 4))
    assert s.mean == F(5, 2) and s.median == F(5, 2)


def test_spread_of_one_score_has_no_sd_and_is_few_scores():
    s = spread([4])
    assert s.n == 1 and s.sd is None and s.cv is None and s.iqr == 0 and s.few_scores


def test_sample_sd_and_cv():
    s = spread([2, 4, 4, 4, 5, 5, 7, 9])
    assert s.sd == pytest.approx(2.1380899, abs=5e-5)
    assert s.cv == pytest.approx(2.1380899 / 5, abs=5e-5)


def test_cv_is_null_when_the_mean_is_zero():
    assert spread([-1, 1]).cv is None


def test_empty_spread_is_all_null():
    s = spread([])
    assert s.n == 0 and s.mean is None and s.iqr is None


@pytest.mark.parametrize(
    "values, low, high, contested",
    [
        ([1, 2, 3, 4], 1, 5, True),  # IQR 1.5 > 1
        ([2, 3, 3, 4], 1, 5, False),  # IQR 0.5
        ([1, 2, 3, 4], 0, 10, False),  # 1.5 <= 2.5
        ([0, 10, 0, 10], 0, 10, True),
        ([5], 1, 5, False),
    ],
)
def test_contested_is_iqr_above_a_quarter_of_the_range(values, low, high, contested):
    assert is_contested(spread(values), low, high) is contested


def test_medians_and_trimmed_mean():
    assert median([1, 5, 5, 1]) == 3
    assert lower_median([1, 2, 3, 4]) == 2
    assert trimmed_mean([1, 2, 3, 4, 100, 5, 6], F(1, 5)) == F(20, 5)  # n=7 drops one each end
    assert trimmed_mean([1, 2, 3, 100], F(1, 5)) == F(106, 4)  # n<5 drops nothing


def test_kendall_w_identical_rankings_is_one_and_reversed_is_zero():
    a = {"x": 1, "y": 2, "z": 3}
    assert kendall_w([a, a, a]).w == 1
    assert kendall_w([a, {"x": 3, "y": 2, "z": 1}]).w == 0


def test_kendall_w_applies_the_tie_correction():
    # Without the correction the two identical tied rankings would not give 1.
    a = {"p": 1, "q": 1, "r": 2, "s": 3}
    assert kendall_w([a, a]).w == 1


def test_kendall_w_edge_cases():
    one = kendall_w([{"x": 1, "y": 2}])
    assert one.meaningful is False
    all_tied = kendall_w([{"x": 1, "y": 1}, {"x": 2, "y": 2}])
    assert all_tied.w is None
    partial = kendall_w([{"x": 1, "y": 2}, {"x": 2}], items=["x", "y"])
    assert partial.excluded_raters == 1 and partial.raters == 1


def test_kendall_w_known_value_and_p():
    # 3 raters, 4 items: W and chi2 cross-checked by hand.
    raters = [{"a": 1, "b": 2, "c": 3, "d": 4}, {"a": 1, "b": 3, "c": 2, "d": 4}, {"a": 2, "b": 1, "c": 3, "d": 4}]
    k = kendall_w(raters)
    # R = 4, 6, 8, 12; Rbar = 7.5; S = 12.25+2.25+0.25+20.25 = 35; W = 12*35/(9*60) = 7/9
    assert k.w == F(7, 9)
    assert k.chi2 == F(7)
    assert k.p_value == pytest.approx(0.0719, abs=5e-5)


@pytest.mark.parametrize("x, df, p", [(3.841458820694124, 1, 0.05), (5.991464547107979, 2, 0.05), (0.5, 3, 0.918891), (30.0, 10, 0.000857)])
def test_chi2_upper_tail(x, df, p):
    assert chi2_upper_tail(x, df) == pytest.approx(p, abs=5e-6)


@pytest.mark.parametrize(
    "freqs, leik_value, tw",
    [
        ([5, 0, 0, 0, 0], F(1), 1.0),
        ([0, 0, 7, 0, 0], F(1), 1.0),
        ([3, 0, 0, 0, 3], F(0), 0.0),
        ([0, 0, 0, 0], None, None),
    ],
)
def test_leik_and_tastle_wierman_extremes(freqs, leik_value, tw):
    assert leik(freqs) == leik_value
    got = tastle_wierman(freqs)
    assert got == (None if tw is None else pytest.approx(tw))


def test_leik_uniform_is_between():
    assert 0 < leik([1, 1, 1, 1]) < 1
    assert 0 < tastle_wierman([1, 1, 1, 1]) < 1
