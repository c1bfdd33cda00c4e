"""Members of a tie that fit whichever way the tie is settled (domain/selection.py).

``_fits_after_each`` judges every member at once (everyone's needs taken once, each
member's own share given back); it must say exactly what judging each member against a
ledger holding all the others' needs says (the rule as first written, kept here), for any
costs, bottleneck demands, shared prerequisites, bandwidth, stretch and budget.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from workshop_tui.domain.model import Bottleneck, Initiative
from workshop_tui.domain.selection import _fits_after_each, _Ledger

KEYS = [f"i{n}" for n in range(8)]
BOTTLENECKS = (Bottleneck("ig", "Information governance", 4), Bottleneck("an", "Analysts", 3))


def fits_after(ledger: _Ledger, key: str, need, others) -> bool:
    """Does ``key`` still fit once every other contender's needs are taken? (as first written)"""
    taken = set().union(*others) if others else set()
    shadow = ledger.copy()
    shadow.add(sorted(taken))
    return not shadow.shortfalls(key, sorted(set(need) - taken))


@st.composite
def cases(draw):
    by_key = {k: Initiative(k, k.upper(), cost=draw(st.one_of(st.none(), st.fractions(0, 10, max_denominator=4))),
                            demands={b.key: draw(st.integers(0, 3)) for b in BOTTLENECKS})
              for k in KEYS}
    ledger = _Ledger(by_key, BOTTLENECKS, draw(st.one_of(st.none(), st.integers(0, 8))),
                     draw(st.one_of(st.none(), st.integers(0, 30))))
    ledger.stretch = draw(st.integers(0, 2))
    ledger.add(draw(st.lists(st.sampled_from(KEYS), unique=True, max_size=3)))
    members = draw(st.lists(st.sampled_from(KEYS), unique=True, min_size=1, max_size=6))
    needs = {k: sorted({k} | set(draw(st.lists(st.sampled_from(KEYS), max_size=3)))) for k in members}
    return ledger, members, needs


@settings(max_examples=400, deadline=None)
@given(cases())
def test_each_member_is_judged_as_against_all_the_others_needs(case):
    ledger, members, needs = case
    before = (ledger.slots, ledger.cost, dict(ledger.use))
    expected = [k for k in members if fits_after(ledger, k, needs[k], [needs[o] for o in members if o != k])]
    assert _fits_after_each(ledger, members, needs) == expected
    assert (ledger.slots, ledger.cost, dict(ledger.use)) == before  # the ledger itself is untouched


def test_a_big_tie_is_judged_in_one_pass():
    by_key = {f"i{n}": Initiative(f"i{n}", f"I{n}", cost=Fraction(1)) for n in range(300)}
    ledger = _Ledger(by_key, (), 5, 1000)
    members = sorted(by_key)
    assert _fits_after_each(ledger, members, {k: [k] for k in members}) == []  # 300 never fit in 5 slots
