"""Voting: rounds, live votes, secret ballots, abstentions and undo.

Every public function (and every ``RoundDesk`` method that changes data) is
one user action and one committed transaction. ``RoundDesk`` keeps a running
index of one round's votes so that a vote is checked in constant time: the
facilitator types a number and it is validated, committed and shown without
reloading the whole workshop. The desk is rebuilt from the database whenever
the screen reloads, so the database stays the source of truth.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

from sqlalchemy.exc import IntegrityError

from workshop_tui.domain import model as m
from workshop_tui.domain import rounds as round_policy
from workshop_tui.domain.methods import dots as dots_m
from workshop_tui.domain.methods import matrix as matrix_m
from workshop_tui.domain.methods import moscow as moscow_m
from workshop_tui.domain.methods import ranked as ranked_m
from workshop_tui.domain.methods import value_effort as ve_m
from workshop_tui.domain.methods.problems import SettingsError
from workshop_tui.domain.numbers import display
from workshop_tui.services.unit_of_work import reading, write
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database

VOTING_METHODS = ("dots", "matrix", "ranking", "value_effort", "moscow")
LIVE_CHANNELS = ("facilitator", "paper")


class VotingError(ValueError):
    """A vote or a round change that was refused; the message is for people."""


# -- rounds -----------------------------------------------------------------

def default_settings(method: str, n_initiatives: int) -> dict[str, object]:
    """Each method's settings with METHODS.md's defaults written out, so the
    round records exactly what produced its result."""
    if method == "dots":
        budget = dots_m.default_budget(n_initiatives)
        return {"budget": budget, "max_per_initiative": min(3, budget), "must_spend_all": False}
    if method == "matrix":
        return {"normalisation": "minmax", "aggregate": "mean", "order": "total_first"}
    if method == "ranking":
        return {"rule": "schulze", "borda_variant": "averaged"}
    if method == "value_effort":
        return {"thresholds": "midpoint", "value_min": 1, "value_max": 5, "effort_min": 1, "effort_max": 5}
    if method == "moscow":
        return {}
    raise VotingError(f"Unknown voting method {method!r}.")


def check_settings(method: str, settings: Mapping[str, object], workshop: m.Workshop) -> None:
    """Refuse settings the engine could not use, in plain words."""
    try:
        if method == "dots":
            dots_m.dots_settings(len(workshop.initiatives), settings)
        elif method == "matrix":
            matrix_m.matrix_settings(settings)
            matrix_m.check_criteria(workshop.scored_criteria)
        elif method == "ranking":
            if settings.get("rule", "schulze") not in ranked_m.RULES:
                raise SettingsError(f"the rule must be one of {', '.join(ranked_m.RULES)}")
        elif method == "value_effort":
            s = ve_m.value_effort_settings(settings)
            if s.value_min >= s.value_max or s.effort_min >= s.effort_max:
                raise SettingsError("each scale's lowest value must be below its highest")
    except SettingsError as exc:
        raise VotingError(f"Those settings cannot be used: {exc}.") from None


def _voting_rounds(workshop: m.Workshop) -> int:
    """How many rounds people have voted in (the round policy's voting rounds)."""
    return len(round_policy.voting_rounds(workshop))


def _next_round_key(workshop: m.Workshop) -> str:
    # Gate sheets share the session file's round keys (they are written as "gates" rounds).
    used = {r.key for r in workshop.rounds} | {g.key for g in workshop.gate_sheets}
    n = _voting_rounds(workshop) + 1
    while f"r{n}" in used:
        n += 1
    return f"r{n}"


def create_round(db: Database, session_id: int, *, method: str, title: str = "",
                 settings: Mapping[str, object] | None = None, anonymous: bool = False,
                 hidden: bool = False, min_group: int = round_policy.MIN_GROUP_DEFAULT) -> str:
    """Create a round, open for votes at once; returns its key.

    ``min_group``: a secret round with fewer ballots shows neither results nor who voted.
    """
    if method not in VOTING_METHODS:
        raise VotingError(f"Choose one of: {', '.join(m.METHOD_LABELS[x] for x in VOTING_METHODS)}.")

    if not round_policy.MIN_GROUP_LOWEST <= min_group <= 1000:
        raise VotingError(f"The minimum group is a number of ballots from {round_policy.MIN_GROUP_LOWEST} to 1000.")

    def work(s):
        workshop = repo.load_workshop(s, session_id)
        if not workshop.initiatives:
            raise VotingError("Add some initiatives before voting on them.")
        full = {**default_settings(method, len(workshop.initiatives)), **dict(settings or {})}
        check_settings(method, full, workshop)
        key = _next_round_key(workshop)
        name = title.strip() or f"{m.METHOD_LABELS[method]} (round {_voting_rounds(workshop) + 1})"
        repo.save_round(s, session_id, m.Round(key=key, method=method, title=name, settings=full, status="open",
                                               anonymous=anonymous, hidden=hidden, min_group=min_group))
        repo.audit(s, session_id, "round.create", round=key, method=method, anonymous=anonymous, hidden=hidden,
                   min_group=min_group)
        repo.touch(s, session_id)
        return key

    return write(db, work)


def _set_round(db: Database, session_id: int, key: str, audit: str, **changes) -> None:
    def work(s):
        workshop = repo.load_workshop(s, session_id)
        rnd = _round(workshop, key)
        repo.save_round(s, session_id, dataclasses.replace(rnd, **changes))
        repo.audit(s, session_id, audit, round=key)
        repo.touch(s, session_id)

    write(db, work)


def close_round(db: Database, session_id: int, key: str) -> None:
    """No more votes; the result stays hidden if the round hides results."""
    _set_round(db, session_id, key, "round.close", status="closed")


def reopen_round(db: Database, session_id: int, key: str) -> None:
    _set_round(db, session_id, key, "round.reopen", status="open")


def reveal_round(db: Database, session_id: int, key: str) -> None:
    """Show the round's results (closing it first: a revealed round takes no votes).

    The plan stays on the round it was made from: if the facilitator had not
    pinned one, the round the plan was using is pinned now, in the same
    transaction, so the reveal cannot move the plan (``choices.switch_offer``
    says what switching would change; only the facilitator switches).
    """

    def work(s):
        workshop = repo.load_workshop(s, session_id)
        rnd = _round(workshop, key)
        row = repo.get_session_row(s, session_id)
        if row.plan_round is None:
            row.plan_round = round_policy.plan_round(workshop)
            s.add(row)
        repo.save_round(s, session_id, dataclasses.replace(rnd, status="closed", hidden=False))
        repo.audit(s, session_id, "round.reveal", round=key)
        repo.touch(s, session_id)

    write(db, work)


def delete_round(db: Database, session_id: int, key: str) -> None:
    def work(s):
        repo.delete_round(s, session_id, key)
        repo.audit(s, session_id, "round.delete", round=key)
        repo.touch(s, session_id)

    write(db, work)


def _round(workshop: m.Workshop, key: str) -> m.Round:
    try:
        return workshop.round(key)
    except KeyError:
        raise VotingError(f"There is no round {key!r} in this session.") from None


# -- the rules of one round, for checking a vote as it is typed ---------------

@dataclass(frozen=True)
class Rules:
    """What a valid vote in this round looks like (METHODS.md §1–4)."""

    method: str
    budget: int | None = None
    cap: int | None = None
    must_spend_all: bool = False
    value_range: tuple[Fraction, Fraction] | None = None
    effort_range: tuple[Fraction, Fraction] | None = None
    criteria: Mapping[str, m.Criterion] = dataclasses.field(default_factory=dict)

    @classmethod
    def of(cls, workshop: m.Workshop, rnd: m.Round) -> "Rules":
        if rnd.method == "dots":
            s = dots_m.dots_settings(len(workshop.initiatives), rnd.settings)
            return cls("dots", budget=s.budget, cap=s.max_per_initiative, must_spend_all=s.must_spend_all)
        if rnd.method == "matrix":
            return cls("matrix", criteria={c.key: c for c in workshop.scored_criteria})
        if rnd.method == "value_effort":
            s = ve_m.value_effort_settings(rnd.settings)
            return cls("value_effort", value_range=(s.value_min, s.value_max), effort_range=(s.effort_min, s.effort_max))
        return cls(rnd.method)

    def score_range(self, criterion: str | None, axis: str = "value") -> tuple[Fraction, Fraction] | None:
        """The allowed range for a typed number (None: not a number cell)."""
        if self.method == "dots":
            return (Fraction(0), Fraction(self.cap or 0))
        if self.method == "matrix" and criterion in self.criteria:
            c = self.criteria[criterion]
            return (c.min, c.max)
        if self.method == "value_effort":
            return self.effort_range if axis == "effort" else self.value_range
        return None

    def check_cell(self, initiative: str, criterion: str | None, value: object, *, spent_elsewhere: int = 0,
                   axis: str = "value") -> object:
        """The stored value for one typed entry, or VotingError with a plain reason."""
        if self.method == "dots":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise VotingError("Dots are whole numbers: 0, 1, 2 …")
            if self.cap is not None and value > self.cap:
                raise VotingError(f"At most {self.cap} dots on one initiative.")
            if self.budget is not None and spent_elsewhere + value > self.budget:
                left = self.budget - spent_elsewhere
                raise VotingError(f"Only {left} of the {self.budget} dots left for this person.")
            return value
        if self.method == "moscow":
            word = moscow_m.parse(value)
            if word is None:
                raise VotingError("Type M (must), S (should), C (could) or W (won't).")
            return word
        if self.method in ("matrix", "value_effort"):
            if self.method == "matrix" and criterion not in self.criteria:
                raise VotingError("Choose a scored criterion.")
            try:
                number = Fraction(value) if not isinstance(value, bool) else None
            except (TypeError, ValueError):
                number = None
            if number is None:
                raise VotingError("Type a number.")
            lo, hi = self.score_range(criterion, axis)  # type: ignore[misc]
            if not lo <= number <= hi:
                raise VotingError(f"Scores here run from {display(lo)} to {display(hi)}.")
            return number
        raise VotingError("This kind of round does not take a single score.")


def parse_ranking(text_by_item: Mapping[str, int | None]) -> m.RankingBallot | None:
    """Positions typed per initiative (1 = best, equal numbers = a tie) as a ballot."""
    positions: dict[int, list[str]] = {}
    for item, pos in text_by_item.items():
        if pos is not None:
            if pos < 1:
                raise VotingError("Positions start at 1 (the best).")
            positions.setdefault(pos, []).append(item)
    if not positions:
        return None
    return tuple(tuple(sorted(g)) if len(g) > 1 else g[0] for _, g in sorted(positions.items()))


def ranking_positions(ballot: m.RankingBallot | None) -> dict[str, int]:
    """The inverse of ``parse_ranking``: each ranked initiative's position (1 = best)."""
    out: dict[str, int] = {}
    for n, entry in enumerate(ballot or (), start=1):
        for item in (entry,) if isinstance(entry, str) else entry:
            out[item] = n
    return out


# -- the desk: one round, votes checked against a running index -----------------

Cell = tuple[str, str, "str | None"]  # participant, initiative, criterion


@dataclass(frozen=True)
class Entry:
    """One change the desk made, kept so it can be undone."""

    cell: Cell
    before: m.Vote | None
    vote_id: int | None


class RoundDesk:
    """One round's votes in memory, for live entry and quick checks.

    Named votes only: in a secret-ballot round the desk knows who has voted,
    never what. ``history`` holds this app's own entries, newest last, so
    "undo" removes exactly the last vote typed here.
    """

    def __init__(self, db: Database, session_id: int, workshop: m.Workshop, round_key: str) -> None:
        self.db = db
        self.session_id = session_id
        self.history: list[Entry] = []
        # The next named vote id, seeded from the database; checked by the insert itself.
        self._next_id: int | None = None
        self.refresh(workshop, round_key)
        with reading(db) as s:
            self._ids = repo.round_ids(s, session_id, self.round_key)
            self._next_id = repo.next_vote_id(s)

    def refresh(self, workshop: m.Workshop, round_key: str | None = None) -> None:
        self.round_key = round_key or self.round_key
        self.workshop = workshop
        # Row ids are looked up again (inside the next vote's transaction) after a reload.
        self._ids: repo.RoundIds | None = None
        self.round = _round(workshop, self.round_key)
        self.rules = Rules.of(workshop, self.round)
        self.participants = {p.key: p for p in workshop.participants}
        self.initiatives = {i.key: i for i in workshop.initiatives}
        self.cells: dict[Cell, m.Vote] = {}
        self.spent: dict[str, int] = {}
        self.rankings: dict[str, m.Vote] = {}
        for v in self.round.votes:
            if v.participant is None:
                continue
            if v.ranking is not None:
                self.rankings[v.participant] = v
            elif v.initiative is not None:
                self.cells[(v.participant, v.initiative, v.criterion)] = v
                if self.round.method == "dots" and isinstance(v.value, int):
                    self.spent[v.participant] = self.spent.get(v.participant, 0) + v.value
        voters = {v.participant for v in self.round.votes if v.participant}
        self.voted = set(self.round.voted) | voters
        self.abstained = set(self.round.abstained)

    # -- what the screen shows ----------------------------------------------------
    def value(self, participant: str, initiative: str, criterion: str | None = None) -> m.Vote | None:
        return self.cells.get((participant, initiative, criterion))

    def remaining(self, participant: str) -> int | None:
        """Dots this person has left (None when the round has no budget)."""
        if self.rules.budget is None:
            return None
        return self.rules.budget - self.spent.get(participant, 0)

    def not_voted(self) -> list[str]:
        return [k for k in self.participants if k not in self.voted and k not in self.abstained]

    def status(self, participant: str) -> str:
        if participant in self.abstained:
            return "abstained"
        return "voted" if participant in self.voted else "not yet"

    # -- live entry ---------------------------------------------------------
    def _check_open(self) -> None:
        if self.round.status != "open":
            raise VotingError("This round is closed. Reopen it (o) to take more votes.")
        if self.round.anonymous:
            raise VotingError("This is a secret ballot: votes are cast privately on the laptop (p).")

    def _check_person(self, participant: str) -> None:
        if participant not in self.participants:
            raise VotingError(f"{participant!r} is not a participant in this session.")
        if participant in self.abstained:
            raise VotingError(f"{self.participants[participant].name} is marked as abstaining; press a to undo that first.")

    def cast(self, participant: str, initiative: str, criterion: str | None, value: object, *,
             channel: str = "facilitator", axis: str = "value") -> m.Vote | None:
        """Enter (or change, or with None clear) one vote, committed at once.

        Returns the stored vote (None when the cell is now empty).
        """
        self._check_open()
        self._check_person(participant)
        if channel not in LIVE_CHANNELS:
            raise VotingError(f"Live votes come from the facilitator or paper cards, not {channel!r}.")
        if initiative not in self.initiatives:
            raise VotingError(f"{initiative!r} is not an initiative in this session.")
        if self.round.method == "ranking":
            raise VotingError("A ranking is entered as a whole ballot.")
        cell: Cell = (participant, initiative, criterion)
        before = self.cells.get(cell)
        vote = self._new_vote(cell, before, value, channel, axis)
        vote_id = self._commit(cell, vote, audit={"value": _plain(value), "channel": channel})
        self._remember(cell, before, vote)
        self.history.append(Entry(cell, before, vote_id))
        return vote

    def _new_vote(self, cell: Cell, before: m.Vote | None, value: object, channel: str, axis: str) -> m.Vote | None:
        participant, initiative, criterion = cell
        if self.round.method == "value_effort":
            current_v = before.value if before else None
            current_e = before.effort if before else None
            checked = None if value is None else self.rules.check_cell(initiative, criterion, value, axis=axis)
            new_v, new_e = (current_v, checked) if axis == "effort" else (checked, current_e)
            if new_v is None and new_e is None:
                return None
            return m.Vote(participant=participant, initiative=initiative, value=new_v, effort=new_e, channel=channel)
        if value is None or (self.round.method == "dots" and value == 0):
            return None
        spent = self.spent.get(participant, 0) - (before.value if before and isinstance(before.value, int) else 0)
        checked = self.rules.check_cell(initiative, criterion, value, spent_elsewhere=spent)
        return m.Vote(participant=participant, initiative=initiative, criterion=criterion, value=checked,
                      channel=channel)

    def _commit(self, cell: Cell, vote: m.Vote | None, *, audit: dict) -> int | None:
        """One transaction: delete the cell's vote, insert the new one, one audit row.

        Uses the row ids kept by the desk (looked up again when a key is missing)
        and the desk's own vote id counter. If the insert clashes (another process
        wrote votes, or a cached row id went stale) the transaction is rolled back
        and retried once with the ids and the next vote id read afresh.
        """
        participant, initiative, criterion = cell
        detail = dict(round=self.round_key, participant=participant, initiative=initiative,
                      criterion=criterion, **audit)
        action = "vote.cast" if vote else "vote.clear"

        def work(s):
            ids = self._ids
            if ids is None or not _has_cell(ids, cell):
                ids = repo.round_ids(s, self.session_id, self.round_key)
            if not _has_cell(ids, cell):
                missing = participant if participant not in ids.participants else (
                    initiative if initiative not in ids.initiatives else criterion)
                raise repo.NotFound(f"{missing!r} is not in this session.")
            next_id = self._next_id if self._next_id is not None else repo.next_vote_id(s)
            vote_id = next_id if vote is not None else None
            repo.replace_named_vote(
                s, round_id=ids.round, participant_id=ids.participants[participant],
                initiative_id=ids.initiatives[initiative],
                criterion_id=None if criterion is None else ids.criteria[criterion],
                vote_id=vote_id, vote=vote)
            repo.audit_now(s, self.session_id, action, **detail)
            return ids, vote_id, next_id + (vote is not None)

        for attempt in range(2):
            try:
                ids, vote_id, next_id = write(self.db, work)
            except IntegrityError:
                if attempt:
                    raise
                self._ids = None
                self._next_id = None
                continue
            self._ids, self._next_id = ids, next_id
            return vote_id
        raise AssertionError("unreachable")

    def _remember(self, cell: Cell, before: m.Vote | None, vote: m.Vote | None) -> None:
        participant = cell[0]
        if self.round.method == "dots":
            old = before.value if before and isinstance(before.value, int) else 0
            new = vote.value if vote and isinstance(vote.value, int) else 0
            self.spent[participant] = self.spent.get(participant, 0) - old + new
        if vote is None:
            self.cells.pop(cell, None)
        else:
            self.cells[cell] = vote
            self.voted.add(participant)

    def undo(self) -> Cell | None:
        """Put back what the last vote typed here replaced; returns the cell."""
        if not self.history:
            return None
        self._check_open()
        entry = self.history.pop()
        if entry.cell[1] == "":  # a whole ranking ballot
            self._commit_ranking(entry.cell[0], entry.before, audit_name="vote.undo")
            self._remember_ranking(entry.cell[0], entry.before)
            return entry.cell
        current = self.cells.get(entry.cell)
        self._commit(entry.cell, entry.before, audit={"undo": True, "vote_id": entry.vote_id})
        self._remember(entry.cell, current, entry.before)
        return entry.cell

    # -- a whole ranking, for ranking rounds entered by the facilitator ---------------
    def ranking_of(self, participant: str) -> m.RankingBallot | None:
        vote = self.rankings.get(participant)
        return vote.ranking if vote else None

    def set_ranking(self, participant: str, ballot: m.RankingBallot | None, *, channel: str = "facilitator") -> None:
        self._check_open()
        self._check_person(participant)
        if ballot is not None:
            problems = ranked_m.validate_ballot(ranked_m.normalise_ballot(ballot)[0] or (), self.initiatives)
            if problems:
                raise VotingError(problems[0].message)
        before = self.rankings.get(participant)
        vote = None if ballot is None else m.Vote(participant=participant, ranking=ballot, channel=channel)
        self._commit_ranking(participant, vote, audit_name="vote.rank")
        self._remember_ranking(participant, vote)
        self.history.append(Entry((participant, "", None), before, None))

    def _commit_ranking(self, participant: str, vote: m.Vote | None, *, audit_name: str) -> None:
        def work(s):
            repo.delete_votes(s, self.session_id, self.round_key, participant=participant)
            if vote is not None:
                repo.add_votes(s, self.session_id, self.round_key, [vote], anonymous=False)
            repo.audit(s, self.session_id, audit_name, round=self.round_key, participant=participant)

        write(self.db, work)

    def _remember_ranking(self, participant: str, vote: m.Vote | None) -> None:
        if vote is None:
            self.rankings.pop(participant, None)
        else:
            self.rankings[participant] = vote
            self.voted.add(participant)

    # -- abstaining -----------------------------------------------------------
    def abstain(self, participant: str, on: bool = True) -> None:
        """Mark (or unmark) someone as not voting in this round."""
        if participant not in self.participants:
            raise VotingError(f"{participant!r} is not a participant in this session.")
        if on and participant in self.voted:
            raise VotingError(f"{self.participants[participant].name} has already voted in this round.")
        set_abstained(self.db, self.session_id, self.round_key, participant, on)
        (self.abstained.add if on else self.abstained.discard)(participant)

    # -- private ballots ------------------------------------------------------
    def check_ballot(self, participant: str, entries: Iterable[m.Vote]) -> list[m.Vote]:
        return _check_ballot(self.workshop, self.round, participant, list(entries))

    def submit(self, participant: str, entries: Iterable[m.Vote]) -> None:
        submit_ballot(self.db, self.session_id, self.round_key, participant, entries)
        self.voted.add(participant)


def _has_cell(ids: repo.RoundIds, cell: Cell) -> bool:
    participant, initiative, criterion = cell
    return (participant in ids.participants and initiative in ids.initiatives
            and (criterion is None or criterion in ids.criteria))


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Fraction) else value


# -- functions for one action each (the desk uses some; the CLI and tests may too) --

def set_abstained(db: Database, session_id: int, round_key: str, participant: str, on: bool = True) -> None:
    def work(s):
        repo.set_voter(s, session_id, round_key, participant, "abstained" if on else None)
        repo.audit(s, session_id, "round.abstain" if on else "round.unabstain", round=round_key,
                   participant=participant)

    write(db, work)


def _check_ballot(workshop: m.Workshop, rnd: m.Round, participant: str, entries: list[m.Vote]) -> list[m.Vote]:
    """Validate a whole private ballot; returns its votes (blank cells dropped)."""
    if rnd.status != "open":
        raise VotingError("This round is closed; ballots can no longer be cast.")
    if participant not in {p.key for p in workshop.participants}:
        raise VotingError(f"{participant!r} is not a participant in this session.")
    if participant in rnd.abstained:
        raise VotingError("This person is marked as abstaining in this round.")
    if participant in rnd.voted or any(v.participant == participant for v in rnd.votes):
        raise VotingError("This person has already voted in this round.")
    rules = Rules.of(workshop, rnd)
    items = {i.key for i in workshop.initiatives}
    out: list[m.Vote] = []
    spent = 0
    for v in entries:
        if rnd.method == "ranking":
            if v.ranking:
                problems = ranked_m.validate_ballot(ranked_m.normalise_ballot(v.ranking)[0] or (), items)
                if problems:
                    raise VotingError(problems[0].message)
                out.append(v)
            continue
        if v.initiative not in items:
            raise VotingError(f"{v.initiative!r} is not an initiative in this session.")
        if rnd.method == "value_effort":
            value = None if v.value is None else rules.check_cell(v.initiative, None, v.value)
            effort = None if v.effort is None else rules.check_cell(v.initiative, None, v.effort, axis="effort")
            if value is not None or effort is not None:
                out.append(dataclasses.replace(v, value=value, effort=effort))
            continue
        if v.value is None or (rnd.method == "dots" and v.value == 0):
            continue
        value = rules.check_cell(v.initiative, v.criterion, v.value, spent_elsewhere=spent)
        if rnd.method == "dots":
            spent += value  # type: ignore[operator]
        out.append(dataclasses.replace(v, value=value))
    if rules.must_spend_all and rules.budget and 0 < spent < rules.budget:
        raise VotingError(f"All {rules.budget} dots must be placed; {rules.budget - spent} are left.")
    return out


def submit_ballot(db: Database, session_id: int, round_key: str, participant: str, entries: Iterable[m.Vote]) -> int:
    """Cast one private ballot whole, in one transaction; returns the number of votes.

    In a secret-ballot round the votes carry a fresh random ballot id and no
    name; the person appears only in the list of who has voted. The audit log
    records that a ballot was cast, never by whom.
    """
    entries = list(entries)

    def work(s):
        workshop = repo.load_workshop(s, session_id)
        rnd = _round(workshop, round_key)
        votes = _check_ballot(workshop, rnd, participant, entries)
        if not votes and not rnd.anonymous:
            raise VotingError("Nothing was entered. To not vote, ask the facilitator to mark you as abstaining.")
        if rnd.anonymous:
            ballot = secrets.token_hex(6)
            votes = [dataclasses.replace(v, participant=None, ballot=ballot, channel="private") for v in votes]
        else:
            votes = [dataclasses.replace(v, participant=participant, ballot=None, channel="private") for v in votes]
        repo.add_votes(s, session_id, round_key, votes, anonymous=rnd.anonymous)
        if rnd.anonymous:
            # Only secret-ballot rounds keep who voted apart from the votes.
            repo.set_voter(s, session_id, round_key, participant, "voted")
            repo.audit(s, session_id, "ballot.cast", round=round_key)
        else:
            repo.audit(s, session_id, "ballot.cast", round=round_key, participant=participant)
        repo.touch(s, session_id)
        return len(votes)

    return write(db, work)


def not_voted(db: Database, session_id: int, round_key: str) -> list[str]:
    """Participants who have neither voted nor abstained in the round."""
    with reading(db) as s:
        workshop = repo.load_workshop(s, session_id)
    rnd = _round(workshop, round_key)
    done = set(rnd.voted) | set(rnd.abstained) | {v.participant for v in rnd.votes if v.participant}
    return [p.key for p in workshop.participants if p.key not in done]


def open_desk(db: Database, session_id: int, round_key: str, workshop: m.Workshop | None = None) -> RoundDesk:
    if workshop is None:
        with reading(db) as s:
            workshop = repo.load_workshop(s, session_id)
    return RoundDesk(db, session_id, workshop, round_key)
