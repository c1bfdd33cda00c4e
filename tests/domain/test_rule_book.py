"""The rule book (domain/rules): typed settings with their defaults in one place,
and one judgement of a cell, a ballot and a round."""

from __future__ import annotations

import re
from fractions import Fraction as F
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_tui.domain import rules
from workshop_tui.domain.methods.problems import SettingsError
from workshop_tui.domain.model import Criterion, Vote
from workshop_tui.sessionfile.reader import SessionFileError
from workshop_tui.sessionfile.validate import build_workshop

SRC = Path(__file__).resolve().parents[2] / "src" / "workshop_tui"
ITEMS = {"a": "Alpha", "b": "Beta", "c": "Gamma"}
CONTEXT = rules.Context(ITEMS, {"pat": Criterion("pat", "Patient benefit", min=F(0), max=F(10)),
                                "staff": Criterion("staff", "Staff benefit", min=F(0), max=F(5))})


def test_a_budget_alone_brings_the_default_cap_of_three_for_every_reader():
    s = rules.parse_settings("dots", {"budget": 5}, 12)
    assert (s.budget, s.max_per_initiative, s.must_spend_all) == (5, 3, False)
    assert rules.parse_settings("dots", {}, 100) == rules.DotsSettings(20, 3, False)
    assert rules.written_out("dots", 9) == {"budget": 3, "max_per_initiative": 3, "must_spend_all": False}


def test_value_effort_scales_default_to_one_to_five_from_one_place():
    assert rules.value_effort_scales({}) == ((F(1), F(5)), (F(1), F(5)))
    assert rules.written_out("value_effort", 4)["value_max"] == rules.DEFAULT_SCALE[1]


def test_defaults_are_written_only_in_the_rule_book():
    """On main the value/effort default "1 to 5" was written in nine places."""
    pattern = re.compile(r"""get\(\s*["'](value|effort)_(min|max)["']\s*,""")
    found = [f"{p.relative_to(SRC)}:{n}" for p in SRC.rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1) if pattern.search(line)]
    assert found == []


@pytest.mark.parametrize("method, stored, name", [
    ("dots", {"budget": 2, "max_per_initiative": 3}, "max_per_initiative"),
    ("dots", {"budget": 0}, "budget"),
    ("dots", {"budget": True}, "budget"),
    ("matrix", {"trim": F(1, 2)}, "trim"),
    ("matrix", {"aggregate": "mode"}, "aggregate"),
    ("ranking", {"rule": "irv"}, "rule"),
    ("value_effort", {"value_min": 5, "value_max": 5}, "value_max"),
    ("value_effort", {"thresholds": "mean"}, "thresholds"),
    ("moscow", {"colour": 1}, "colour"),
])
def test_unusable_settings_name_the_setting(method, stored, name):
    assert [n for n, _ in rules.settings_problems(method, stored, 9)] == [name]
    with pytest.raises(SettingsError, match=name):
        rules.parse_settings(method, stored, 9)


def test_a_trim_of_one_half_is_refused_by_the_file_as_by_the_count():
    """On main the session file allowed trim 0.5 and the count refused it."""
    doc = {"format": "workshop-tui/session", "version": 1, "session": {"title": "t"},
           "initiatives": [{"key": "a", "title": "Alpha"}], "criteria": [{"key": "c", "name": "C"}],
           "rounds": [{"key": "r1", "method": "matrix", "settings": {"trim": F(1, 2)}}]}
    with pytest.raises(SessionFileError) as refused:
        build_workshop(doc)
    assert [p.path for p in refused.value.problems] == ["rounds[0].settings.trim"]


def test_messages_name_initiatives_and_criteria_by_title():
    verdict = rules.judge_ballot(rules.MatrixSettings(), CONTEXT, [Vote("p", "a", "staff", 6), Vote("p", "b", "pat", -1)])
    assert [p.message for p in verdict.problems] == [
        "Alpha: 'Staff benefit' score 6 is above the scale's maximum 5",
        "Beta: 'Patient benefit' score -1 is below the scale's minimum 0",
    ]
    assert [(p.entry, p.field, p.criterion) for p in verdict.problems] == [(0, "value", "staff"), (1, "value", "pat")]


def test_a_ballot_lists_every_reason():
    s = rules.DotsSettings(3, 2)
    verdict = rules.judge_ballot(s, CONTEXT, [Vote("p", "a", None, 3), Vote("p", "b", None, 2), Vote("p", "z", None, 1)])
    assert [p.rule for p in verdict.problems] == ["over_item_cap", "unknown_item", "over_budget"]


cells = st.one_of(
    st.tuples(st.just("dots"), st.sampled_from(sorted(ITEMS) + ["z"]), st.none(),
              st.one_of(st.integers(-2, 6), st.just(F(1, 2)), st.just(True))),
    st.tuples(st.just("matrix"), st.sampled_from(sorted(ITEMS)), st.sampled_from(["pat", "staff", "nope"]),
              st.one_of(st.integers(-2, 12), st.just(F(7, 2)), st.just("high"))),
    st.tuples(st.just("moscow"), st.sampled_from(sorted(ITEMS)), st.none(),
              st.sampled_from(["must", "S", "won't", "maybe", 4])),
    st.tuples(st.just("value_effort"), st.sampled_from(sorted(ITEMS)), st.sampled_from(["value", "effort"]),
              st.one_of(st.integers(-1, 7), st.just("lots"))),
)


@given(cells, st.integers(0, 3))
@settings(max_examples=300, deadline=None)
def test_a_cell_is_judged_in_the_words_the_whole_ballot_would_use(cell, spent):
    method, item, criterion, value = cell
    s = {"dots": rules.DotsSettings(4, 3), "matrix": rules.MatrixSettings(), "moscow": rules.MoscowSettings(),
         "value_effort": rules.ValueEffortSettings()}[method]
    if method == "value_effort":
        axis, criterion = criterion, None
        vote = Vote("p", item, None, value if axis == "value" else None, value if axis == "effort" else None)
    else:
        axis = "value"
        vote = Vote("p", item, criterion, value)
    spent = spent if method == "dots" else 0
    others = [Vote("p", "c", None, spent)] if spent and item != "c" else []
    cell_verdict = rules.judge_cell(s, CONTEXT, item, criterion, value, axis=axis,
                                    spent_elsewhere=spent if others else 0)
    ballot = rules.judge_ballot(s, CONTEXT, others + [vote])
    ballot_words = [p.message for p in ballot.problems]
    assert bool(cell_verdict.problems) == bool(ballot.problems)
    for p in cell_verdict.problems:
        assert p.message in ballot_words


def _matrix_ballot_entry_by_entry(ctx, votes):
    """The whole-ballot matrix judgement as it read before its common case was inlined:
    every entry through the general per-entry rule, duplicates found with one set."""
    from workshop_tui.domain.rules import judge

    problems, scores, seen = [], {}, set()
    for n, v in enumerate(votes):
        item = v.initiative
        if item is None or item not in ctx.initiatives:
            problems.append(judge._unknown_item(ctx, item, v.value, n))
            continue
        key = (item, v.criterion)
        if key in seen and v.criterion in ctx.criteria:
            problems.append(judge.BallotProblem(
                "duplicate_score", item, v.value, None,
                f"{ctx.item(item)} is scored more than once on '{ctx.criteria[v.criterion].name}'",
                v.criterion, n, "criterion"))
            continue
        seen.add(key)
        score, more = judge._matrix_entry(ctx, item, v.criterion, v.value, n)
        problems += more
        if score is not None:
            scores[key] = score
    return problems, scores


matrix_entries = st.lists(st.builds(
    lambda item, criterion, value: Vote("p", item, criterion, value),
    st.sampled_from(sorted(ITEMS) + ["z", None]),
    st.sampled_from(["pat", "staff", "nope", None]),
    st.one_of(st.integers(-2, 12), st.sampled_from([F(7, 2), F(4), F(11), F(-1), None, "high", True, 2.5])),
), max_size=14)


@given(matrix_entries)
@settings(max_examples=400, deadline=None)
def test_a_matrix_ballot_is_judged_as_entry_by_entry_whatever_it_holds(votes):
    # Its common case (a whole score in range, first time on the ballot) is taken inline
    # for speed; with duplicates, blanks, fractions, strings, unknown rows and columns
    # mixed in, the problems and the scores are those of the general rule.
    verdict = rules.judge_ballot(rules.MatrixSettings(), CONTEXT, votes)
    problems, scores = _matrix_ballot_entry_by_entry(CONTEXT, votes)
    assert list(verdict.problems) == problems
    assert verdict.content == scores and [type(x) for x in verdict.content.values()] == \
        [type(x) for x in scores.values()]
    assert list(verdict.content) == list(scores)
    assert verdict.blank == (not scores)
