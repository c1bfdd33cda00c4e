from fractions import Fraction as F

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_tui.domain.methods.ranked import (
    borda,
    borda_from_pairwise,
    condorcet,
    pairwise,
    positions,
    rank,
    schulze_strengths,
    schulze_strengths_floyd_warshall,
)

from workshop_tui.domain import rules
from workshop_tui.domain.model import Vote

C5 = ["A", "B", "C", "D", "E"]


def _judge(ranking, candidates=C5):
    return rules.judge_ballot(rules.RankingSettings(), rules.Context({c: c for c in candidates}),
                              [Vote("p", ranking=ranking)])


@pytest.mark.parametrize(
    "variant, expected",
    [("averaged", [4, F(5, 2), F(5, 2), F(1, 2), F(1, 2)]), ("zero", [4, F(5, 2), F(5, 2), 0, 0]), ("mbc", [3, F(3, 2), F(3, 2), 0, 0])],
)
def test_borda_worked_example(variant, expected):
    ballot = (("A",), ("B", "C"))
    pts = positions(ballot, C5, variant)
    assert [pts[c] for c in C5] == expected


def test_the_rule_book_reads_strings_and_groups_and_spots_empties():
    verdict = _judge(("A", ("B", "C")))
    assert verdict.content == (("A",), ("B", "C")) and verdict.ok
    assert _judge(()).blank and _judge(None).blank
    assert [p.rule for p in _judge(("A", ())).problems] == ["empty_group"]


def test_unknown_and_duplicate_candidates_are_all_reported():
    problems = _judge((("A", "Z"), ("A",))).problems
    assert [(p.rule, p.item) for p in problems] == [("unknown_item", "Z"), ("duplicate_item", "A")]


def test_pairwise_treats_unranked_as_tied_below():
    d = pairwise(["A", "B", "C"], [(("A",),)])
    assert d == [[0, 1, 1], [0, 0, 0], [0, 0, 0]]


def test_condorcet_cycle_has_no_winner_and_copeland_nets_zero():
    ballots = [(("A",), ("B",), ("C",)), (("B",), ("C",), ("A",)), (("C",), ("A",), ("B",))]
    out = rank(["A", "B", "C"], ballots, "copeland")
    assert out.condorcet.winner is None and out.condorcet.summary == "no Condorcet winner"
    assert out.copeland == {"A": 0, "B": 0, "C": 0}
    assert out.groups == (("A", "B", "C"),)
    s = rank(["A", "B", "C"], ballots, "schulze")
    assert s.groups == (("A", "B", "C"),) and s.ranks == {"A": 1, "B": 1, "C": 1}


def test_schulze_wikipedia_example():
    # The classic 45-voter example: E > A > C > B > D.
    spec = [(5, "ACBED"), (5, "ADECB"), (8, "BEDAC"), (3, "CABED"), (7, "CAEBD"), (2, "CBADE"), (7, "DCEBA"), (8, "EBADC")]
    ballots = [tuple((c,) for c in order) for k, order in spec for _ in range(k)]
    out = rank(list("ABCDE"), ballots, "schulze")
    assert out.groups == (("E",), ("A",), ("C",), ("B",), ("D",))
    assert out.schulze_winners == ("E",)
    assert out.scores["E"] == 4 and out.scores["D"] == 0


def test_single_voter_schulze_follows_the_ballot():
    out = rank(C5, [(("C",), ("A", "B"))], "schulze")
    assert out.groups == (("C",), ("A", "B"), ("D", "E"))
    assert out.ranks == {"C": 1, "A": 2, "B": 2, "D": 4, "E": 4}
    assert out.tied_pairs == {("A", "B"): (0, 0), ("D", "E"): (0, 0)}


def test_no_ballots_ties_everyone():
    out = rank(C5, [], "borda")
    assert out.groups == (tuple(C5),)
    assert out.condorcet.winner is None


def test_condorcet_weak_winners_and_loser():
    d = pairwise(["A", "B", "C"], [(("A", "B"), ("C",))])
    c = condorcet(["A", "B", "C"], d)
    assert c.winner is None and c.weak_winners == ("A", "B") and c.loser == "C"


# --------------------------------------------------------------- properties

cands = st.lists(st.sampled_from("ABCDEFG"), min_size=2, max_size=7, unique=True)


@st.composite
def elections(draw):
    cs = sorted(draw(cands))
    n = draw(st.integers(0, 12))
    ballots = []
    for _ in range(n):
        order = draw(st.permutations(cs))
        k = draw(st.integers(1, len(cs)))
        cuts = sorted(draw(st.sets(st.integers(1, k - 1), max_size=k - 1))) if k > 1 else []
        groups, prev = [], 0
        for cut in cuts + [k]:
            groups.append(tuple(order[prev:cut]))
            prev = cut
        ballots.append(tuple(groups))
    return cs, ballots


@given(elections())
@settings(max_examples=150, deadline=None)
def test_schulze_winner_is_the_condorcet_winner_when_one_exists(e):
    cs, ballots = e
    out = rank(cs, ballots, "schulze")
    if out.condorcet.winner is not None:
        assert out.groups[0] == (out.condorcet.winner,)


@given(elections())
@settings(max_examples=150, deadline=None)
def test_fast_schulze_matches_the_floyd_warshall_loop(e):
    cs, ballots = e
    d = pairwise(cs, ballots)
    assert schulze_strengths(d) == _offdiag(schulze_strengths_floyd_warshall(d))


def _offdiag(p):
    return [[0 if i == j else v for j, v in enumerate(row)] for i, row in enumerate(p)]


@given(elections())
@settings(max_examples=150, deadline=None)
def test_borda_closed_form_equals_direct_count(e):
    cs, ballots = e
    assert borda(cs, ballots, "averaged") == borda_from_pairwise(cs, pairwise(cs, ballots), len(ballots))


@given(elections(), st.randoms(use_true_random=False), st.sampled_from(["schulze", "borda", "copeland"]))
@settings(max_examples=100, deadline=None)
def test_shuffling_ballots_changes_nothing(e, rnd, rule):
    cs, ballots = e
    shuffled = list(ballots)
    rnd.shuffle(shuffled)
    a, b = rank(cs, ballots, rule), rank(list(reversed(cs)), shuffled, rule)
    assert (a.ranks, a.groups, a.scores) == (b.ranks, b.groups, b.scores)
