"""Check a parsed session file and build the Workshop it describes.

Every problem is collected (not just the first) with the JSON path of the
place it was found, so a facilitator can fix a file in one go. Nothing is
repaired or dropped silently: an unknown field is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from fractions import Fraction
from typing import Any

from workshop_tui.domain import model as m
from workshop_tui.domain import rules
from workshop_tui.domain.graph import cycle_path, find_cycles
from workshop_tui.sessionfile.reader import DuplicateKeys, Problem, SessionFileError, read_json

FORMAT = "workshop-tui/session"
# Version 2 added decisions[].decided_at. This app writes version 2 and still reads
# version 1 files (they have no decision times); an older app refuses a version 2 file
# with a message instead of tripping over an unknown field.
VERSION = 2
READABLE_VERSIONS = (1, 2)
FRACTION_RE = re.compile(r"^-?[0-9]{1,15}/[1-9][0-9]{0,14}$")
KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
MAX_NAME = 300
MAX_TEXT = 20_000
MAX_NUMBER = Fraction(10**12)
MAX_ITEMS = 100_000  # people, initiatives, criteria, decisions ... in one list
# A round's votes: the benchmark session (500 initiatives x 60 people x 4 criteria)
# holds 120,000 scores; the cap leaves room above that, and the file-size and depth
# limits in reader.py still bound what a hostile file can make us hold.
MAX_VOTES = 1_000_000
MAX_DECIMALS = 12  # digits after the point; also keeps 1e-99999999 from hanging Fraction()


def decimal_problem(value: Any) -> str | None:
    """Why a JSON decimal cannot be turned into an exact Fraction cheaply, if it cannot."""
    if not isinstance(value, Decimal):
        return None
    if not value.is_finite():
        return "is not a usable number"
    if value.adjusted() > 15:
        return f"is too large (the limit is {MAX_NUMBER})"
    if value.is_zero():
        return None
    sign, digits, exponent = value.as_tuple()
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    if exponent + trailing_zeros < -MAX_DECIMALS:
        return f"has too many decimal places (the limit is {MAX_DECIMALS})"
    return None

TOP_FIELDS = {"format", "version", "session", "participants", "initiatives", "bottlenecks", "criteria",
              "rounds", "decisions", "actions"}
SESSION_FIELDS = {"title", "organisation", "date", "facilitator", "mission", "horizon_years", "bandwidth",
                  "description", "budget", "max_actions", "stage", "plan_round"}
PARTICIPANT_FIELDS = {"key", "name", "role", "site"}
INITIATIVE_FIELDS = {"key", "title", "description", "owner", "service_area", "portfolio", "kind", "effort",
                     "cost", "decided", "depends_on", "demands"}
BOTTLENECK_FIELDS = {"key", "name", "capacity", "unit"}
CRITERION_FIELDS = {"key", "name", "kind", "weight", "min", "max", "direction", "description"}
ROUND_FIELDS = {"key", "title", "method", "anonymous", "hidden", "status", "settings", "votes", "voted", "abstained",
                "min_group"}
VOTE_FIELDS = {"participant", "ballot", "initiative", "criterion", "value", "effort", "ranking", "channel", "note"}
DECISION_FIELDS = {"initiative", "outcome", "rationale", "round", "kind", "decided_at"}
ACTION_FIELDS = {"key", "initiative", "title", "owner", "measure", "due"}

def to_fraction(value: int | Decimal) -> Fraction:
    return Fraction(value)


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    # -- shape helpers -------------------------------------------------
    def obj(self, value: Any, path: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"must be an object, not {_type_name(value)}")
            return None
        if isinstance(value, DuplicateKeys):
            for name in value.duplicates:
                self.add(f"{path}.{name}" if path else name, "field appears more than once")
        for name in value:
            if name not in allowed:
                self.add(f"{path}.{name}" if path else name, f"unknown field (expected one of: {', '.join(sorted(allowed))})")
        for name in required:
            if name not in value or value[name] is None:
                self.add(f"{path}.{name}" if path else name, "is required")
        return value

    def array(self, value: Any, path: str, limit: int = MAX_ITEMS) -> list:
        if value is None:
            return []
        if not isinstance(value, list):
            self.add(path, f"must be a list, not {_type_name(value)}")
            return []
        if len(value) > limit:
            self.add(path, f"has {len(value):,} entries; the limit is {limit:,}")
            return []
        return value

    def text(self, obj: dict, name: str, path: str, *, limit: int = MAX_NAME, required: bool = False) -> str:
        value = obj.get(name)
        where = f"{path}.{name}"
        if value is None:
            if required:
                return ""  # already reported by obj()
            return ""
        if not isinstance(value, str):
            self.add(where, f"must be text, not {_type_name(value)}")
            return ""
        if required and not value.strip():
            self.add(where, "must not be empty")
        if len(value) > limit:
            self.add(where, f"is {len(value):,} characters long; the limit is {limit:,}")
            return ""
        if "\x00" in value:
            self.add(where, "contains a NUL character")
            return ""
        return value

    def key(self, obj: dict, path: str, seen: set[str], what: str) -> str | None:
        value = obj.get("key")
        where = f"{path}.key"
        if value is None:
            return None
        if not isinstance(value, str) or not KEY_RE.match(value):
            self.add(where, f"{_show(value)} is not a valid key (letters, digits, '_', '-', '.', up to 64 characters)")
            return None
        if value in seen:
            self.add(where, f"duplicate {what} key {value!r}")
            return None
        seen.add(value)
        return value

    def choice(self, obj: dict, name: str, path: str, choices: tuple[str, ...], *, default: str | None = None,
               nullable: bool = True) -> str | None:
        value = obj.get(name)
        if value is None:
            if not nullable and default is None:
                self.add(f"{path}.{name}", "is required")
            return default
        if value not in choices:
            self.add(f"{path}.{name}", f"{_show(value)} is not one of {', '.join(choices)}")
            return default
        return value

    def number(self, obj: dict, name: str, path: str, *, integer: bool = False, minimum: Fraction | None = None,
               maximum: Fraction | None = None, default: Fraction | None = None) -> Fraction | None:
        value = obj.get(name)
        where = f"{path}.{name}"
        if value is None:
            return default
        if isinstance(value, str) and FRACTION_RE.match(value):
            value = Fraction(value)  # exact values the writer could not express as decimals
        if isinstance(value, bool) or not isinstance(value, (int, Decimal, Fraction)):
            self.add(where, f"must be a number, not {_type_name(value)}")
            return default
        if decimal_problem(value):
            self.add(where, f"{_show(value)} {decimal_problem(value)}")
            return default
        try:
            number = Fraction(value)
        except (ValueError, OverflowError):
            self.add(where, f"{value} is not a usable number")
            return default
        if abs(number) > MAX_NUMBER:
            self.add(where, f"{_show(value)} is too large (the limit is {MAX_NUMBER})")
            return default
        if integer and number.denominator != 1:
            self.add(where, f"{_show(value)} must be a whole number")
            return default
        if minimum is not None and number < minimum:
            self.add(where, f"{_show(value)} is below the minimum {minimum}")
            return default
        if maximum is not None and number > maximum:
            self.add(where, f"{_show(value)} is above the maximum {maximum}")
            return default
        return number

    def boolean(self, obj: dict, name: str, path: str, default: bool = False) -> bool:
        value = obj.get(name)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(f"{path}.{name}", f"must be true or false, not {_type_name(value)}")
            return default
        return value

    def date(self, obj: dict, name: str, path: str) -> dt.date | None:
        value = obj.get(name)
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(f"{path}.{name}", f"must be a date as text (YYYY-MM-DD), not {_type_name(value)}")
            return None
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            self.add(f"{path}.{name}", f"{_show(value)} is not a date (YYYY-MM-DD)")
            return None

    def ref(self, value: Any, path: str, known: set[str], what: str) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.add(path, f"must be a {what} key, not {_type_name(value)}")
            return None
        if value not in known:
            self.add(path, f"unknown {what} {value!r}")
            return None
        return value


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, Decimal)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _show(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_session_bytes(data: bytes, source: str = "<session file>") -> m.Workshop:
    """Read and validate a session file; raise SessionFileError with every problem."""
    raw = read_json(data, source)
    return build_workshop(raw, source)


def build_workshop(raw: Any, source: str = "<session file>") -> m.Workshop:
    c = _Checker()
    workshop = _build(c, raw)
    if c.problems or workshop is None:
        raise SessionFileError(source, c.problems or [Problem("", "not a session file")])
    return workshop


def _build(c: _Checker, raw: Any) -> m.Workshop | None:
    top = c.obj(raw, "", TOP_FIELDS, ("format", "version", "session"))
    if top is None:
        return None
    if top.get("format") is not None and top.get("format") != FORMAT:
        c.add("format", f"{_show(top.get('format'))} is not a workshop-tui session file (expected {FORMAT!r})")
        return None
    version = top.get("version")
    if version is not None and (isinstance(version, bool) or version not in READABLE_VERSIONS):
        c.add("version", f"version {_show(version)} cannot be read by this app (it reads versions "
                         f"{' and '.join(str(v) for v in READABLE_VERSIONS)})")
        return None
    if top.get("format") is None or version is None:
        return None

    session = _session(c, top.get("session"))
    participants = _participants(c, c.array(top.get("participants"), "participants"))
    bottlenecks = _bottlenecks(c, c.array(top.get("bottlenecks"), "bottlenecks"))
    initiatives = _initiatives(c, c.array(top.get("initiatives"), "initiatives"), {b.key for b in bottlenecks})
    criteria = _criteria(c, c.array(top.get("criteria"), "criteria"))
    rounds = _rounds(c, c.array(top.get("rounds"), "rounds"), participants, initiatives, criteria)
    initiative_keys = {i.key for i in initiatives}
    decisions = _decisions(c, c.array(top.get("decisions"), "decisions"), initiative_keys, {r.key for r in rounds},
                           version)
    actions = _actions(c, c.array(top.get("actions"), "actions"), initiative_keys)
    if session is None:
        return None
    voting, sheets = _split_gates(rounds)
    if session.plan_round is not None and session.plan_round not in {r.key for r in voting}:
        c.add("session.plan_round", f"the plan is pinned to round {session.plan_round!r}, which is not a voting "
                                    "round of this session")
    return m.Workshop(session=session, participants=tuple(participants), initiatives=tuple(initiatives),
                      bottlenecks=tuple(bottlenecks), criteria=tuple(criteria), rounds=tuple(voting),
                      decisions=tuple(decisions), actions=tuple(actions), gate_sheets=tuple(sheets))


def _split_gates(rounds: list[m.Round]) -> tuple[list[m.Round], list[m.GateSheet]]:
    """The file keeps gate assessments as "gates" rounds; the app keeps them apart.

    Each becomes a ``GateSheet`` that remembers its place among the file's rounds,
    so the writer puts it back where it was. (A gates round's anonymous, hidden,
    settings and abstained fields mean nothing for an assessment and are not kept.)
    """
    voting: list[m.Round] = []
    sheets: list[m.GateSheet] = []
    for n, r in enumerate(rounds):
        if r.method != "gates":
            voting.append(r)
            continue
        sheets.append(m.GateSheet(
            key=r.key, title=r.title, status=r.status, position=n,
            assessments=tuple(m.GateAssessment(initiative=v.initiative, criterion=v.criterion, passed=v.value,
                                               note=v.note, participant=v.participant, channel=v.channel)
                              for v in r.votes if isinstance(v.value, bool) and v.initiative and v.criterion)))
    return voting, sheets


def _session(c: _Checker, raw: Any) -> m.SessionInfo | None:
    s = c.obj(raw, "session", SESSION_FIELDS, ("title",))
    if s is None:
        return None
    horizon = c.number(s, "horizon_years", "session", integer=True, minimum=Fraction(1), maximum=Fraction(30))
    bandwidth = c.number(s, "bandwidth", "session", integer=True, minimum=Fraction(1), maximum=Fraction(1000))
    max_actions = c.number(s, "max_actions", "session", integer=True, minimum=Fraction(1), maximum=Fraction(100),
                           default=Fraction(5))
    return m.SessionInfo(
        title=c.text(s, "title", "session", required=True),
        organisation=c.text(s, "organisation", "session"),
        date=c.date(s, "date", "session"),
        facilitator=c.text(s, "facilitator", "session"),
        mission=c.text(s, "mission", "session", limit=MAX_TEXT),
        horizon_years=int(horizon) if horizon is not None else None,
        bandwidth=int(bandwidth) if bandwidth is not None else None,
        description=c.text(s, "description", "session", limit=MAX_TEXT),
        budget=c.number(s, "budget", "session", minimum=Fraction(0)),
        max_actions=int(max_actions) if max_actions is not None else 5,
        stage=c.choice(s, "stage", "session", m.STAGES, default="setup") or "setup",
        plan_round=c.text(s, "plan_round", "session") or None,
    )


def _participants(c: _Checker, items: list) -> list[m.Participant]:
    seen: set[str] = set()
    out = []
    for n, raw in enumerate(items):
        path = f"participants[{n}]"
        p = c.obj(raw, path, PARTICIPANT_FIELDS, ("key", "name"))
        if p is None:
            continue
        key = c.key(p, path, seen, "participant")
        name = c.text(p, "name", path, required=True)
        role = c.choice(p, "role", path, m.ROLES, default="other") or "other"
        if key:
            out.append(m.Participant(key=key, name=name, role=role, site=c.text(p, "site", path)))
    return out


def _bottlenecks(c: _Checker, items: list) -> list[m.Bottleneck]:
    seen: set[str] = set()
    out = []
    for n, raw in enumerate(items):
        path = f"bottlenecks[{n}]"
        b = c.obj(raw, path, BOTTLENECK_FIELDS, ("key", "name", "capacity"))
        if b is None:
            continue
        key = c.key(b, path, seen, "bottleneck")
        capacity = c.number(b, "capacity", path, integer=True, minimum=Fraction(0))
        name = c.text(b, "name", path, required=True)
        if key and capacity is not None:
            out.append(m.Bottleneck(key=key, name=name, capacity=int(capacity), unit=c.text(b, "unit", path)))
    return out


def _initiatives(c: _Checker, items: list, bottleneck_keys: set[str]) -> list[m.Initiative]:
    seen: set[str] = set()
    # All keys first, so depends_on may point forwards in the list.
    all_keys = {raw.get("key") for raw in items if isinstance(raw, dict) and isinstance(raw.get("key"), str)}
    out = []
    for n, raw in enumerate(items):
        path = f"initiatives[{n}]"
        i = c.obj(raw, path, INITIATIVE_FIELDS, ("key", "title"))
        if i is None:
            continue
        key = c.key(i, path, seen, "initiative")
        depends: list[str] = []
        for d, dep in enumerate(c.array(i.get("depends_on"), f"{path}.depends_on")):
            ref = c.ref(dep, f"{path}.depends_on[{d}]", all_keys, "initiative")
            if ref is not None:
                if ref in depends:
                    c.add(f"{path}.depends_on[{d}]", f"{ref!r} is listed twice")
                else:
                    depends.append(ref)
        demands: dict[str, int] = {}
        raw_demands = i.get("demands")
        if raw_demands is not None:
            if not isinstance(raw_demands, dict):
                c.add(f"{path}.demands", f"must be an object of bottleneck key to amount, not {_type_name(raw_demands)}")
            else:
                if isinstance(raw_demands, DuplicateKeys):
                    for name in raw_demands.duplicates:
                        c.add(f"{path}.demands.{name}", "field appears more than once")
                for bkey in raw_demands:
                    where = f"{path}.demands.{bkey}"
                    if bkey not in bottleneck_keys:
                        c.add(where, f"unknown bottleneck {bkey!r}")
                        continue
                    amount = c.number(raw_demands, bkey, f"{path}.demands", integer=True, minimum=Fraction(0))
                    if amount is not None:
                        demands[bkey] = int(amount)
        if key:
            out.append(m.Initiative(
                key=key,
                title=c.text(i, "title", path, required=True),
                description=c.text(i, "description", path, limit=MAX_TEXT),
                owner=c.text(i, "owner", path),
                service_area=c.text(i, "service_area", path),
                portfolio=c.choice(i, "portfolio", path, m.PORTFOLIOS),
                kind=c.choice(i, "kind", path, m.KINDS),
                effort=c.number(i, "effort", path, minimum=Fraction(0)),
                cost=c.number(i, "cost", path, minimum=Fraction(0)),
                decided=c.choice(i, "decided", path, m.DECIDED),
                depends_on=tuple(depends),
                demands=demands,
            ))
    graph = {item.key: item.depends_on for item in out}
    for cycle in find_cycles(graph):
        first = next(n for n, raw in enumerate(items) if isinstance(raw, dict) and raw.get("key") == cycle[0])
        c.add(f"initiatives[{first}].depends_on",
              "dependency cycle: " + " -> ".join(cycle_path(cycle, graph)))
    return out


def _criteria(c: _Checker, items: list) -> list[m.Criterion]:
    seen: set[str] = set()
    out = []
    for n, raw in enumerate(items):
        path = f"criteria[{n}]"
        cr = c.obj(raw, path, CRITERION_FIELDS, ("key", "name"))
        if cr is None:
            continue
        key = c.key(cr, path, seen, "criterion")
        kind = c.choice(cr, "kind", path, m.CRITERION_KINDS, default="score") or "score"
        name = c.text(cr, "name", path, required=True)
        description = c.text(cr, "description", path, limit=MAX_TEXT)
        if kind == "gate":
            for extra in ("weight", "min", "max", "direction"):
                if cr.get(extra) is not None:
                    c.add(f"{path}.{extra}", "a gate is passed or failed; it has no weight or scale")
            if key:
                out.append(m.Criterion(key=key, name=name, kind="gate", weight=Fraction(0), min=Fraction(0),
                                       max=Fraction(1), description=description))
            continue
        weight = c.number(cr, "weight", path, minimum=Fraction(0), default=Fraction(1))
        lo = c.number(cr, "min", path, default=Fraction(0))
        hi = c.number(cr, "max", path, default=Fraction(10))
        if lo is not None and hi is not None and lo >= hi:
            c.add(f"{path}.max", f"the scale's max ({hi}) must be above its min ({lo})")
        direction = c.choice(cr, "direction", path, m.DIRECTIONS, default="benefit") or "benefit"
        if key:
            out.append(m.Criterion(key=key, name=name, kind="score", weight=weight or Fraction(0),
                                   min=lo if lo is not None else Fraction(0),
                                   max=hi if hi is not None else Fraction(10),
                                   direction=direction, description=description))
    scored = [cr for cr in out if cr.kind == "score"]
    if scored and sum(cr.weight for cr in scored) == 0:
        c.add("criteria", "the scored criteria's weights add up to 0; at least one must carry weight")
    return out


def _rounds(c: _Checker, items: list, participants: list[m.Participant], initiatives: list[m.Initiative],
            criteria: list[m.Criterion]) -> list[m.Round]:
    seen: set[str] = set()
    people = {p.key for p in participants}
    items_known = {i.key for i in initiatives}
    criteria_by_key = {cr.key: cr for cr in criteria}
    out = []
    for n, raw in enumerate(items):
        path = f"rounds[{n}]"
        r = c.obj(raw, path, ROUND_FIELDS, ("key", "method"))
        if r is None:
            continue
        key = c.key(r, path, seen, "round")
        method = c.choice(r, "method", path, m.METHODS)
        if method is None:
            continue
        anonymous = c.boolean(r, "anonymous", path)
        title = c.text(r, "title", path)
        settings, typed = _settings(c, r.get("settings"), f"{path}.settings", method, len(initiatives))
        votes = _votes(c, c.array(r.get("votes"), f"{path}.votes", MAX_VOTES), f"{path}.votes", method, anonymous,
                       people, items_known, criteria_by_key)
        if typed is not None:
            context = rules.Context(
                initiatives={i.key: i.title for i in initiatives},
                criteria={k: cr for k, cr in criteria_by_key.items() if cr.kind == "score"},
                gates={k: cr for k, cr in criteria_by_key.items() if cr.kind == "gate"},
                participants={p.key: p.name for p in participants}, round_title=title or (key or ""))
            _judge(c, votes, f"{path}.votes", typed, context)
        votes = [v for v, _ok in votes]
        voted = _key_list(c, r.get("voted"), f"{path}.voted", people, "participant")
        abstained = _key_list(c, r.get("abstained"), f"{path}.abstained", people, "participant")
        if voted and not anonymous:
            c.add(f"{path}.voted", "only anonymous rounds list who voted separately from their votes")
        if anonymous:
            # Secret ballots are kept in ballot-id order, never in the order cast,
            # so the file's order cannot hint at who voted when.
            votes.sort(key=lambda v: (v.ballot or "", v.initiative or "", v.criterion or ""))
        min_group = c.number(r, "min_group", path, integer=True, minimum=Fraction(2), maximum=Fraction(1000),
                             default=Fraction(3))
        if key:
            out.append(m.Round(
                key=key, method=method, title=title, settings=settings,
                status=c.choice(r, "status", path, m.ROUND_STATUSES, default="open") or "open",
                anonymous=anonymous, hidden=c.boolean(r, "hidden", path), votes=tuple(votes),
                voted=tuple(voted), abstained=tuple(abstained),
                min_group=int(min_group) if min_group is not None else 3,
            ))
    return out


def _key_list(c: _Checker, raw: Any, path: str, known: set[str], what: str) -> list[str]:
    out: list[str] = []
    for n, value in enumerate(c.array(raw, path)):
        ref = c.ref(value, f"{path}[{n}]", known, what)
        if ref is not None:
            if ref in out:
                c.add(f"{path}[{n}]", f"{ref!r} is listed twice")
            else:
                out.append(ref)
    return out


def _settings(c: _Checker, raw: Any, path: str, method: str, n_items: int) -> tuple[dict[str, Any], Any]:
    """The stored settings and, when the rule book can use them, their typed form."""
    if raw is not None and not isinstance(raw, dict):
        c.add(path, f"must be an object, not {_type_name(raw)}")
        return {}, None
    raw = raw or {}
    if isinstance(raw, DuplicateKeys):
        for name in raw.duplicates:
            c.add(f"{path}.{name}", "field appears more than once")
    out: dict[str, Any] = {}
    for name, value in raw.items():
        problem = decimal_problem(value)
        if problem:
            c.add(f"{path}.{name}", f"{_show(value)} {problem}")
            return {}, None
        out[name] = Fraction(value) if isinstance(value, Decimal) else value
    problems = rules.settings_problems(method, out, n_items)
    for name, message in problems:
        c.add(f"{path}.{name}", message)
    return out, (None if problems else rules.parse_settings(method, out, n_items))


class NamedProblem(Problem):
    """A rule-book problem: the sentence names the thing; the JSON path follows it."""

    def __str__(self) -> str:
        return f"{self.message} ({self.path})"


# Problems with a whole ballot, not one of its fields.
BALLOT_RULES = {"over_budget", "under_budget", "multiple_rankings"}


def _judge(c: _Checker, votes: list[tuple[m.Vote, bool]], path: str, settings: Any, context: rules.Context) -> None:
    """Judge every ballot of the round with the rule book; name each problem and its place."""
    usable = [n for n, (_v, ok) in enumerate(votes) if ok]
    judged = rules.judge_round(settings, context, [votes[n][0] for n in usable])
    for ballot in judged:
        for p in ballot.verdict.problems:
            entry = ballot.entries[p.entry] if p.entry is not None else ballot.entries[0]
            n = usable[entry]
            where = f"{path}[{n}]" if p.rule in BALLOT_RULES else f"{path}[{n}].{p.field}"
            c.problems.append(NamedProblem(where, located(p.message, votes[n][0], context)))


def located(message: str, vote: m.Vote, context: rules.Context) -> str:
    """The rule book's sentence with whose ballot and which round it is on."""
    if vote.ballot:
        whose = f"secret ballot {vote.ballot}"
    elif vote.participant:
        whose = f"the ballot of {context.person(vote.participant)}"
    else:
        whose = "the room's ballot"
    return f"{message}, on {whose} in round '{context.round_title}'"


def _votes(c: _Checker, items: list, path: str, method: str, anonymous: bool, people: set[str],
           initiatives: set[str], criteria: dict[str, m.Criterion]) -> list[tuple[m.Vote, bool]]:
    """Each vote's shape and references; whether it may be judged (the rule book judges values)."""
    out: list[tuple[m.Vote, bool]] = []
    for n, raw in enumerate(items):
        where = f"{path}[{n}]"
        before = len(c.problems)
        v = c.obj(raw, where, VOTE_FIELDS)
        if v is None:
            continue
        participant = c.ref(v.get("participant"), f"{where}.participant", people, "participant")
        ballot = v.get("ballot")
        if ballot is not None and (not isinstance(ballot, str) or not KEY_RE.match(ballot)):
            c.add(f"{where}.ballot", f"{_show(ballot)} is not a valid ballot id")
            ballot = None
        if anonymous:
            if v.get("participant") is not None:
                c.add(f"{where}.participant", "an anonymous round's ballots must not name who cast them")
            if ballot is None and v.get("ballot") is None:
                c.add(f"{where}.ballot", "is required in an anonymous round")
        else:
            if v.get("ballot") is not None:
                c.add(f"{where}.ballot", "only anonymous rounds use ballot ids; name the participant")
            if v.get("participant") is None and method != "gates":
                c.add(f"{where}.participant", "is required")
        channel = c.choice(v, "channel", where, m.CHANNELS, default="imported") or "imported"
        note = c.text(v, "note", where, limit=MAX_TEXT)
        initiative = None
        criterion = None
        value: Any = None
        effort = None
        ranking = None
        if method == "ranking":
            for extra in ("initiative", "criterion", "value", "effort"):
                if v.get(extra) is not None:
                    c.add(f"{where}.{extra}", "ranking votes carry a 'ranking' list, not this field")
            ranking = _ranking(c, v.get("ranking"), f"{where}.ranking", initiatives)
        else:
            if v.get("ranking") is not None:
                c.add(f"{where}.ranking", f"only ranking rounds take a 'ranking' list, not {method}")
            initiative = c.ref(v.get("initiative"), f"{where}.initiative", initiatives, "initiative")
            if v.get("initiative") is None:
                c.add(f"{where}.initiative", "is required")
            raw_value = v.get("value")
            if method in ("matrix", "gates"):
                criterion = c.ref(v.get("criterion"), f"{where}.criterion", set(criteria), "criterion")
                if v.get("criterion") is None:
                    c.add(f"{where}.criterion", "is required")
            elif v.get("criterion") is not None:
                c.add(f"{where}.criterion", f"{method} votes are not given per criterion")
            if method != "value_effort" and v.get("effort") is not None:
                c.add(f"{where}.effort", "only value/effort rounds take an effort score")
            if method in ("dots", "matrix"):
                if raw_value is None:
                    c.add(f"{where}.value", "is required")
                value = c.number(v, "value", where)
                if method == "dots" and value is not None and value.denominator == 1:
                    value = int(value)
            elif method == "value_effort":
                if raw_value is None and v.get("effort") is None:
                    c.add(f"{where}.value", "a value or an effort score is required")
                value = c.number(v, "value", where)
                effort = c.number(v, "effort", where)
            elif method == "moscow":
                if not isinstance(raw_value, str):
                    c.add(f"{where}.value", f"must be one of {', '.join(m.MOSCOW)}, not {_type_name(raw_value)}")
                else:
                    value = rules.moscow_word(raw_value) or raw_value
            elif method == "gates":
                if not isinstance(raw_value, bool):
                    c.add(f"{where}.value", f"must be true (passes) or false (fails), not {_type_name(raw_value)}")
                else:
                    value = raw_value
        out.append((m.Vote(participant=participant, initiative=initiative, criterion=criterion, value=value,
                           effort=effort, ranking=ranking, channel=channel, ballot=ballot if anonymous else None,
                           note=note), len(c.problems) == before))
    return out


def _ranking(c: _Checker, raw: Any, path: str, initiatives: set[str]) -> m.RankingBallot | None:
    """The shape of a ranking (best first; a list is a group of equals). The rule book
    judges what it names (unknown or repeated initiatives, empty groups)."""
    if raw is None:
        c.add(path, "is required")
        return None
    if not isinstance(raw, list):
        c.add(path, f"must be a list (best first), not {_type_name(raw)}")
        return None
    out: list = []
    ok = True
    for n, entry in enumerate(raw):
        where = f"{path}[{n}]"
        group = entry if isinstance(entry, list) else [entry]
        for g, key in enumerate(group):
            spot = f"{where}[{g}]" if isinstance(entry, list) else where
            if isinstance(key, list):
                c.add(spot, "groups cannot be nested")
                ok = False
            elif not isinstance(key, str):
                c.add(spot, f"must be an initiative key, not {_type_name(key)}")
                ok = False
        if ok:
            out.append(tuple(group) if isinstance(entry, list) else entry)
    return tuple(out) if ok else None


def _decisions(c: _Checker, items: list, initiatives: set[str], rounds: set[str], version: int = VERSION
               ) -> list[m.Decision]:
    out = []
    for n, raw in enumerate(items):
        path = f"decisions[{n}]"
        d = c.obj(raw, path, DECISION_FIELDS, ("initiative", "outcome", "rationale"))
        if d is None:
            continue
        initiative = c.ref(d.get("initiative"), f"{path}.initiative", initiatives, "initiative")
        outcome = c.choice(d, "outcome", path, ("include", "exclude"))
        rationale = c.text(d, "rationale", path, limit=MAX_TEXT, required=True)
        round_key = c.ref(d.get("round"), f"{path}.round", rounds, "round")
        # Files before the kinds have none: an include then took a slot within the bandwidth.
        kind = c.choice(d, "kind", path, m.OVERRIDE_KINDS)
        if kind and outcome and m.OVERRIDE_KIND_OUTCOME[kind] != outcome:
            c.add(f"{path}.kind", f"{kind!r} ({m.OVERRIDE_KIND_LABELS[kind]}) does not fit outcome {outcome!r}")
            continue
        decided_at = _decided_at(c, d, path, version)
        if initiative and outcome:
            out.append(m.Decision(initiative=initiative, outcome=outcome, rationale=rationale, round=round_key,
                                  kind=kind or m.Decision(initiative, outcome, rationale).effective_kind,
                                  decided_at=decided_at))
    return out


def _decided_at(c: _Checker, d: dict, path: str, version: int) -> dt.datetime | None:
    """When a decision was recorded: ISO 8601 date and time with its offset, kept as UTC."""
    value = d.get("decided_at")
    if value is None:
        return None
    where = f"{path}.decided_at"
    if version < 2:
        c.add(where, "decision times came with version 2 of the session format; this file says version 1")
        return None
    if not isinstance(value, str):
        c.add(where, f"must be a date and time as text (e.g. 2026-11-19T11:42:00Z), not {_type_name(value)}")
        return None
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError:
        c.add(where, f"{_show(value)} is not a date and time (e.g. 2026-11-19T11:42:00Z)")
        return None
    if at.utcoffset() is None:
        c.add(where, f"{_show(value)} has no time zone: add Z for UTC or an offset such as +01:00")
        return None
    return at.astimezone(dt.timezone.utc)


def _actions(c: _Checker, items: list, initiatives: set[str]) -> list[m.Action]:
    seen: set[str] = set()
    out = []
    for n, raw in enumerate(items):
        path = f"actions[{n}]"
        a = c.obj(raw, path, ACTION_FIELDS, ("title",))
        if a is None:
            continue
        key = c.key(a, path, seen, "action") if a.get("key") is not None else ""
        out.append(m.Action(
            key=key or "",
            initiative=c.ref(a.get("initiative"), f"{path}.initiative", initiatives, "initiative"),
            title=c.text(a, "title", path, limit=MAX_TEXT, required=True),
            owner=c.text(a, "owner", path),
            measure=c.text(a, "measure", path, limit=MAX_TEXT),
            due=c.date(a, "due", path),
        ))
    # Actions without a key get the first free a1, a2, ... so every action is addressable.
    used = {a.key for a in out if a.key}
    counter = 0
    keyed = []
    for action in out:
        if not action.key:
            counter += 1
            while f"a{counter}" in used:
                counter += 1
            used.add(f"a{counter}")
            action = m.Action(**{**action.__dict__, "key": f"a{counter}"})
        keyed.append(action)
    return keyed
