"""The session as an Excel workbook (XlsxWriter, imported only when used).

Sheets: Summary; one per round (the ranking with a native bar chart, then
every vote unless the round is anonymous); Plan (with capacity use);
Decision log; Actions; Initiatives; Participants. Headers are frozen and columns sized to
their content. User text is always written with ``write_string`` so a title
such as ``=HYPERLINK(...)`` stays text and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from fractions import Fraction
from itertools import repeat
from operator import attrgetter
from pathlib import Path

from workshop_tui.domain import model as m
from workshop_tui.domain import rounds as round_policy
from workshop_tui.domain.methods import gates as gates_m
from workshop_tui.domain.numbers import round_half_away
from workshop_tui.exporters import board_pack as bp
from workshop_tui import presentation
from workshop_tui.presentation import plural
from workshop_tui.heap import collector_paused

SUFFIX = ".xlsx"
MAX_WIDTH = 50
WRAP_FROM = 40  # columns wider than this wrap their text
FIXED_CREATED = dt.datetime(2000, 1, 1)
BLOCKS = True  # a round's votes in one piece (exporters/xlsx_block); the tests compare with False


def sheet_name(text: str, used: set[str]) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique ignoring case."""
    base = re.sub(r"[\[\]:*?/\\]", "-", text).strip("'")[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _number(x: object) -> float | None:
    """Exact user values as they are; computed ones to 4 dp (half away from zero)."""
    if x is None or isinstance(x, bool):
        return None
    if isinstance(x, int):
        return float(x)
    if isinstance(x, Fraction) and (x * 10**4).denominator == 1:
        return float(x)
    return float(round_half_away(x))  # type: ignore[arg-type]


def cell_of(value: object) -> tuple | None:
    """What a value becomes in a cell: (kind, data, format name, text its width is measured by),
    kind "s" text, "n" number, "b" true/false, "d" date; None for an empty cell."""
    kind = type(value)
    if kind is str:
        return ("s", value, "text", value) if value else None
    if value is None:
        return None
    if kind is bool:
        return ("b", value, None, "FALSE")
    if kind is dt.date:
        return ("d", dt.datetime(value.year, value.month, value.day), "date", "2027-03-31")
    if kind is dt.datetime:
        return ("d", value, "datetime", "2027-03-31 12:00")
    if kind is Money:
        if value.value is None:
            return None
        number = float(value.value)
        return ("n", number, "money", f"{number:,.0f}")
    if kind is Fraction and value.denominator == 1:
        number = float(value.numerator)
        return ("n", number, "number", f"{number:g}")
    if isinstance(value, (int, float, Fraction)):
        number = _number(value)
        return ("n", number, "number", f"{number:g}")
    text = str(value)
    return ("s", text, "text", text) if text else None


class Money:
    """A sum of money: written as a number with a thousands format."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value


class _Sheet:
    """A worksheet written row by row, remembering column widths."""

    def __init__(self, book, name: str, formats: dict):
        from workshop_tui.exporters.xlsx_block import BlockWorksheet

        self.ws = book.add_worksheet(name, worksheet_class=BlockWorksheet)
        self.name = name
        self.f = formats
        self.row = 0
        self.widths: dict[int, int] = {}
        self.closed = False  # a block of rows has been written: nothing may follow it

    def _width(self, col: int, text: str) -> None:
        longest = len(text) if "\n" not in text else max(len(line) for line in text.split("\n"))
        width = longest + 2 if longest + 2 < MAX_WIDTH else MAX_WIDTH
        known = self.widths.get(col)
        if known is None:
            self.widths[col] = width if width > 8 else 8
        elif width > known:
            self.widths[col] = width

    def title(self, text: str) -> None:
        self.ws.write_string(self.row, 0, text, self.f["title"])
        self.row += 1

    def header(self, labels: list[str]) -> int:
        for col, label in enumerate(labels):
            self.ws.write_string(self.row, col, label, self.f["header"])
            self._width(col, label)
        self.row += 1
        return self.row - 1

    def line(self, cells: list[object]) -> None:
        if self.closed:
            raise RuntimeError("a block of rows must be the sheet's last rows")
        ws, row, width, f = self.ws, self.row, self._width, self.f
        for col, value in enumerate(cells):
            cell = cell_of(value)
            if cell is None:
                continue
            kind, data, fmt, width_text = cell
            if kind == "s":
                ws.write_string(row, col, data, f[fmt])
            elif kind == "n":
                ws.write_number(row, col, data, f[fmt])
            elif kind == "b":
                ws.write_boolean(row, col, data)
            else:
                ws.write_datetime(row, col, data, f[fmt])
            width(col, width_text)
        self.row += 1

    def block(self, columns: list[list[object]]) -> None:
        """Many rows (a round's votes), given column by column, as the sheet's last rows: each
        cell as ``line`` writes it, in one piece when the worksheet can (exporters/xlsx_block),
        else line by line."""
        widths = self.ws.take(self.row, columns, cell_of, self.f) if self.f["blocks"] else None
        if widths is None:
            for cells in zip(*columns):
                self.line(list(cells))
            return
        for col, text in widths:
            self._width(col, text)
        self.row += len(columns[0]) if columns else 0
        self.closed = True

    def skip(self, rows: int = 1) -> None:
        self.row += rows

    def finish(self, freeze_row: int | None = 1) -> None:
        for col, width in self.widths.items():
            self.ws.set_column(col, col, width, self.f["wrap"] if width > WRAP_FROM else None)
        if freeze_row is not None:
            self.ws.freeze_panes(freeze_row, 0)
        # Print setup: A4 landscape, one page wide, the header row on every page.
        ws = self.ws
        ws.set_landscape()
        ws.set_paper(9)
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.set_footer("&L&A&RPage &P of &N")
        if freeze_row:
            ws.repeat_rows(freeze_row - 1)


def render_bytes(workshop: m.Workshop, pack: bp.BoardPack | None = None) -> bytes:
    """``pack``: the board pack when it has already been built for this workshop."""
    if pack is None:
        pack = bp.build(workshop)
    data, sheets = _render(workshop, pack, BLOCKS)
    if any(sheet.block_pending for sheet in sheets):
        # XlsxWriter did not write a block of rows (its internals have changed): cell by cell.
        data, _ = _render(workshop, pack, False)
    return data


def _render(workshop: m.Workshop, pack: bp.BoardPack, blocks: bool) -> tuple[bytes, list]:
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    # A fixed creation date keeps the bytes the same from one export to the next.
    book.set_properties({"title": workshop.session.title, "created": FIXED_CREATED,
                         "comments": "Exported by workshop-tui"})
    formats = {
        "blocks": blocks,  # not a format: whether sheets may write a block of rows in one piece
        "title": book.add_format({"bold": True, "font_size": 14}),
        "header": book.add_format({"bold": True, "bg_color": "#DCE6F1", "bottom": 1, "text_wrap": True,
                                   "valign": "top"}),
        "text": book.add_format({"valign": "top"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
        "number": book.add_format({"num_format": "General", "valign": "top"}),
        "date": book.add_format({"num_format": "yyyy-mm-dd", "valign": "top"}),
        "datetime": book.add_format({"num_format": "yyyy-mm-dd hh:mm", "valign": "top"}),
        "money": book.add_format({"num_format": "#,##0", "valign": "top"}),
    }
    used: set[str] = set()
    _summary(book, formats, used, workshop, pack)
    views = {r.key: r for r in pack.rounds}
    if workshop.gate_sheets:
        _gates_sheet(book, formats, used, workshop, pack)
    for rnd in workshop.rounds:
        _round_sheet(book, formats, used, workshop, rnd, views.get(rnd.key), pack)
    _plan_sheet(book, formats, used, pack)
    _decision_log_sheet(book, formats, used, pack)
    _actions_sheet(book, formats, used, workshop, pack)
    _initiatives_sheet(book, formats, used, workshop)
    _participants_sheet(book, formats, used, workshop)
    book.close()
    return buffer.getvalue(), book.worksheets()


def _summary(book, formats, used, workshop: m.Workshop, pack: bp.BoardPack) -> None:
    """Page one of the board pack: the decision asked, the plan in brief, overrides, risks; then the session."""
    sh = _Sheet(book, sheet_name("Summary", used), formats)
    sh.title(workshop.session.title)
    sh.line(["The decision asked of the board", pack.ask])
    sh.skip()
    v = pack.plan
    if v is not None:
        sh.line(["What we will do"])
        sh.header(["Wave", "Initiative", "Cost", "Why", "Rank", "Tied"])
        for r in v.will_do:
            sh.line([int(r.wave) if r.wave else None, r.title, Money(r.cost_value), r.summary, r.rank_value, r.tied])
        if v.undecided:
            sh.skip()
            sh.line(["Undecided: tied at the cut line"])
            sh.header(["Rank", "Initiative", "Cost", "Why", "", "Tied"])
            for r in v.undecided:
                sh.line([r.rank_value, r.title, Money(r.cost_value), r.summary, None, r.tied])
        sh.skip()
        sh.line(["What we will not do now, and won't do"])
        sh.header(["Rank", "Initiative", "Cost", "Why", "Decision", "Tied"])
        for r, label in [(r, "not now") for r in v.not_now] + [(r, "won't do") for r in v.wont]:
            sh.line([r.rank_value, r.title, Money(r.cost_value), r.summary, label, r.tied])
        if v.overrides:
            sh.skip()
            sh.line(["Overrides and what they displaced"])
            for x in v.overrides:
                sh.line(["", x])
        if v.condorcet:
            sh.line(["", v.condorcet])
    elif pack.plan_problem:
        sh.line(["Plan", pack.plan_problem])
    sh.skip()
    sh.line(["Risks"])
    for x in pack.risks or ("None recorded.",):
        sh.line(["", x])
    sh.skip()
    sh.line(["The session"])
    s = workshop.session
    for label, value in (("Organisation", s.organisation), ("Date", s.date), ("Facilitator", s.facilitator),
                         ("Mission", s.mission), ("Horizon (years)", s.horizon_years),
                         ("Bandwidth (initiatives at once)", s.bandwidth), ("Budget", Money(s.budget)),
                         ("Participants", pack.participants), ("Initiatives", len(workshop.initiatives)),
                         ("Rounds", len(workshop.rounds)), ("Notes", pack.description)):
        sh.line([label, value])
    sh.skip()
    sh.line(["Participants by discipline", None])
    for label, n in pack.by_discipline:
        sh.line([label, n])
    if pack.by_site:
        sh.skip()
        sh.line(["Participants by site", None])
        for site, n in pack.by_site:
            sh.line([site, n])
    sh.finish(None)
    sh.ws.repeat_rows(0)  # the session's title heads every printed page of the summary
    sh.ws.set_column(1, 1, MAX_WIDTH, formats["wrap"])
    sh.ws.set_column(3, 3, MAX_WIDTH, formats["wrap"])


def _gates_sheet(book, formats, used, workshop: m.Workshop, pack: bp.BoardPack) -> None:
    """The gate table, then every assessment with its note (gate assessments are not a round)."""
    first = workshop.gate_sheets[0].key
    label = m.METHOD_LABELS["gates"]
    sh = _Sheet(book, sheet_name(label if first == gates_m.OWN_SHEET else f"{first} {label}", used), formats)
    head = sh.header(["Initiative", "Title"] + list(pack.gate_names) + ["Outcome", "Notes on failures"])
    for g in pack.gates:
        sh.line([g.key, g.title] + list(g.outcomes) + ["passes" if g.passes else "ruled out", g.notes])
    sh.skip()
    names = {p.key: p.name for p in workshop.participants}
    sh.line(["Assessments"])
    sh.header(["Participant", "Name", "Initiative", "Gate", "Outcome", "Channel", "Note"])
    for sheet in workshop.gate_sheets:
        for a in sheet.assessments:
            sh.line([a.participant, names.get(a.participant or "", ""), a.initiative, a.criterion,
                     "pass" if a.passed else "fail", a.channel, a.note])
    sh.finish(head + 1)


def _round_sheet(book, formats, used, workshop: m.Workshop, rnd: m.Round, view: bp.RoundView | None,
                 pack: bp.BoardPack) -> None:
    sh = _Sheet(book, sheet_name(f"{rnd.key} {m.METHOD_LABELS.get(rnd.method, rnd.method)}", used), formats)
    if view is not None and view.withheld:
        # The round policy withholds this round: say why, nothing else.
        head = sh.header(["Round"])
        sh.line([view.withheld])
    else:
        head = sh.header(["Rank", "Tied", "Title", view.score_label if view else "Score", "Supporters", "n",
                          "Spread", "Agreement", "Detail", "Initiative"])
        first = sh.row
        for x in view.rows if view else ():
            sh.line([int(x.rank.lstrip("=")) if x.rank.lstrip("=").isdigit() else x.rank, x.rank.startswith("="),
                     x.title, x.score_value, int(x.supporters) if x.supporters else None,
                     int(x.n) if x.n else None, x.spread, x.agreement, x.extra, x.key])
        last = sh.row - 1
        if view is not None and last >= first and any(x.score_value is not None for x in view.rows):
            _chart(book, sh, view, first, last)
        if view is not None:
            sh.skip()
            sh.line([f"{plural(view.counted, 'ballot')} counted, {view.blank} blank, {view.rejected} rejected"])
            if view.agreement:
                sh.line([view.agreement])
            for note in view.notes:
                sh.line([note])
    sh.skip()
    pub = round_policy.publication(rnd)
    if pub.ballots:
        _votes(sh, workshop, rnd)
    elif rnd.anonymous and pub.voted:
        # A secret ballot: the sheet gives the ranking and counts, never the ballots.
        turnout = presentation.secret_turnout(len(rnd.voted), round_policy.ballot_count(rnd))
        sh.line([f"Secret ballot: {turnout}; individual ballots are not shown."])
    sh.finish(head + 1)


def _chart(book, sh: _Sheet, view: bp.RoundView, first: int, last: int) -> None:
    chart = book.add_chart({"type": "bar"})
    chart.add_series({
        "name": view.score_label,
        "categories": [sh.name, first, 2, last, 2],
        "values": [sh.name, first, 3, last, 3],
        "fill": {"color": "#005EB8"},
        "data_labels": {"value": True},
    })
    chart.set_title({"name": f"Round {view.key}: {view.title}"[:200]})
    chart.set_legend({"none": True})
    chart.set_y_axis({"reverse": True})  # best first, at the top
    chart.set_x_axis({"name": view.score_label, "major_gridlines": {"visible": True}})
    rows = last - first + 1
    chart.set_size({"width": 720, "height": max(280, 24 * rows + 90)})
    sh.ws.insert_chart(first - 1, 10, chart)


def _votes(sh: _Sheet, workshop: m.Workshop, rnd: m.Round) -> None:
    from workshop_tui.exporters.csv_tables import ranking_text

    names = {p.key: p.name for p in workshop.participants}
    sh.line(["Votes"])
    sh.header(["Participant", "Name", "Initiative", "Criterion", "Value", "Effort", "Ranking", "Channel", "Note"])
    if not rnd.votes:
        return
    # Column by column, in C where it can be (a large round has 120,000 votes).
    people, initiatives, criteria, values, efforts, rankings, channels, notes = zip(*map(_VOTE_FIELDS, rnd.votes))
    sh.block([people, list(map(names.get, [p or "" for p in people], repeat(""))), initiatives, criteria,
              [("pass" if x else "fail") if isinstance(x, bool) else x for x in values], efforts,
              [ranking_text(r) if r else "" for r in rankings], channels, notes])


_VOTE_FIELDS = attrgetter("participant", "initiative", "criterion", "value", "effort", "ranking", "channel", "note")


def _plan_sheet(book, formats, used, pack: bp.BoardPack) -> None:
    sh = _Sheet(book, sheet_name("Plan", used), formats)
    head = sh.header(["Decision", "Wave", "Rank", "Tied", "Title", "Score", "Cost", "Decided", "Reason codes",
                      "Reasons", "Initiative"])
    if pack.plan is None:
        sh.line([pack.plan_problem])
        sh.finish(head + 1)
        return
    v = pack.plan
    for label, rows in (("will do", v.will_do), ("undecided", v.undecided), ("not now", v.not_now),
                        ("won't do", v.wont)):
        for r in rows:
            sh.line([label, int(r.wave) if r.wave else None, r.rank_value, r.tied, r.title, r.score_value,
                     Money(r.cost_value), r.decided, r.codes, r.reasons, r.key])
    for x in v.overrides:
        sh.line([f"Override: {x}"])
    if v.capacity:
        sh.skip()
        sh.header(["Constraint", "Used", "Capacity", "Unit"])
        for c in v.capacity:
            sh.line([c.name, c.used_value, c.capacity_value, c.unit])
    for w in v.warnings:
        sh.line([f"Warning: {w}"])
    sh.finish(head + 1)


def _decision_log_sheet(book, formats, used, pack: bp.BoardPack) -> None:
    """Every override and tie resolution: what, when (UTC), in which round, its effect and why."""
    sh = _Sheet(book, sheet_name("Decision log", used), formats)
    head = sh.header(["Initiative", "Decision", "Recorded (UTC)", "Round", "Effect", "Rationale"])
    for o in pack.overrides:
        # A decision from before the app kept the time says so in words, never a made-up date.
        sh.line([o.title, o.outcome, o.when_value if o.when_value is not None else o.when, o.round, o.effect,
                 o.rationale])
    if not pack.overrides:
        sh.line(["No overrides were recorded."])
    v = pack.plan
    if v is not None and v.tie_break:
        sh.line([f"Ties in the plan's round are settled by a declared tie-break: {v.tie_break}."])
    if v is not None and v.undecided:
        sh.line([f"Unresolved: {', '.join(r.title for r in v.undecided)} tie across the cut line."])
    if pack.decided:
        sh.skip()
        sh.line(["Decisions already made (they take bandwidth and capacity first)"])
        sh.header(["Initiative", "Decision", "Owner"])
        for d in pack.decided:
            sh.line([d.title, d.decided, d.owner])
    sh.finish(head + 1)


def _actions_sheet(book, formats, used, workshop: m.Workshop, pack: bp.BoardPack) -> None:
    sh = _Sheet(book, sheet_name("Actions", used), formats)
    sh.header(["Key", "Action", "Initiative", "Owner", "Measure", "Due", "Check"])
    titles = {i.key: i.title for i in workshop.initiatives}
    # pack.actions is workshop.actions in the same order: pair them by place (titles may repeat).
    for a, row in zip(workshop.actions, pack.actions):
        sh.line([a.key, a.title, titles.get(a.initiative or "", a.initiative), a.owner, a.measure, a.due, row.flags])
    sh.finish()


def _initiatives_sheet(book, formats, used, workshop: m.Workshop) -> None:
    sh = _Sheet(book, sheet_name("Initiatives", used), formats)
    keys = [b.key for b in workshop.bottlenecks]
    sh.header(["Key", "Title", "Description", "Owner", "Service area", "Portfolio", "Kind", "Effort", "Cost",
               "Decided", "Depends on"] + [f"Needs: {b.name}" for b in workshop.bottlenecks])
    rows = [[i.key, i.title, i.description, i.owner, i.service_area, i.portfolio, i.kind, i.effort, Money(i.cost),
             m.DECIDED_LABELS.get(i.decided or "", None), "; ".join(i.depends_on)] + [i.demands.get(k) for k in keys]
            for i in workshop.initiatives]
    if rows:
        sh.block([list(column) for column in zip(*rows)])
    sh.finish()


def _participants_sheet(book, formats, used, workshop: m.Workshop) -> None:
    sh = _Sheet(book, sheet_name("Participants", used), formats)
    sh.header(["Key", "Name", "Discipline", "Site"])
    for p in workshop.participants:
        sh.line([p.key, p.name, m.ROLE_LABELS.get(p.role, p.role), p.site])
    sh.finish()


@collector_paused()  # a writer makes millions of acyclic objects (see heap.py)
def write(workshop: m.Workshop, path: Path, prepared=None) -> Path:
    """``prepared``: an ``exporters.prepared.Prepared`` for this workshop, whose board pack is shared."""
    from workshop_tui.exporters.files import write_bytes_atomically

    return write_bytes_atomically(Path(path), render_bytes(workshop, prepared.pack if prepared is not None else None))
