"""Phones: ballots cast from participants' own phones (issue 14), as use-cases.

The web front end (``workshop_tui.web``) parses forms and calls these; every
ballot is judged by the rule book (``voting.ballot_votes``: ``rules.judge_ballot``)
and written in one transaction with its audit row (``unit_of_work.use_case``),
re-read inside that transaction like every other channel's writes.

Who may cast what (the identity modes):

- **named**: a personal code per participant. The ballot is that person's, in any
  round; one per person per round across channels (a phone ballot and the grid's
  or the paper cards' votes for one person refuse each other). In an ordinary round
  it can be changed until the round closes; in a secret round it goes into the
  ballot box like a private ballot on the laptop, and the person is marked as voted.
- **anonymous** (one ballot per device) and **slips** (one per printed code): the
  ballot names nobody, so it is a secret ballot by nature: these modes take ballots
  in secret rounds only (a named round's ballots say whose they are, in the session
  file, the votes tables and "who voted"; a ballot from nobody has no place there).
  The ballot goes into the box without a voter mark; ``phone_voted`` keeps a hash of
  the device token (or slip) with the round, UNIQUE, so the database refuses a second.
  Counting: these ballots are ballots (``rounds.ballot_count``), not voters: results,
  exports and the minimum group count them; "who voted" lists only people.

A secret round's ballot cannot be changed or voided once cast: nothing on disk (and
nothing in this process) says which slot is whose. Channel: ballots in secret rounds
carry the laptop's "private" channel, so a phone ballot cannot be told apart from a
laptop one; ballots in ordinary rounds carry "phone".
"""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable

from workshop_tui.domain import model as m
from workshop_tui.domain import rules
from workshop_tui.services.unit_of_work import reading, snapshot, use_case, write
from workshop_tui.services.voting import Rules, VotingError, ballot_votes
from workshop_tui.storage import driver
from workshop_tui.storage import phones as phone_repo
from workshop_tui.storage import repository as repo
from workshop_tui.storage.engine import Database

MODES = ("anonymous", "slips", "named")
CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # personal codes and slips: 40 bits, shown XXXX-XXXX

NOT_SECRET = ("This round is not a secret ballot, so every ballot in it says whose it is. Ask the facilitator "
              "for your personal code (phones in named mode), or to make the round a secret ballot.")


class PhoneError(VotingError):
    """A phone's ballot or code was refused; the message is for the person holding the phone."""


# -- codes -------------------------------------------------------------------

def normalise_code(text: str) -> str:
    """A typed code in Crockford base32: case, spaces and dashes ignored, o->0, i/l->1."""
    out = []
    for ch in text.strip().upper():
        if ch in "- \t":
            continue
        ch = {"O": "0", "I": "1", "L": "1"}.get(ch, ch)
        out.append(ch)
    return "".join(out)


def new_code(length: int = CODE_LENGTH) -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(length))


def show_code(code: str) -> str:
    """``K7QX3F`` as ``K7Q-X3F``; ``ABCD1234`` as ``ABCD-1234``."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def code_hash(code: str) -> str:
    return hashlib.sha256(("workshop-tui phone code:" + normalise_code(code)).encode()).hexdigest()


def voter_key(kind: str, secret: str, session_id: int, round_key: str) -> str:
    """The once-per-round key of a device (its token) or a slip (its code): different in
    every round, so a device's ballots in two rounds cannot be linked."""
    return hashlib.sha256(f"workshop-tui phone voted:{kind}:{session_id}:{round_key}:{secret}".encode()).hexdigest()


def issue_named_codes(db: Database, session_id: int) -> dict[str, str]:
    """A new personal code for every participant (key -> code); the old codes stop working.
    Only hashes are stored: this is the one time the codes are seen."""
    with reading(db) as s:
        people = [p.key for p in repo.load_workshop(s, session_id).participants]
    codes = {key: new_code() for key in people}

    def work(s):
        phone_repo.replace_named_codes(s, session_id, {k: code_hash(c) for k, c in codes.items()})

    use_case(db, session_id, "phones.named_codes", work, audit=dict(count=len(codes)))
    return codes


def issue_slips(db: Database, session_id: int, n: int) -> list[str]:
    """``n`` new one-time slips (each casts one ballot per secret round, tied to nobody)."""
    if not 1 <= n <= 1000:
        raise PhoneError("Print from 1 to 1000 slips at a time.")
    codes = [new_code() for _ in range(n)]

    def work(s):
        phone_repo.add_slips(s, session_id, [code_hash(c) for c in codes])

    use_case(db, session_id, "phones.slips", work, audit=dict(count=n))
    return codes


@dataclass(frozen=True)
class Voter:
    """Who a phone casts for: ``kind`` "device" (anonymous), "slip" or "named";
    ``secret`` the device token or slip code (never stored); ``participant`` for named."""

    kind: str
    secret: str = ""
    participant: str | None = None


def identify(db: Database, session_id: int, code: str, mode: str) -> Voter:
    """The voter a typed personal code or slip stands for, or PhoneError."""
    with snapshot(db) as s:
        found = phone_repo.find_code(s, session_id, code_hash(code))
    wanted = "named" if mode == "named" else "slip"
    if found is None or found[0] != wanted:
        raise PhoneError("That code is not known here. Check it against your slip or card and type it again.")
    if wanted == "named":
        return Voter("named", participant=found[1])
    return Voter("slip", secret=normalise_code(code))


# -- the round a phone sees -------------------------------------------------------

@dataclass(frozen=True)
class Scale:
    """A number a phone picks: radio buttons when ``choices`` (a short integer scale), else a box."""

    low: Fraction
    high: Fraction

    @property
    def choices(self) -> tuple[int, ...]:
        if self.low.denominator == 1 and self.high.denominator == 1 and 0 <= self.high - self.low <= 10:
            return tuple(range(int(self.low), int(self.high) + 1))
        return ()


@dataclass(frozen=True)
class PhoneRound:
    """What a ballot page needs of one round: no votes, no results, no names of people."""

    key: str
    title: str
    method: str
    status: str
    secret: bool
    hidden: bool
    initiatives: tuple[tuple[str, str], ...]  # (key, title), in the facilitator's order
    criteria: tuple[tuple[str, str, Scale, str], ...] = ()  # matrix: (key, name, scale, description)
    budget: int | None = None
    cap: int | None = None
    must_spend_all: bool = False
    value_scale: Scale | None = None
    effort_scale: Scale | None = None
    moscow: tuple[str, ...] = ("must", "should", "could", "wont")  # the rule book's words (rules.judge)

    @property
    def open(self) -> bool:
        return self.status == "open"

    def can_change(self, voter: Voter) -> bool:
        """Change-my-vote: named ballots in ordinary rounds, until the round closes."""
        return self.open and not self.secret and voter.kind == "named"


def current_round(db: Database, session_id: int, round_key: str | None = None) -> PhoneRound | None:
    """The round phones vote in: ``round_key``, or (None) the last open voting round.
    None when there is none to show (phones wait in the lobby).

    This and the other reads for the phones' pages are snapshots (``unit_of_work.snapshot``):
    thirty phones opening pages must not hold up the ballots being written, nor wait for them."""
    with snapshot(db) as s:
        if round_key is None:
            keys = phone_repo.open_round_keys(s, session_id)
            if not keys:
                return None
            round_key = keys[-1]
        try:
            state = repo.round_state(s, session_id, round_key, participant="")
        except repo.NotFound:
            return None
        return _phone_round(state)


def _phone_round(state: repo.RoundState) -> PhoneRound | None:
    rnd = state.round
    if rnd.method == "gates":
        return None
    try:
        settings = rules.parse_settings(rnd.method, rnd.settings, len(state.ids.initiatives))
    except Exception:  # noqa: BLE001 - a round whose settings cannot be used takes no phone ballots
        return None
    items = tuple(state.titles.items())
    order = {k: n for n, k in enumerate(state.titles)}
    base = dict(key=rnd.key, title=rnd.title or rnd.key, method=rnd.method, status=rnd.status,
                secret=rnd.anonymous, hidden=rnd.hidden, initiatives=tuple(sorted(items, key=lambda kv: order[kv[0]])))
    if isinstance(settings, rules.DotsSettings):
        return PhoneRound(**base, budget=settings.budget, cap=settings.max_per_initiative,
                          must_spend_all=settings.must_spend_all)
    if isinstance(settings, rules.ValueEffortSettings):
        return PhoneRound(**base, value_scale=Scale(*settings.axis("value")),
                          effort_scale=Scale(*settings.axis("effort")))
    if rnd.method == "matrix":
        crits = tuple((c.key, c.name, Scale(c.min, c.max), c.description) for c in state.criteria
                      if c.kind == "score")
        return PhoneRound(**base, criteria=crits)
    return PhoneRound(**base)


def has_voted(db: Database, session_id: int, round_key: str, voter: Voter) -> bool:
    """Has this device, slip or person a ballot in the round (any channel, for a person)?"""
    with snapshot(db) as s:
        if voter.kind == "named":
            state = repo.round_state(s, session_id, round_key, participant=voter.participant)
            rnd = state.round
            return voter.participant in rnd.voted or any(v.participant == voter.participant for v in rnd.votes)
        return phone_repo.has_voted(s, repo.round_row(s, session_id, round_key).id,
                                    voter_key(voter.kind, voter.secret, session_id, round_key))


def stored_ballot(db: Database, session_id: int, round_key: str, voter: Voter) -> list[m.Vote]:
    """The named person's phone ballot in an ordinary round, to change it (else nothing)."""
    if voter.kind != "named":
        return []
    with snapshot(db) as s:
        state = repo.round_state(s, session_id, round_key, participant=voter.participant)
    if state.round.anonymous:
        return []
    return [v for v in state.round.votes if v.participant == voter.participant and v.channel == "phone"]


# -- casting ---------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    """What the phone is told: recorded (and whether it replaced an earlier ballot). No ids."""

    replaced: bool
    secret: bool
    # The votes a named ballot stored, as committed: for the facilitator's screen to show at
    # once (web/server.py), never sent to the phone. Empty for a secret ballot, which is
    # linked to nobody.
    stored: tuple[m.Vote, ...] = ()


@dataclass(frozen=True)
class CastRequest:
    round_key: str
    voter: Voter
    entries: tuple[m.Vote, ...]


def cast(db: Database, session_id: int, round_key: str, voter: Voter, entries: Iterable[m.Vote]) -> Receipt:
    """Cast (or, where allowed, replace) one phone ballot, whole, in one transaction.

    Refusals are PhoneError / VotingError in the rule book's words; nothing is stored then.
    """
    (outcome,) = cast_many(db, session_id, [CastRequest(round_key, voter, tuple(entries))])
    if isinstance(outcome, VotingError):
        raise outcome
    return outcome


def cast_many(db: Database, session_id: int, requests: list[CastRequest]) -> list[Receipt | VotingError]:
    """Phone ballots that arrived together, written in one transaction (group commit: one
    durable commit for thirty phones instead of thirty). Each ballot is still judged on
    its own, against the round as read inside this transaction and after the ballots
    before it, and gets its own audit row; a refused ballot stores nothing and leaves the
    others stored. Ordinary rounds: judged in order, then written together
    (``_cast_named_batch``). Secret rounds: one ballot at a time into the box, each in its
    own savepoint. Returns, in order, a Receipt or the refusal of each."""
    stored: list[bool] = []  # per stored ballot: whether it was secret

    def run(s):
        stored.clear()
        stamp = repo.now()
        out: list[Receipt | VotingError | None] = [None] * len(requests)
        # The batch's own reads and writes go on the transaction's DB-API cursor: the writer
        # shares the interpreter with the facilitator's screen (storage/driver.py says why).
        with driver.cursor(s) as cur:
            for key in dict.fromkeys(r.round_key for r in requests):
                mine = [n for n, r in enumerate(requests) if r.round_key == key]
                try:
                    # What these ballots are judged against, and no more: their people's rows
                    # and votes and the initiatives they name, not the whole round.
                    state = phone_repo.batch_state(s, cur, session_id, key, _people(requests[n] for n in mine),
                                                   _initiatives(requests[n] for n in mine))
                except repo.NotFound:
                    for n in mine:
                        out[n] = PhoneError("This round is no longer in the session.")
                    continue
                if state.round.anonymous:
                    for n in mine:  # the ballot box, one ballot at a time, each in its own savepoint
                        try:
                            with s.begin_nested():
                                receipt = _cast_one(s, session_id, requests[n])
                                repo.audit_now(s, session_id, "ballot.phone", **_audit(requests[n], receipt))
                        except VotingError as exc:
                            out[n] = exc
                            continue
                        out[n] = receipt
                        stored.append(True)
                else:
                    for n, outcome in _cast_named_batch(cur, session_id, state, [(n, requests[n]) for n in mine],
                                                        stamp):
                        out[n] = outcome
                        if isinstance(outcome, Receipt):
                            stored.append(False)
            if stored:
                phone_repo.touch(cur, session_id, stamp)
        return out

    outcomes = write(db, run)
    if any(stored):
        from workshop_tui.storage import ballot_box

        try:
            ballot_box.after_cast(db.engine)
        except Exception:  # noqa: BLE001 - the ballots are committed; see ballot_box.after_cast
            import logging

            logging.getLogger(__name__).warning("vacuuming the ballot box failed", exc_info=True)
    return outcomes  # type: ignore[return-value]


def _people(requests: Iterable[CastRequest]) -> set[str]:
    return {r.voter.participant for r in requests if r.voter.kind == "named" and r.voter.participant}


def _initiatives(requests: Iterable[CastRequest]) -> set[str]:
    """Every initiative key the ballots name, in single votes and in rankings (groups too)."""
    keys: set[str] = set()
    for r in requests:
        for v in r.entries:
            if isinstance(v.initiative, str):
                keys.add(v.initiative)
            for place in v.ranking or ():
                group = (place,) if isinstance(place, str) else place if isinstance(place, (tuple, list)) else ()
                keys.update(k for k in group if isinstance(k, str))
    return keys


def _cast_named_batch(cur, session_id: int, state: repo.RoundState, requests: list[tuple[int, CastRequest]],
                      stamp) -> list[tuple[int, Receipt | VotingError]]:
    """Named ballots for one ordinary round, judged in order against the round as read in
    this transaction (each after the ones before it), then written together on the
    batch's cursor. ``state`` is ``phone_repo.batch_state`` for these ballots."""
    rnd = state.round
    book = Rules.of_state(state) if rnd.status == "open" else None
    held: dict[str, list[m.Vote]] = {}
    for v in rnd.votes:
        if v.participant is not None:
            held.setdefault(v.participant, []).append(v)
    replace: dict[str, list[m.Vote]] = {}
    audits: list[tuple[str, dict]] = []
    out: list[tuple[int, Receipt | VotingError]] = []
    for n, req in requests:
        try:
            receipt, votes = _judge_named(state, book, held, req)
        except VotingError as exc:
            out.append((n, exc))
            continue
        participant = req.voter.participant or ""
        held[participant] = replace[participant] = votes
        audits.append(("ballot.phone", _audit(req, receipt)))
        out.append((n, receipt))
    phone_repo.replace_person_ballots(cur, state.ids, replace, stamp)
    phone_repo.audit_many(cur, session_id, audits, stamp)
    return out


def _judge_named(state: repo.RoundState, book: Rules | None, held: dict[str, list[m.Vote]],
                 req: CastRequest) -> tuple[Receipt, list[m.Vote]]:
    rnd, voter = state.round, req.voter
    if book is None:
        raise PhoneError("This round is closed; ballots can no longer be cast.")
    if voter.kind != "named":
        raise PhoneError(NOT_SECRET)
    participant = voter.participant or ""
    who = state.names.get(participant, participant)
    if participant not in state.ids.participants:
        raise PhoneError("Your personal code no longer belongs to anyone in this session; ask the facilitator.")
    if participant in rnd.abstained:
        raise PhoneError(f"{who} is marked as not voting in this round; ask the facilitator to undo that first.")
    votes = ballot_votes(book, rnd, list(req.entries))
    if not votes:
        raise PhoneError("Nothing was chosen yet: choose at least one answer, then send your ballot.")
    mine = held.get(participant, [])
    if any(v.channel != "phone" for v in mine) or participant in rnd.voted:
        raise PhoneError(f"Votes for {who} in this round were already entered on the laptop (by the facilitator "
                         "or from paper). Ask the facilitator if they should be changed.")
    stored = [dataclasses.replace(v, participant=participant, ballot=None, channel="phone") for v in votes]
    return Receipt(replaced=bool(mine), secret=False, stored=tuple(stored)), stored


def _audit(req: CastRequest, receipt: Receipt) -> dict:
    if receipt.secret:  # a ballot was cast; never whose or from which phone
        return dict(round=req.round_key)
    return dict(round=req.round_key, participant=req.voter.participant, channel="phone", replaced=receipt.replaced)


def _cast_one(s, session_id: int, req: CastRequest) -> Receipt:
    voter = req.voter
    state = repo.round_state(s, session_id, req.round_key,
                             participant=voter.participant if voter.kind == "named" else "")
    rnd = state.round
    if rnd.status != "open":
        raise PhoneError("This round is closed; ballots can no longer be cast.")
    if voter.kind != "named" and not rnd.anonymous:
        raise PhoneError(NOT_SECRET)
    votes = ballot_votes(Rules.of_state(state), rnd, list(req.entries))
    if not votes:
        raise PhoneError("Nothing was chosen yet: choose at least one answer, then send your ballot.")
    if voter.kind == "named":
        return _cast_named_secret(s, state, voter.participant or "", votes)
    key = voter_key(voter.kind, voter.secret, session_id, req.round_key)
    if phone_repo.has_voted(s, state.ids.round, key):
        raise PhoneError("This phone has already voted in this round." if voter.kind == "device" else
                         "This slip has already been used in this round.")
    phone_repo.mark_voted(s, state.ids.round, key)
    phone_repo.cast_unnamed_secret_ballot(s, state.ids, [dataclasses.replace(v, participant=None, channel="private")
                                                         for v in votes])
    return Receipt(replaced=False, secret=True)


def _cast_named_secret(s, state: repo.RoundState, participant: str, votes: list[m.Vote]) -> Receipt:
    """A named person's ballot in a secret round: into the box, the person marked as voted."""
    rnd = state.round
    who = state.names.get(participant, participant)
    if participant not in state.ids.participants:
        raise PhoneError("Your personal code no longer belongs to anyone in this session; ask the facilitator.")
    if participant in rnd.abstained:
        raise PhoneError(f"{who} is marked as not voting in this round; ask the facilitator to undo that first.")
    if participant in rnd.voted:
        raise PhoneError(f"{who} has already voted in this round (a secret ballot cannot be changed).")
    repo.cast_secret_ballot(s, state._session_id, rnd.key, participant,
                            [dataclasses.replace(v, participant=None, channel="private") for v in votes])
    return Receipt(replaced=False, secret=True)


def void(db: Database, session_id: int, round_key: str, voter: Voter) -> int:
    """The facilitator voids a phone's ballot in an ordinary round (audited); returns how
    many votes went. A secret ballot cannot be voided: nothing says which is whose."""
    if voter.kind != "named":
        raise PhoneError("A ballot from an anonymous phone or a slip is a secret ballot: nothing links it to the "
                         "phone any more, so it cannot be voided.")

    def work(s):
        state = repo.round_state(s, session_id, round_key, participant=voter.participant)
        if state.round.anonymous:
            raise PhoneError("This is a secret round: a ballot in it cannot be voided (nothing says whose it is).")
        mine = [v for v in state.round.votes if v.participant == voter.participant and v.channel == "phone"]
        if not mine:
            raise PhoneError("There is no phone ballot to void for this person in this round.")
        if state.round.status != "open":
            raise PhoneError("This round is closed; reopen it before voiding a ballot in it.")
        return repo.delete_votes(s, session_id, round_key, participant=voter.participant)

    return use_case(db, session_id, "ballot.phone.void", work,
                    audit=dict(round=round_key, participant=voter.participant))


def participant_names(db: Database, session_id: int) -> dict[str, str]:
    """Participant key -> name, for the facilitator's list of personal codes."""
    with snapshot(db) as s:
        return {p.key: p.name for p in repo.load_workshop(s, session_id).participants}


def has_named_codes(db: Database, session_id: int) -> bool:
    with snapshot(db) as s:
        return phone_repo.count_codes(s, session_id, "named") > 0


def headcount(db: Database, session_id: int) -> int:
    with snapshot(db) as s:
        return len(repo.load_workshop(s, session_id).participants)
