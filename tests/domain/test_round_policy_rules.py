"""The round policy's rules hold for any round (property tests)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from workshop_tui.domain import rounds as policy
from workshop_tui.domain.model import Round, SessionInfo, Vote, Workshop


@st.composite
def a_round(draw, key: str = "r1") -> Round:
    anonymous = draw(st.booleans())
    n = draw(st.integers(min_value=0, max_value=6))
    votes = tuple(Vote(ballot=f"b{i}", initiative="a", value=1) if anonymous else
                  Vote(participant=f"p{i}", initiative="a", value=1) for i in range(n))
    return Round(key, "dots", anonymous=anonymous, hidden=draw(st.booleans()), votes=votes,
                 status=draw(st.sampled_from(["open", "closed"])),
                 voted=tuple(f"p{i}" for i in range(n)) if anonymous else (),
                 min_group=draw(st.integers(min_value=2, max_value=6)))


@given(a_round())
def test_what_a_round_may_show(rnd):
    pub = policy.publication(rnd)
    if rnd.hidden:
        assert not (pub.results or pub.ballots or pub.voted) and "revealed" in pub.reason
    if rnd.anonymous:
        assert not pub.ballots  # a secret ballot is never published, in any order
        below = len(rnd.votes) < rnd.min_group
        assert pub.results == pub.voted == (not rnd.hidden and not below)
    if not rnd.hidden and not rnd.anonymous:
        assert pub.results and pub.ballots and pub.voted
    if not pub.results:
        assert pub.reason


@given(st.lists(a_round(), min_size=0, max_size=5), st.one_of(st.none(), st.integers(min_value=0, max_value=4)))
def test_default_and_plan_rounds_are_always_rounds_that_may_be_shown(rounds, pin):
    rounds = [Round(f"r{n + 1}", r.method, anonymous=r.anonymous, hidden=r.hidden, votes=r.votes, voted=r.voted,
                    min_group=r.min_group, status=r.status) for n, r in enumerate(rounds)]
    pinned = f"r{pin + 1}" if pin is not None else None
    w = Workshop(SessionInfo("t", plan_round=pinned), rounds=tuple(rounds))
    for key in (policy.default_round(w), policy.plan_round(w)):
        if key is not None:
            assert policy.is_shown(w.round(key)) and w.round(key).votes
    shown_with_votes = [r.key for r in rounds if policy.is_shown(r) and r.votes]
    assert policy.default_round(w) == (shown_with_votes[-1] if shown_with_votes else None)
    if pinned in shown_with_votes:
        assert policy.plan_round(w) == pinned
