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
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

from workshop_tui.domain import model as m
from workshop_tui.domain import rounds as round_policy
from workshop_tui.domain import rules
from workshop_tui.domain.methods import matrix as matrix_m
from workshop_tui.domain.methods.problems import BallotProblem, SettingsError
from workshop_tui.services.unit_of_work import reading, use_case
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database

VOTING_METHODS = ("dots", "matrix", "ranking", "value_effort", "moscow")
LIVE_CHANNELS = ("facilitator", "paper")


class VotingError(ValueError):
    """A vote or a round change that was refused; the message is for people."""


# -- rounds -----------------------------------------------------------------

def default_settings(method: str, n_initiatives: int) -> dict[str, object]:
    """Each method's settings with METHODS.md's defaults written out (the rule book's),
    so the round records exactly what produced its result."""
    if method not in VOTING_METHODS:
        raise VotingError(f"Unknown voting method {method!r}.")
    return rules.written_out(method, n_initiatives)


def check_settings(method: str, settings: Mapping[str, object], workshop: m.Workshop) -> None:
    """Refuse settings the engine could not use, in plain words (the rule book decides)."""
    problems = [f"{name}: {message}" for name, message in
                rules.settings_problems(method, settings, len(workshop.initiatives))]
    if method == "matrix":
        try:
            matrix_m.check_criteria(workshop.scored_criteria)
        except SettingsError as exc:
            problems.append(str(exc))
    if problems:
        raise VotingError(f"Those settings cannot be used: {'; '.join(problems)}.")


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
        return key

    return use_case(db, session_id, "round.create", work,
                    audit=lambda key: dict(round=key, method=method, anonymous=anonymous, hidden=hidden,
                                           min_group=min_group))


def _set_round(db: Database, session_id: int, key: str, audit: str, **changes) -> None:
    def work(s):
        if not repo.has_round(s, session_id, key):
            raise VotingError(f"There is no round {key!r} in this session.")
        state = repo.round_state(s, session_id, key, participant="")
        repo.save_round(s, session_id, dataclasses.replace(state.round, **changes))
        sealed = state.round.anonymous and changes.get("status") == "closed"
        if sealed:
            # The ballot box into the vote table, at once and in random order (docs/secret-ballots.md).
            repo.seal_secret_round(s, session_id, key)
        return sealed

    if use_case(db, session_id, audit, work, audit=dict(round=key)):
        _compact_ballot_box(db)


def _compact_ballot_box(db: Database) -> None:
    # After a secret round's box was emptied into the vote table: rebuild the box's
    # pages and truncate the WAL. Already committed; a failure here loses nothing.
    from workshop_tui.storage import ballot_box

    try:
        ballot_box.compact(db.engine)
    except Exception:  # noqa: BLE001 - best effort, see ballot_box.compact
        import logging

        logging.getLogger(__name__).warning("compacting the ballot box failed", exc_info=True)


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

    use_case(db, session_id, "round.reveal", work, audit=dict(round=key))


def delete_round(db: Database, session_id: int, key: str) -> None:
    def work(s):
        repo.delete_round(s, session_id, key)
        repo.forget_deleted_boxes(s)

    use_case(db, session_id, "round.delete", work, audit=dict(round=key))


def _round(workshop: m.Workshop, key: str) -> m.Round:
    try:
        return workshop.round(key)
    except KeyError:
        raise VotingError(f"There is no round {key!r} in this session.") from None


# -- the rules of one round, for checking a vote as it is typed ---------------

@dataclass(frozen=True)
class Rules:
    """One round's rule book, for checking a vote as it is typed (METHODS.md §1–4).

    A thin view of ``domain.rules``: the typed settings and the names the
    messages use. Every check is ``rules.judge_cell`` / ``rules.judge_ballot``.
    """

    method: str
    settings: rules.Settings
    context: rules.Context

    @classmethod
    def of(cls, workshop: m.Workshop, rnd: m.Round) -> "Rules":
        try:
            settings = rules.settings_of(workshop, rnd)
        except SettingsError as exc:
            raise VotingError(f"This round's settings cannot be used: {exc}.") from None
        return cls(rnd.method, settings, rules.context_of(workshop, rnd))

    @classmethod
    def of_state(cls, state: repo.RoundState) -> "Rules":
        """``of`` for a round read inside a write's transaction (``repo.round_state``),
        from the names and criteria it holds, without building the whole workshop."""
        rnd = state.round
        n_items = state.initiative_count if state.initiative_count >= 0 else len(state.ids.initiatives)
        try:
            settings = rules.parse_settings(rnd.method, rnd.settings, n_items)
        except SettingsError as exc:
            raise VotingError(f"This round's settings cannot be used: {exc}.") from None
        context = rules.Context(
            initiatives=state.titles, criteria={c.key: c for c in state.criteria if c.kind == "score"},
            gates={c.key: c for c in state.criteria if c.kind == "gate"}, participants=state.names,
            round_title=rnd.title or rnd.key)
        return cls(rnd.method, settings, context)

    @property
    def budget(self) -> int | None:
        return self.settings.budget if isinstance(self.settings, rules.DotsSettings) else None

    @property
    def cap(self) -> int | None:
        return self.settings.max_per_initiative if isinstance(self.settings, rules.DotsSettings) else None

    @property
    def must_spend_all(self) -> bool:
        return isinstance(self.settings, rules.DotsSettings) and self.settings.must_spend_all

    @property
    def value_range(self) -> tuple[Fraction, Fraction] | None:
        s = self.settings
        return s.axis("value") if isinstance(s, rules.ValueEffortSettings) else None

    @property
    def effort_range(self) -> tuple[Fraction, Fraction] | None:
        s = self.settings
        return s.axis("effort") if isinstance(s, rules.ValueEffortSettings) else None

    @property
    def criteria(self) -> Mapping[str, m.Criterion]:
        return self.context.criteria

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
        """The stored value for one typed entry, or VotingError with the rule book's words."""
        verdict = rules.judge_cell(self.settings, self.context, initiative, criterion, value, axis=axis,
                                   spent_elsewhere=spent_elsewhere)
        if verdict.problems:
            raise VotingError(refusal(verdict.problems))
        return verdict.value

    def check_ballot(self, votes: Iterable[m.Vote]) -> rules.BallotVerdict:
        return rules.judge_ballot(self.settings, self.context, list(votes))


def refusal(problems: Iterable[BallotProblem]) -> str:
    """The rule book's problems as one message: each sentence, capitalised, in order."""
    out = []
    for p in problems:
        text = p.message
        out.append((text[:1].upper() + text[1:]).rstrip(".") + ".")
    return " ".join(out)


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
    """One round's votes in memory, for showing the grid and answering at once.

    The memory is a view, never the judge: every write re-reads the round,
    the person and their stored votes inside its own transaction
    (``_recheck_in_transaction``), so a vote typed into a stale desk (another
    window closed the round, the command line imported paper dots, a person
    was removed) is refused with a ``VotingError`` rather than stored. After
    each write, or refusal, the desk takes the person's row as the database
    holds it. Named votes only: in a secret-ballot round the desk knows who has
    voted, never what. ``history`` holds this app's own entries, newest last,
    so "undo" removes exactly the last vote typed here.
    """

    def __init__(self, db: Database, session_id: int, workshop: m.Workshop, round_key: str) -> None:
        self.db = db
        self.session_id = session_id
        self.history: list[Entry] = []
        self.refresh(workshop, round_key)

    def refresh(self, workshop: m.Workshop, round_key: str | None = None) -> None:
        self.round_key = round_key or self.round_key
        self.workshop = workshop
        self.round = _round(workshop, self.round_key)
        self.rules = Rules.of(workshop, self.round)
        self.participants = {p.key: p for p in workshop.participants}
        self.initiatives = {i.key: i for i in workshop.initiatives}
        self.cells: dict[Cell, m.Vote] = {}
        self.spent: dict[str, int] = {}
        self.rankings: dict[str, m.Vote] = {}
        for v in self.round.votes:
            if v.participant is not None:
                self._hold(v)
        voters = {v.participant for v in self.round.votes if v.participant}
        self.voted = set(self.round.voted) | voters
        self.abstained = set(self.round.abstained)

    def _hold(self, v: m.Vote) -> None:
        if v.ranking is not None:
            self.rankings[v.participant] = v
        elif v.initiative is not None:
            self.cells[(v.participant, v.initiative, v.criterion)] = v
            if self.round.method == "dots" and isinstance(v.value, int):
                self.spent[v.participant] = self.spent.get(v.participant, 0) + v.value

    def _adopt(self, participant: str, fresh: m.Round) -> None:
        """Take the round's status and this person's row as the database holds them."""
        self.round = dataclasses.replace(self.round, status=fresh.status, hidden=fresh.hidden)
        self._take_row(participant, [v for v in fresh.votes if v.participant == participant],
                       participant in fresh.voted, participant in fresh.abstained)

    def _take_row(self, participant: str, votes: list[m.Vote], marked_voted: bool, abstained: bool) -> None:
        for cell in [c for c in self.cells if c[0] == participant]:
            del self.cells[cell]
        self.rankings.pop(participant, None)
        self.spent.pop(participant, None)
        for v in votes:
            self._hold(v)
        (self.voted.add if votes or marked_voted else self.voted.discard)(participant)
        (self.abstained.add if abstained else self.abstained.discard)(participant)

    def take_ballot(self, participant: str, votes: tuple[m.Vote, ...]) -> None:
        """A named ballot another channel (a phone) has just committed replaces this
        person's row: shown at once, without reading the round again. Such a ballot
        replaces the person's whole row in this round (services/phones.py)."""
        self._take_row(participant, [v for v in votes if v.participant == participant], False, False)

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
        """The quick answer from memory; the write checks the database again."""
        _check_round_takes_votes(self.round)

    def _check_person(self, participant: str) -> None:
        if participant not in self.participants:
            raise VotingError(f"{participant!r} is not a participant in this session.")
        if participant in self.abstained:
            raise VotingError(f"{self.participants[participant].name} is marked as abstaining; press a to undo that first.")

    def _name(self, participant: str) -> str:
        person = self.participants.get(participant)
        return person.name if person else repr(participant)

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
        # Checked here first for a quick answer from memory, then again inside the write.
        _cell_vote(self.rules, cell, before, value, channel, axis, self.spent.get(participant, 0))
        written = self._write_cell(cell, value=value, channel=channel, axis=axis,
                                   audit={"value": _plain(value), "channel": channel})
        self.history.append(Entry(cell, written.before, written.vote_id))
        return written.vote

    def _write_cell(self, cell: Cell, *, value: object = None, channel: str = "facilitator", axis: str = "value",
                    restore: m.Vote | None = None, undo: bool = False, audit: dict) -> "_CellWritten":
        """One transaction: re-check against the database, replace the cell, audit, touch."""
        participant, initiative, criterion = cell
        seen: list[m.Round] = []

        def work(s):
            # Only this person's row and this cell's initiative: the re-check stays cheap at any size.
            state = repo.cell_state(s, self.session_id, self.round_key, participant, initiative)
            seen[:] = [state.round]
            before, vote = _recheck_in_transaction(state, participant, "restore" if undo else "cell", cell=cell,
                                                   value=value, channel=channel, axis=axis, restore=restore,
                                                   name=self._name(participant))
            ids = state.ids
            vote_id = repo.replace_named_vote(
                s, round_id=ids.round, participant_id=ids.participants[participant],
                initiative_id=ids.initiatives[initiative],
                criterion_id=None if criterion is None else ids.criteria[criterion], vote=vote)
            kept = tuple(v for v in state.round.votes
                         if not (v.initiative == initiative and (criterion is None or v.criterion == criterion)))
            after = dataclasses.replace(state.round, votes=kept + ((vote,) if vote else ()))
            return _CellWritten(after, vote, vote_id, before)

        detail = dict(round=self.round_key, participant=participant, initiative=initiative, criterion=criterion,
                      **audit)
        try:
            written = use_case(self.db, self.session_id, lambda w: "vote.cast" if w.vote else "vote.clear", work,
                               audit=detail)
        except VotingError:
            if seen:
                self._adopt(participant, seen[0])
            raise
        self._adopt(participant, written.round)
        return written

    def undo(self) -> Cell | None:
        """Put back what the last vote typed here replaced; returns the cell.

        Checked against the database like any vote: the round must still be
        open and the restored value must still fit (another writer may have
        spent the dots meanwhile). A person left with no votes is "not voted"
        again, so they may abstain.
        """
        if not self.history:
            return None
        self._check_open()
        entry = self.history[-1]
        if entry.cell[1] == "":  # a whole ranking ballot
            self._write_ranking(entry.cell[0], entry.before, audit_name="vote.undo")
        else:
            self._write_cell(entry.cell, restore=entry.before, undo=True,
                             audit={"undo": True, "vote_id": entry.vote_id})
        self.history.pop()
        return entry.cell

    # -- a whole ranking, for ranking rounds entered by the facilitator ---------------
    def ranking_of(self, participant: str) -> m.RankingBallot | None:
        vote = self.rankings.get(participant)
        return vote.ranking if vote else None

    def set_ranking(self, participant: str, ballot: m.RankingBallot | None, *, channel: str = "facilitator") -> None:
        self._check_open()
        self._check_person(participant)
        if ballot is not None:
            verdict = self.rules.check_ballot([m.Vote(participant=participant, ranking=ballot)])
            if verdict.problems:
                raise VotingError(refusal(verdict.problems))
        vote = None if ballot is None else m.Vote(participant=participant, ranking=ballot, channel=channel)
        before = self._write_ranking(participant, vote, audit_name="vote.rank")
        self.history.append(Entry((participant, "", None), before, None))

    def _write_ranking(self, participant: str, vote: m.Vote | None, *, audit_name: str) -> m.Vote | None:
        """One transaction: re-check, replace the person's ranking; returns the one it replaced."""
        seen: list[m.Round] = []

        def work(s):
            state = repo.round_state(s, self.session_id, self.round_key, participant)
            seen[:] = [state.round]
            before = _recheck_in_transaction(state, participant, "ranking", vote=vote, name=self._name(participant))
            repo.replace_ranking(s, self.session_id, self.round_key, participant, vote)
            return before, dataclasses.replace(state.round, votes=(vote,) if vote else ())

        try:
            before, after = use_case(self.db, self.session_id, audit_name, work,
                                     audit=dict(round=self.round_key, participant=participant))
        except VotingError:
            if seen:
                self._adopt(participant, seen[0])
            raise
        self._adopt(participant, after)
        return before

    # -- abstaining -----------------------------------------------------------
    def abstain(self, participant: str, on: bool = True) -> None:
        """Mark (or unmark) someone as not voting in this round."""
        if participant not in self.participants:
            raise VotingError(f"{participant!r} is not a participant in this session.")
        if on and participant in self.voted:
            raise VotingError(f"{self.participants[participant].name} has already voted in this round.")
        try:
            fresh = set_abstained(self.db, self.session_id, self.round_key, participant, on,
                                  name=self._name(participant))
        except VotingError:
            with reading(self.db) as s:  # show what made it refuse (votes stored by another writer)
                self._adopt(participant, repo.round_state(s, self.session_id, self.round_key, participant).round)
            raise
        self._adopt(participant, fresh)

    # -- private ballots ------------------------------------------------------
    def check_ballot(self, participant: str, entries: Iterable[m.Vote]) -> list[m.Vote]:
        return _check_ballot(self.workshop, self.round, participant, list(entries))

    def submit(self, participant: str, entries: Iterable[m.Vote]) -> None:
        submit_ballot(self.db, self.session_id, self.round_key, participant, entries)
        self.voted.add(participant)


@dataclass(frozen=True)
class _CellWritten:
    round: m.Round
    vote: m.Vote | None
    vote_id: int | None
    before: m.Vote | None


def _check_round_takes_votes(rnd: m.Round) -> None:
    if rnd.status != "open":
        raise VotingError("This round is closed. Reopen it (o) to take more votes.")
    if rnd.anonymous:
        raise VotingError("This is a secret ballot: votes are cast privately on the laptop (p).")


def _cell_vote(rules: Rules, cell: Cell, before: m.Vote | None, value: object, channel: str, axis: str,
               spent: int) -> m.Vote | None:
    """The vote a typed value makes of one cell (None: the cell is emptied), or VotingError.

    ``spent`` is everything the person has placed in the round, this cell included.
    """
    participant, initiative, criterion = cell
    if rules.method == "value_effort":
        current_v = before.value if before else None
        current_e = before.effort if before else None
        checked = None if value is None else rules.check_cell(initiative, criterion, value, axis=axis)
        new_v, new_e = (current_v, checked) if axis == "effort" else (checked, current_e)
        if new_v is None and new_e is None:
            return None
        return m.Vote(participant=participant, initiative=initiative, value=new_v, effort=new_e, channel=channel)
    if value is None or (rules.method == "dots" and value == 0):
        return None
    elsewhere = spent - (before.value if before and isinstance(before.value, int) else 0)
    checked = rules.check_cell(initiative, criterion, value, spent_elsewhere=elsewhere)
    return m.Vote(participant=participant, initiative=initiative, criterion=criterion, value=checked, channel=channel)


def _recheck_in_transaction(state: repo.RoundState, participant: str, action: str, *, name: str = "",
                            cell: Cell | None = None, value: object = None, channel: str = "facilitator",
                            axis: str = "value", restore: m.Vote | None = None, vote: m.Vote | None = None,
                            entries: list[m.Vote] | None = None, on: bool = True) -> object:
    """Every check a write needs, against the round as the database holds it now.

    Called inside the write's transaction, with ``state`` read in it
    (``repo.round_state``), so two writers (two windows, the app and the CLI)
    can never store what the rules forbid: the round must still take votes,
    the person and the initiative must still be in the session, the person
    must not be abstaining, and a dot budget counts the dots already stored.
    The validity rules themselves are the rule book's (``domain.rules``,
    through ``Rules.check_cell``, ``Rules.check_ballot`` and ``_check_ballot``);
    this is the one place that calls them on fresh state. Actions and what they return:

    - ``cell``: the vote ``value`` makes of ``cell`` -> (stored before, new vote or None)
    - ``restore``: undo, putting ``restore`` back in ``cell`` -> (stored before, restore)
    - ``ranking``: ``vote`` (a whole ranking, or None) -> the ranking stored before
    - ``ballot``: a private ballot's ``entries`` -> the votes to store
    - ``abstain``: mark (``on``) or unmark the person -> None
    """
    rnd = state.round
    who = name or repr(participant)
    if participant not in state.ids.participants:
        raise VotingError(f"{who} is no longer a participant in this session (removed in another window or by "
                          "the command line); nothing was saved.")
    if action == "ballot":
        return _check_ballot(state.workshop, rnd, participant, list(entries or ()))
    if action == "abstain":
        if on and any(v.participant == participant for v in rnd.votes):
            raise VotingError(f"{who} has already voted in this round.")
        if on and participant in rnd.voted:
            raise VotingError(f"{who} has already voted in this round.")
        return None
    _check_round_takes_votes(rnd)
    if participant in rnd.abstained:
        raise VotingError(f"{who} is marked as abstaining; press a to undo that first.")
    if any(v.channel == "phone" for v in rnd.votes):
        # One ballot per person per round across channels: a phone ballot is the person's own.
        raise VotingError(f"{who} voted by phone in this round; void their phone ballot first to enter votes "
                          "for them here. Nothing was saved.")
    if action == "ranking":
        if vote is not None:
            verdict = Rules.of_state(state).check_ballot([vote])
            if verdict.problems:
                raise VotingError(refusal(verdict.problems))
        return next((v for v in rnd.votes if v.ranking is not None), None)
    assert cell is not None
    _, initiative, criterion = cell
    if initiative not in state.ids.initiatives:
        raise VotingError(f"{initiative!r} is no longer an initiative in this session; nothing was saved.")
    if criterion is not None and criterion not in state.ids.criteria:
        raise VotingError(f"{criterion!r} is no longer a criterion in this session; nothing was saved.")
    book = Rules.of_state(state)
    before = next((v for v in rnd.votes if v.initiative == initiative and v.criterion == criterion
                   and v.ranking is None), None)
    spent = sum(v.value for v in rnd.votes if rnd.method == "dots" and isinstance(v.value, int))
    if action == "restore":
        if restore is not None:
            if rnd.method == "value_effort":
                for number, on_axis in ((restore.value, "value"), (restore.effort, "effort")):
                    if number is not None:
                        book.check_cell(initiative, criterion, number, axis=on_axis)
            else:
                elsewhere = spent - (before.value if before and isinstance(before.value, int) else 0)
                book.check_cell(initiative, criterion, restore.value, spent_elsewhere=elsewhere)
        return before, restore
    return before, _cell_vote(book, cell, before, value, channel, axis, spent)


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Fraction) else value


# -- functions for one action each (the desk uses some; the CLI and tests may too) --

def set_abstained(db: Database, session_id: int, round_key: str, participant: str, on: bool = True, *,
                  name: str = "") -> m.Round:
    """Mark (or unmark) someone as not voting; refused when they have votes stored.

    Returns the round as the database now holds it (with only this person's votes).
    """
    def work(s):
        state = repo.round_state(s, session_id, round_key, participant)
        _recheck_in_transaction(state, participant, "abstain", on=on, name=name)
        repo.set_voter(s, session_id, round_key, participant, "abstained" if on else None)
        marks = tuple(p for p in state.round.abstained if p != participant) + ((participant,) if on else ())
        return dataclasses.replace(state.round, abstained=marks)

    return use_case(db, session_id, "round.abstain" if on else "round.unabstain", work,
                    audit=dict(round=round_key, participant=participant))


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
    return ballot_votes(Rules.of(workshop, rnd), rnd, entries)


def ballot_votes(book: Rules, rnd: m.Round, entries: list[m.Vote]) -> list[m.Vote]:
    """One whole ballot judged by the round's rule book (``Rules.of`` / ``Rules.of_state``);
    returns the votes to store (blank cells dropped, values as the rule book read them) or
    VotingError in its words. Every whole-ballot channel (the private ballot, phones) calls this."""
    # Blank cells are not votes: they are dropped before the ballot is judged.
    kept = [v for v in entries if v.ranking or v.value is not None or v.effort is not None]
    if rnd.method == "dots":
        kept = [v for v in kept if v.value != 0 or isinstance(v.value, bool)]
    verdict = book.check_ballot(kept)
    if verdict.problems:
        raise VotingError(refusal(verdict.problems))
    if rnd.method in ("dots", "matrix", "value_effort", "moscow"):
        # Store what the rule book read (an int of dots, an exact score, a MoSCoW word).
        out = []
        for v in kept:
            if rnd.method == "value_effort":
                value = None if v.value is None else Fraction(rules.number(v.value))  # type: ignore[arg-type]
                effort = None if v.effort is None else Fraction(rules.number(v.effort))  # type: ignore[arg-type]
                out.append(dataclasses.replace(v, value=value, effort=effort))
            elif rnd.method == "moscow":
                out.append(dataclasses.replace(v, value=rules.moscow_word(v.value)))
            elif rnd.method == "dots":
                out.append(dataclasses.replace(v, value=int(rules.number(v.value))))  # type: ignore[arg-type]
            else:
                out.append(dataclasses.replace(v, value=Fraction(rules.number(v.value))))  # type: ignore[arg-type]
        return out
    return kept


def submit_ballot(db: Database, session_id: int, round_key: str, participant: str, entries: Iterable[m.Vote]) -> int:
    """Cast one private ballot whole, in one transaction; returns the number of votes.

    Checked inside the transaction against the round as stored (closed by
    another window? already voted from another laptop?). In a secret-ballot
    round the votes carry a fresh random ballot id and no name; the person
    appears only in the list of who has voted. The audit log records that a
    ballot was cast, never by whom.
    """
    entries = list(entries)
    anonymous: list[bool] = []

    def work(s):
        state = repo.round_state(s, session_id, round_key, participant)
        rnd = state.round
        votes = _recheck_in_transaction(state, participant, "ballot", entries=entries)
        if not votes and not rnd.anonymous:
            raise VotingError("Nothing was entered. To not vote, ask the facilitator to mark you as abstaining.")
        anonymous[:] = [rnd.anonymous]
        if rnd.anonymous:
            # Into the round's ballot box: a random slot, filled in place; the voter
            # is marked apart from it (storage/ballot_box.py, docs/secret-ballots.md).
            votes = [dataclasses.replace(v, participant=None, channel="private") for v in votes]
            repo.cast_secret_ballot(s, session_id, round_key, participant, votes)
        else:
            votes = [dataclasses.replace(v, participant=participant, ballot=None, channel="private") for v in votes]
            repo.add_votes(s, session_id, round_key, votes, anonymous=False)
        return len(votes)

    count = use_case(db, session_id, "ballot.cast", work,
                     audit=lambda _n: dict(round=round_key) if anonymous[0]
                     else dict(round=round_key, participant=participant))
    if anonymous and anonymous[0]:
        from workshop_tui.storage import ballot_box

        try:
            ballot_box.after_cast(db.engine)
        except Exception:  # noqa: BLE001 - the ballot is committed; see ballot_box.after_cast
            import logging

            logging.getLogger(__name__).warning("vacuuming the ballot box failed", exc_info=True)
    return count


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
