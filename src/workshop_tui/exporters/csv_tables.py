"""Every table of a session as CSV: one file per table, in a folder or a .zip.

UTF-8 with a BOM and CRLF line ends, so Excel opens accents correctly with a
double click. Text cells that a spreadsheet would run as a formula (starting
with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return) get a leading
``'``; numbers are written as numbers. Secret rounds have no vote file (their
ballots could be matched by content to the same people's named votes), and a
round whose results may not be shown (``domain.rounds``) has neither.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from fractions import Fraction
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from workshop_tui.domain import model as m
from workshop_tui import presentation
from workshop_tui.domain import rounds as round_policy
from workshop_tui.domain.numbers import display
from workshop_tui.heap import collector_paused

SUFFIX = ".zip"
ENCODING = "utf-8-sig"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same session gives the same bytes


def neutralise(text: str) -> str:
    """Stop a spreadsheet from treating user text as a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def exact(x: Fraction | int | None) -> str:
    """A value someone typed: exactly as a decimal when it terminates, else 4 dp."""
    if x is None:
        return ""
    f = Fraction(x)
    if f.denominator == 1:
        return str(f.numerator)
    den = f.denominator
    for p in (2, 5):
        while den % p == 0:
            den //= p
    if den == 1:
        places = 0
        while (f * 10**places).denominator != 1:
            places += 1
        sign = "-" if f < 0 else ""
        digits = str(abs(f.numerator * 10**places // f.denominator)).rjust(places + 1, "0")
        return f"{sign}{digits[:-places]}.{digits[-places:]}"
    return display(f)


def computed(x: object) -> str:
    """A computed number, rounded for export (4 dp, half away from zero)."""
    if x is None:
        return ""
    if isinstance(x, bool):
        return "true" if x else "false"
    return str(presentation.number(x, "csv"))  # type: ignore[arg-type]


def _cell(value: object) -> str:
    kind = type(value)
    if kind is Fraction and value.denominator == 1:  # a vote's usual value, quickly
        return str(value.numerator)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Num):
        return str(value)
    if isinstance(value, str):
        return neutralise(value)
    if isinstance(value, Fraction):
        return exact(value)
    return str(value)


@dataclass(frozen=True)
class Table:
    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]

    def to_text(self) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(self.headers)
        if len(set(map(len, self.rows))) > 1:  # ragged: row by row (zip would cut the longer rows)
            writer.writerows([_cell(v) for v in row] for row in self.rows)
        elif self.rows:
            # Column by column (a round's votes are 120,000 rows): each distinct cell of a
            # text column is converted once; every cell still reads as ``_cell`` gives it.
            writer.writerows(zip(*(_column(column) for column in zip(*self.rows))))
        return buffer.getvalue()


def _column(values: tuple) -> list[str]:
    """``_cell`` of each value, converted once per distinct object (the votes share their
    keys, names and numbers): keyed by identity, so equal values of different types
    (True, 1, Fraction(1)) never share an answer."""
    kinds = set(map(type, values))
    if kinds == {type(None)}:
        return [""] * len(values)
    if kinds == {str}:
        # Text: hashed once already, so by value; most of it is written as it is.
        memo = {value: _cell(value) for value in set(values)}
        if all(cell is value for value, cell in memo.items()):
            return values
        return list(map(memo.__getitem__, values))
    ids = list(map(id, values))
    memo = {key: _cell(value) for key, value in dict(zip(ids, values)).items()}
    return list(map(memo.__getitem__, ids))


class Num(str):
    """An already formatted number: written as is, never neutralised."""


def ranking_text(ballot: m.RankingBallot | None) -> str:
    """A ranking ballot as people write it: best first, '=' joins equal ranks."""
    if not ballot:
        return ""
    return " > ".join(" = ".join(entry) if isinstance(entry, tuple) else entry for entry in ballot)


def tables(workshop: m.Workshop, engine=None) -> list[Table]:
    """``engine``: ``domain.results`` (the default) or a ``Prepared`` that shares its answers."""
    if engine is None:
        from workshop_tui.domain import results as engine

    s = workshop.session
    out = [
        Table("session", ("field", "value"), (
            ("title", s.title), ("organisation", s.organisation), ("date", s.date.isoformat() if s.date else ""),
            ("facilitator", s.facilitator), ("mission", s.mission),
            ("horizon_years", s.horizon_years), ("bandwidth", s.bandwidth), ("budget", s.budget),
            ("max_actions", s.max_actions), ("stage", s.stage), ("description", s.description),
        )),
        Table("participants", ("key", "name", "role", "site"),
              tuple((p.key, p.name, p.role, p.site) for p in workshop.participants)),
        Table("initiatives", ("key", "title", "description", "owner", "service_area", "portfolio", "kind", "effort",
                              "cost", "decided", "depends_on"),
              tuple((i.key, i.title, i.description, i.owner, i.service_area, i.portfolio, i.kind, i.effort, i.cost,
                     i.decided, "; ".join(i.depends_on)) for i in workshop.initiatives)),
        Table("demands", ("initiative", "bottleneck", "amount"),
              tuple((i.key, b, amount) for i in workshop.initiatives for b, amount in sorted(i.demands.items()))),
        Table("bottlenecks", ("key", "name", "capacity", "unit"),
              tuple((b.key, b.name, b.capacity, b.unit) for b in workshop.bottlenecks)),
        Table("criteria", ("key", "name", "kind", "weight", "min", "max", "direction", "description"),
              tuple((c.key, c.name, c.kind, c.weight if c.kind == "score" else None,
                     c.min if c.kind == "score" else None, c.max if c.kind == "score" else None,
                     c.direction if c.kind == "score" else None, c.description) for c in workshop.criteria)),
        Table("rounds", ("key", "title", "method", "anonymous", "status", "settings", "ballots", "voted", "abstained"),
              tuple((r.key, r.title, r.method, r.anonymous, r.status,
                     json.dumps({k: exact(v) if isinstance(v, Fraction) else v for k, v in sorted(r.settings.items())},
                                ensure_ascii=False),
                     len({r.ballot_id(v) for v in r.votes}),
                     len(r.voted) if r.anonymous and round_policy.publication(r).voted else None,
                     len(r.abstained)) for r in workshop.rounds)),
    ]
    for rnd in workshop.rounds:
        # The round policy decides: a votes table only for a named round whose results
        # may be shown (never a secret ballot, in any order), results only when shown.
        pub = round_policy.publication(rnd)
        if pub.ballots:
            out.append(_votes(workshop, rnd))
        if pub.results:
            out.append(_results(workshop, engine, rnd))
    names = {p.key: p.name for p in workshop.participants}
    out.append(Table("gate_assessments", ("sheet", "participant", "participant_name", "initiative", "criterion",
                                          "passed", "channel", "note"),
                     tuple((g.key, a.participant, names.get(a.participant or "", ""), a.initiative, a.criterion,
                            a.passed, a.channel, a.note) for g in workshop.gate_sheets for a in g.assessments)))
    out += _plan(workshop, engine)
    titles = {i.key: i.title for i in workshop.initiatives}
    out.append(Table("decisions", ("initiative", "title", "outcome", "kind", "rationale", "round", "decided_at"),
                     tuple((d.initiative, titles.get(d.initiative, ""), d.outcome, d.effective_kind, d.rationale,
                            d.round, _instant(d.decided_at)) for d in workshop.decisions)))
    out.append(Table("actions", ("key", "title", "initiative", "initiative_title", "owner", "measure", "due"),
                     tuple((a.key, a.title, a.initiative, titles.get(a.initiative or "", ""), a.owner, a.measure,
                            a.due.isoformat() if a.due else "") for a in workshop.actions)))
    return out


def _instant(at) -> str:
    """UTC, ISO 8601 with Z (as in the session file); empty when the time was not recorded."""
    import datetime as dt  # noqa: PLC0415

    return "" if at is None else at.astimezone(dt.timezone.utc).isoformat().replace("+00:00", "Z")


def _votes(workshop: m.Workshop, rnd: m.Round) -> Table:
    values = ("initiative", "criterion", "value", "effort", "ranking", "channel", "note")

    names = {p.key: p.name for p in workshop.participants}
    if not rnd.votes:
        return Table(f"votes_{rnd.key}", ("participant", "participant_name") + values, ())
    # Column by column, in C where it can be (a large round has 120,000 votes).
    people, initiatives, criteria, scores, efforts, rankings, channels, notes = zip(*map(_VOTE_FIELDS, rnd.votes))
    return Table(f"votes_{rnd.key}", ("participant", "participant_name") + values,
                 tuple(zip(people, map(names.get, people, repeat("")), initiatives, criteria, scores, efforts,
                           [ranking_text(r) if r else "" for r in rankings], channels, notes)))


_VOTE_FIELDS = attrgetter("participant", "initiative", "criterion", "value", "effort", "ranking", "channel", "note")


def _results(workshop: m.Workshop, engine, rnd: m.Round) -> Table:
    titles = {i.key: i.title for i in workshop.initiatives}
    headers = ("rank", "tied", "initiative", "title", "score", "supporters", "n", "mean", "median", "sd", "iqr",
               "contested")
    try:
        result = engine.round_result(workshop, rnd.key)
    except (engine.SettingsError, ValueError):
        return Table(f"results_{rnd.key}", headers, ())
    rows = []
    for r in result.ranking:
        sp = r.spread
        rows.append((r.rank, r.tied, r.initiative, titles.get(r.initiative, ""), Num(computed(r.score)),
                     r.supporters, sp.n if sp else None, Num(computed(sp.mean if sp else None)),
                     Num(computed(sp.median if sp else None)), Num(computed(sp.sd if sp else None)),
                     Num(computed(sp.iqr if sp else None)), r.contested))
    return Table(f"results_{rnd.key}", headers, tuple(rows))


def _plan(workshop: m.Workshop, engine) -> list[Table]:
    titles = {i.key: i.title for i in workshop.initiatives}
    headers = ("decision", "initiative", "title", "rank", "tied", "score", "wave", "decided", "reason_codes", "reasons")
    cap_headers = ("key", "name", "used", "capacity", "unit")
    override_headers = ("initiative", "title", "kind", "round", "displaced", "made_room_for", "effect", "rationale")
    empty = [Table("plan", headers, ()), Table("capacity", cap_headers, ()), Table("overrides", override_headers, ())]
    if engine.latest_scored_round(workshop) is None:
        return empty
    try:
        p = engine.plan(workshop)
    except (engine.PlanInputError, engine.SettingsError, ValueError):
        return empty
    rows = []
    for label, items in (("will_do", p.will_do), ("undecided", p.undecided), ("not_now", p.not_now), ("wont", p.wont)):
        for i in items:
            rows.append((label, i.initiative, titles.get(i.initiative, ""), i.rank, i.tied, Num(computed(i.score)),
                         i.wave, i.decided, " ".join(r.code for r in i.reasons), "; ".join(r.detail for r in i.reasons)))
    caps = list(p.bottlenecks) + ([p.budget] if p.budget is not None else [])
    overrides = tuple((o.initiative, titles.get(o.initiative, ""), o.kind, o.round, " ".join(o.displaced),
                       " ".join(o.made_room_for), o.text, o.rationale) for o in p.overrides)
    return [Table("plan", headers, tuple(rows)),
            Table("capacity", cap_headers, tuple((c.key, c.name, Num(computed(c.used)), Num(computed(c.capacity)),
                                                  c.unit) for c in caps)),
            Table("overrides", override_headers, overrides)]


def _encoded(table: Table) -> bytes:
    return table.to_text().encode(ENCODING)


@collector_paused()  # a writer makes millions of acyclic objects (see heap.py)
def write(workshop: m.Workshop, path: Path, prepared=None) -> Path:
    """A folder of CSV files, or one .zip of them when ``path`` ends in .zip.

    ``prepared``: an ``exporters.prepared.Prepared`` for this workshop, to share
    its round results and plan with other formats."""
    from workshop_tui.exporters.files import TargetError, refuse_special, write_bytes_atomically

    path = Path(path)
    all_tables = tables(workshop, prepared)
    if path.suffix.lower() == ".zip":
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for table in all_tables:
                info = zipfile.ZipInfo(f"{table.name}.csv", date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, _encoded(table))
        return write_bytes_atomically(path, buffer.getvalue())
    found = refuse_special(path, folder_ok=True)
    if found is not None and not path.is_dir():
        raise TargetError(f"{path} is a file; give a folder (or a name ending in .zip) for csv. Nothing was written.")
    path.mkdir(parents=True, exist_ok=True)
    for table in all_tables:
        write_bytes_atomically(path / f"{table.name}.csv", _encoded(table))
    # Then drop our tables that this export no longer has (a deleted round's votes and
    # results), and nothing else in the folder.
    fresh = {f"{table.name}.csv" for table in all_tables}
    for stale in our_tables_in(path):
        if stale.name not in fresh:
            stale.unlink(missing_ok=True)
    return path


FIXED_TABLES = frozenset({"session", "participants", "initiatives", "demands", "bottlenecks", "criteria", "rounds",
                          "plan", "capacity", "decisions", "actions"})
ROUND_TABLE_PREFIXES = ("votes_", "results_")


def our_tables_in(folder: Path) -> list[Path]:
    """The regular .csv files in ``folder`` named as this exporter names its tables."""
    out = []
    for candidate in sorted(Path(folder).glob("*.csv")):
        stem = candidate.stem
        ours = stem in FIXED_TABLES or stem.startswith(ROUND_TABLE_PREFIXES)
        if ours and candidate.is_file() and not candidate.is_symlink():
            out.append(candidate)
    return out
