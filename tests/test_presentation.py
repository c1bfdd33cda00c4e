"""The presentation module: one wording and one rounding rule per output, for every channel."""

from __future__ import annotations

from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workshop_tui import presentation as p
from workshop_tui.textsafe import for_json, for_terminal, one_line


@pytest.mark.parametrize("count, word, expected", [
    (1, "initiative", "1 initiative"), (0, "initiative", "0 initiatives"), (2, "initiative", "2 initiatives"),
    (1, "person", "1 person"), (3, "person", "3 people"), (2, "criterion", "2 criteria"),
    (1, "blank ballot", "1 blank ballot"), (4, "blank ballot", "4 blank ballots"),
])
def test_plural_agrees_with_the_count(count, word, expected):
    assert p.plural(count, word) == expected


@pytest.mark.parametrize("amount, unit, expected", [
    (1, "engineers (FTE)", "1 engineer (FTE)"), (2, "engineers (FTE)", "2 engineers (FTE)"),
    (0, "engineers (FTE)", "0 engineers (FTE)"), (F(1, 2), "engineers (FTE)", "1/2 engineers (FTE)"),
    (1, "days per month", "1 day per month"), (1, "analyst days", "1 analyst day"), (1, "people", "1 person"),
    (1, "FTE", "1 FTE"), (1, "staff", "1 staff"), (1, "£k", "1 £k"), (1, "", "1"), (1, "bus", "1 bus"),
])
def test_a_bottleneck_unit_agrees_with_its_amount(amount, unit, expected):
    assert p.quantity(amount, unit) == expected


def test_the_condorcet_sentence_names_the_initiative_by_its_title():
    titles = {"eobs": "E-observations and NEWS2"}
    assert p.condorcet_sentence({"winner": "eobs", "summary": "Condorcet winner: eobs"}, titles).startswith(
        "Condorcet winner: E-observations and NEWS2 (")
    assert p.condorcet_sentence({"winner": None}, titles) == "There is no Condorcet winner in this round."
    assert p.condorcet_sentence(None, titles) == ""


def test_engine_warnings_read_in_words_with_names_not_keys():
    titles, names = {"a": "Alpha", "b": "Beta"}, {"p1": "Ann"}
    assert p.method_warning("could_share 0.1579 < 0.20", titles) == (
        "Could initiatives take 15.8 % of the committed effort, less than the 20 % DSDM advises keeping as Coulds "
        "(the contingency)")
    assert p.method_warning("must_share 0.7000 > 0.60", titles).startswith("Must initiatives take 70 % of")
    assert p.method_warning("no effort recorded for a, b; counted as 0 in the shares", titles) == (
        "No effort is recorded for Alpha, Beta: counted as 0 in the shares of effort")
    assert p.method_warning("votes from participants marked as abstaining were ignored: p1", titles, names) == (
        "Votes from people marked as abstaining were ignored: Ann")
    assert p.method_warning("sum of maxima ignores the weights", titles) == "sum of maxima ignores the weights"


def test_a_decision_time_is_utc_to_the_minute_or_says_it_was_not_recorded():
    import datetime as dt

    bst = dt.timezone(dt.timedelta(hours=1))
    assert p.decision_time(dt.datetime(2026, 6, 19, 13, 41, 59, tzinfo=bst)) == "2026-06-19 12:41 UTC"
    assert p.decision_time(None) == "before this version (time not recorded)"


def test_rank_label_marks_a_declared_tie():
    assert p.rank_label(3, True) == "=3" and p.rank_label(3, False) == "3"


def test_number_rounds_per_output_from_the_exact_value():
    x = F(29667, 40000)  # 0.741675
    assert p.number(x) == "0.7417"  # screen: 4 dp at most, no trailing zeros
    assert p.number(F(3, 2)) == "1.5"
    assert p.number(x, "csv") == "0.7417" and p.number(None, "csv") == ""
    assert p.number(x, "board") == "0.74" and p.number(F(2500000), "board") == "2,500,000"
    assert p.number(x, "json") == 0.7417 and p.number(F(4), "json") == 4
    assert p.number(None) == "–"


def test_a_matrix_score_is_shown_on_the_scale_the_room_used():
    # minmax totals run 0..1; the criteria were scored 0..10.
    assert p.on_scale(F(7417, 10000), (F(0), F(1)), (F(0), F(10))) == "7.4 / 10"
    assert p.on_scale(F(1, 2), (F(0), F(1)), (F(1), F(5))) == "3.0 / 5"
    assert p.on_scale(F(1, 4), (F(0), F(1)), None) == "2.5 / 10"  # mixed scales: out of 10
    assert p.on_scale(F(1, 20), (F(0), F(1)), (F(0), F(1))) == "0.1 / 1"  # 0.05 half away from zero
    assert p.scale_factor((F(0), F(1)), (F(1), F(5))) == 4


@given(st.fractions(min_value=0, max_value=1), st.integers(0, 3), st.integers(1, 20))
def test_on_scale_stays_within_the_room_scale(share, low, width):
    shown = p.on_scale(share, (F(0), F(1)), (F(low), F(low + width)))
    value, top = shown.split(" / ")
    assert low <= float(value.replace(",", "")) <= low + width and top == f"{low + width:,}"


def test_the_agreement_sentence_names_what_the_room_is_split_on():
    a = {"kendall_w": 0.49, "band": "moderate", "raters": 11, "meaningful": True}
    assert p.agreement_sentence(a, ["Virtual wards"]) == (
        "The room moderately agrees on the order overall; the room is split on Virtual wards.")
    assert p.agreement_sentence(a, ["A", "B", "C"]).endswith("split on A, B and C.")
    assert p.agreement_sentence({"raters": 1, "meaningful": False, "kendall_w": None}, []) == (
        "With 1 person there is no agreement to measure (at least two are needed).")
    assert p.agreement_sentence(None, []).startswith("There are not enough ballots")


def test_formats_are_named_in_words():
    assert p.format_label("html") == "Board pack, printable (HTML)"
    assert all("(" in p.format_label(f) for f in ("md", "xlsx", "csv", "json"))


DANGEROUS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0b, 0x20), *range(0x7f, 0xa0))] + list(
    "\u061c\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


@given(st.text(alphabet=st.sampled_from(DANGEROUS + list("ab[]\\x \n\t"))))
def test_terminal_text_never_carries_a_control_or_bidi_character(text):
    for shown in (for_terminal(text), one_line(text), p.cli_text(text)):
        assert not any(ch in shown for ch in DANGEROUS if ch not in "\n\t")
    assert "\n" not in one_line(text) and "\t" not in one_line(text)


@given(st.text())
def test_json_made_safe_for_a_terminal_is_the_same_json(text):
    import json

    dumped = json.dumps({"t": text}, ensure_ascii=False)
    safe = for_json(dumped)
    assert json.loads(safe) == {"t": text}
    assert not any(ch in safe for ch in DANGEROUS)


def test_made_visible_not_removed():
    assert for_terminal("Org\x1b[1A") == "Org\\x1b[1A"
    assert for_terminal("a\u202eb") == "a\\u202eb"
