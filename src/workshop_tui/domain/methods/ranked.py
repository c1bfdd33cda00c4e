"""Ranked ballots: pairwise counts, Borda, Condorcet, Copeland, Schulze (§3).

A ballot is a tuple of groups, best first; each group holds equally ranked
candidates. Candidates left off a ballot are tied below all ranked ones, so
partial ballots are valid. Every count derives from d[x][y], the number of
counted ballots ranking x strictly above y.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Mapping, Sequence

from workshop_tui.domain.numbers import competition_ranks, ranks_from_groups
from workshop_tui.domain.rules.settings import BORDA_VARIANTS, RANKING_RULES

Ballot = tuple[tuple[str, ...], ...]
RULES = RANKING_RULES


def pairwise(candidates: Sequence[str], ballots: Sequence[Ballot]) -> list[list[int]]:
    """d[x][y] (by index in ``candidates``): ballots ranking x strictly above y."""
    n = len(candidates)
    index = {c: k for k, c in enumerate(candidates)}
    d = [[0] * n for _ in range(n)]
    for ballot in ballots:
        ranked = [index[c] for g in ballot for c in g]
        below = sorted(set(range(n)).difference(ranked))
        # Walk groups from worst to best so "below" only grows.
        for group in reversed(ballot):
            idx = [index[c] for c in group]
            if below:
                for x in idx:
                    row = d[x]
                    for y in below:
                        row[y] += 1
            below.extend(idx)
    return d


def positions(ballot: Ballot, candidates: Sequence[str], variant: str = "averaged") -> dict[str, Fraction]:
    """One ballot's Borda points per candidate under ``variant`` (§3 Borda)."""
    m = len(candidates)
    ranked_count = sum(len(g) for g in ballot)
    points: dict[str, Fraction] = {}
    top = m - 1 if variant in ("averaged", "zero") else ranked_count
    used = 0
    for group in ballot:
        t = len(group)
        # Positions top-used .. top-used-t+1, averaged over the group.
        share = Fraction(2 * (top - used) - t + 1, 2)
        for c in group:
            points[c] = share
        used += t
    leftover = m - ranked_count
    unranked = Fraction(leftover - 1, 2) if variant == "averaged" and leftover else Fraction(0)
    for c in candidates:
        points.setdefault(c, unranked)
    return points


def borda(candidates: Sequence[str], ballots: Sequence[Ballot], variant: str = "averaged") -> dict[str, Fraction]:
    """Borda totals: positions m−1 … 0; variants averaged (default), zero, mbc."""
    if variant not in BORDA_VARIANTS:
        raise ValueError(f"unknown Borda variant {variant!r}")
    totals = {c: Fraction(0) for c in candidates}
    for ballot in ballots:
        for c, p in positions(ballot, candidates, variant).items():
            totals[c] += p
    return totals


def borda_from_pairwise(candidates: Sequence[str], d: list[list[int]], n_ballots: int) -> dict[str, Fraction]:
    """Closed form of averaged Borda: Σ_y d[c][y] + ½(N − d[c][y] − d[y][c])."""
    out = {}
    for x, c in enumerate(candidates):
        total = Fraction(0)
        for y in range(len(candidates)):
            if y != x:
                total += d[x][y] + Fraction(n_ballots - d[x][y] - d[y][x], 2)
        out[c] = total
    return out


@dataclass(frozen=True)
class Condorcet:
    winner: str | None
    weak_winners: tuple[str, ...]
    loser: str | None

    @property
    def summary(self) -> str:
        if self.winner is not None:
            return f"Condorcet winner: {self.winner}"
        return "no Condorcet winner"


def condorcet(candidates: Sequence[str], d: list[list[int]]) -> Condorcet:
    """Winner (beats all), weak winners (loses to none), loser (loses to all)."""
    n = len(candidates)
    winner = loser = None
    weak: list[str] = []
    if n == 0:
        return Condorcet(None, (), None)
    for x in range(n):
        others = [y for y in range(n) if y != x]
        if all(d[x][y] > d[y][x] for y in others):
            winner = candidates[x]
        if all(d[x][y] >= d[y][x] for y in others):
            weak.append(candidates[x])
        if others and all(d[x][y] < d[y][x] for y in others):
            loser = candidates[x]
    return Condorcet(winner, tuple(sorted(weak)), loser)


def copeland(candidates: Sequence[str], d: list[list[int]]) -> dict[str, int]:
    """net(x) = pairwise wins − pairwise losses (not Llull's 1/1/0)."""
    n = len(candidates)
    out = {}
    for x in range(n):
        row = d[x]
        net = 0
        for y in range(n):
            if y != x:
                if row[y] > d[y][x]:
                    net += 1
                elif row[y] < d[y][x]:
                    net -= 1
        out[candidates[x]] = net
    return out


def schulze_strengths(d: list[list[int]]) -> list[list[int]]:
    """Strongest-path strengths p[x][y] with winning votes as link strength.

    The spec's Floyd–Warshall loop (``schulze_strengths_floyd_warshall``) is
    O(n³); this computes the same widest paths by adding links strongest
    first and tracking reachability as bitsets: the first time y becomes
    reachable from x, the current link strength is the widest path x→y.
    """
    n = len(d)
    edges: list[tuple[int, int, int]] = []
    for x in range(n):
        dx = d[x]
        for y in range(n):
            if x != y and dx[y] > d[y][x]:
                edges.append((dx[y], x, y))
    edges.sort(reverse=True)
    p = [[0] * n for _ in range(n)]
    reach = [0] * n  # bit y of reach[x]: y reachable from x so far
    reached_by = [1 << x for x in range(n)]  # bit x of reached_by[y]: x reaches y (x reaches itself)
    for w, u, v in edges:
        if reach[u] >> v & 1:
            continue  # u already reaches v through stronger links: nothing new
        target = reach[v] | (1 << v)
        sources = reached_by[u]
        while sources:
            low = sources & -sources
            x = low.bit_length() - 1
            sources ^= low
            new = target & ~reach[x] & ~(1 << x)
            if not new:
                continue
            reach[x] |= new
            px = p[x]
            bit_x = 1 << x
            while new:
                lb = new & -new
                y = lb.bit_length() - 1
                new ^= lb
                px[y] = w
                reached_by[y] |= bit_x
    return p


def schulze_strengths_floyd_warshall(d: list[list[int]]) -> list[list[int]]:
    """The spec's loop verbatim (the reference the faster version is tested against)."""
    n = len(d)
    p = [[(d[x][y] if x != y and d[x][y] > d[y][x] else 0) for y in range(n)] for x in range(n)]
    for i in range(n):
        pi = p[i]
        for j in range(n):
            if j == i:
                continue
            pj = p[j]
            pji = pj[i]
            if not pji:
                continue
            for k in range(n):
                if k == i or k == j:
                    continue
                v = pi[k]
                if v > pji:
                    v = pji
                if v > pj[k]:
                    pj[k] = v
    return p


def schulze_layers(candidates: Sequence[str], p: list[list[int]]) -> tuple[tuple[str, ...], ...]:
    """Full Schulze ranking as layers (a weak order), ties declared.

    Repeatedly take every remaining candidate that no remaining candidate is
    better than. Because "better" is transitive, a candidate's layer is one
    more than the deepest layer among those better than it, which we compute
    in one pass ordered by how many candidates are better.
    """
    n = len(candidates)
    better_than = [[y for y in range(n) if y != x and p[y][x] > p[x][y]] for x in range(n)]
    layer = [0] * n
    for x in sorted(range(n), key=lambda k: len(better_than[k])):
        layer[x] = 1 + max((layer[y] for y in better_than[x]), default=-1)
    depth = max(layer, default=-1) + 1
    groups: list[list[str]] = [[] for _ in range(depth)]
    for x in range(n):
        groups[layer[x]].append(candidates[x])
    return tuple(tuple(sorted(g)) for g in groups if g)


def schulze_winners(candidates: Sequence[str], p: list[list[int]]) -> tuple[str, ...]:
    """Potential winners: x with p[x][y] ≥ p[y][x] for all y ≠ x."""
    n = len(candidates)
    return tuple(sorted(candidates[x] for x in range(n) if all(p[x][y] >= p[y][x] for y in range(n) if y != x)))


@dataclass(frozen=True)
class RankedOutcome:
    """The full result of one rule over counted ballots."""

    rule: str
    borda_variant: str | None
    scores: Mapping[str, Fraction]
    ranks: Mapping[str, int]
    groups: tuple[tuple[str, ...], ...]
    pairwise: list[list[int]]
    condorcet: Condorcet
    copeland: Mapping[str, int]
    schulze_winners: tuple[str, ...]
    tied_pairs: Mapping[tuple[str, str], tuple[int, int]]


def rank(candidates: Sequence[str], ballots: Sequence[Ballot], rule: str = "schulze", borda_variant: str = "averaged") -> RankedOutcome:
    """Rank candidates by ``rule``; Condorcet results are always computed.

    Scores: Borda points (borda), net pairwise wins (copeland), or for Schulze
    the number of candidates in lower layers (a positional score that keeps
    the ranking's order, used by the plan's optimiser).
    """
    if rule not in RULES:
        raise ValueError(f"unknown ranking rule {rule!r}")
    cands = sorted(candidates)
    d = pairwise(cands, ballots)
    cond = condorcet(cands, d)
    cope = copeland(cands, d)
    winners: tuple[str, ...] = ()
    if rule == "borda":
        scores = borda(cands, ballots, borda_variant)
        ranks, groups = competition_ranks(cands, key=lambda c: scores[c])
    elif rule == "copeland":
        scores = {c: Fraction(v) for c, v in cope.items()}
        ranks, groups = competition_ranks(cands, key=lambda c: scores[c])
    else:
        p = schulze_strengths(d)
        winners = schulze_winners(cands, p)
        ranks, groups = ranks_from_groups(schulze_layers(cands, p))
        below = len(cands)
        scores = {}
        for g in groups:
            below -= len(g)
            for c in g:
                scores[c] = Fraction(below)
    index = {c: k for k, c in enumerate(cands)}
    tied_pairs = {}
    for g in groups:
        if len(g) == 2:  # an exact two-way tie: show d between the pair
            a, b = g
            tied_pairs[(a, b)] = (d[index[a]][index[b]], d[index[b]][index[a]])
    return RankedOutcome(rule, borda_variant if rule == "borda" else None, scores, ranks, groups, d, cond, cope, winners, tied_pairs)
