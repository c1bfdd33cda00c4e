"""The board pack as one self-contained HTML file: inline CSS and SVG charts,
no scripts, no fonts or images fetched, printable to PDF from any browser.

Every piece of user text goes through ``html.escape``, so a title such as
``<script>`` is shown, never run.
"""

from __future__ import annotations

import html
import math
from pathlib import Path

from workshop_tui.domain.model import Workshop
from workshop_tui.exporters import board_pack as bp
from workshop_tui.heap import collector_paused
from workshop_tui.presentation import plural

SUFFIX = ".html"

CSS = """
:root { --ink:#1d2430; --muted:#5b6472; --rule:#d6dae0; --accent:#005eb8; --good:#007f3b;
        --warn:#b35c00; --bad:#b3261e; --paper:#ffffff; --band:#f3f5f8; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; color: var(--ink);
       background: var(--paper); margin: 0 auto; max-width: 1060px; padding: 24px 32px 48px; }
header { border-bottom: 4px solid var(--accent); padding-bottom: 12px; margin-bottom: 8px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 21px; margin: 32px 0 8px; border-bottom: 1px solid var(--rule); padding-bottom: 4px; }
h3 { font-size: 17px; margin: 20px 0 6px; }
.meta, .note, figcaption { color: var(--muted); }
.mission { font-size: 18px; border-left: 4px solid var(--accent); margin: 12px 0; padding: 4px 14px;
           background: var(--band); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 14px; font-size: 14px; }
th, td { border-bottom: 1px solid var(--rule); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: var(--band); font-weight: 600; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; width: 1%; }
td.num { white-space: nowrap; }  /* a long heading ("Initiatives ranked below") wraps; the numbers never do */
td.spread { min-width: 9em; }
td.title { min-width: 13em; }
td.nowrap, th.nowrap { white-space: nowrap; }
td.why { width: 50%; }
tr { break-inside: avoid; page-break-inside: avoid; }
.tag { display: inline-block; padding: 0 6px; border-radius: 3px; font-size: 12px; font-weight: 600; }
.tag.agreed { background: #e3f2e8; color: var(--good); }
.tag.contested { background: #fdeee0; color: var(--warn); }
.tag.fail, .tag.ruled-out { background: #fbe4e2; color: var(--bad); }
.tag.pass, .tag.passes { background: #e3f2e8; color: var(--good); }
table.narrow { width: auto; min-width: 360px; }
.cards { display: flex; gap: 12px; flex-wrap: wrap; margin: 8px 0; }
.card { flex: 1 1 150px; border: 1px solid var(--rule); border-radius: 6px; padding: 8px 12px; }
.card b { display: block; font-size: 24px; }
figure { margin: 10px 0 16px; break-inside: avoid; page-break-inside: avoid; }
svg { max-width: 100%; height: auto; font-family: inherit; }
svg text { fill: var(--ink); font-size: 12px; }
svg .axis { stroke: var(--muted); stroke-width: 1; }
svg .grid { stroke: var(--rule); stroke-width: 1; stroke-dasharray: 4 3; }
svg .bar { fill: var(--accent); }
svg .bar.will { fill: var(--good); }
svg .bar.over { fill: var(--bad); }
svg .cap { fill: var(--band); stroke: var(--rule); }
svg .pt { fill: var(--accent); stroke: #fff; stroke-width: 1.5; }
svg .pt-label { fill: #fff; font-size: 10px; font-weight: 700; }
svg .quad { fill: var(--muted); font-size: 12px; font-weight: 600; }
.warning { color: var(--warn); }
.keep { break-inside: avoid; page-break-inside: avoid; }
.ask { font-size: 16px; border: 2px solid var(--accent); border-radius: 6px; padding: 8px 14px; margin: 12px 0; }
ul.risks li, ul.effects li { margin: 2px 0; }
.flag { color: var(--bad); font-weight: 600; }
svg .pt.will { fill: #009E73; } svg .pt.not-now { fill: #E69F00; } svg .pt.won-t-do { fill: #D55E00; }
svg .pt.undecided { fill: #CC79A7; } svg .pt.none { fill: #56B4E9; }
svg .tick { fill: var(--muted); font-size: 11px; }
.provenance { white-space: pre-line; }
footer { margin-top: 36px; color: var(--muted); font-size: 12px; border-top: 1px solid var(--rule);
         padding-top: 8px; }
@page { size: A4 portrait; margin: 12mm 12mm 14mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 9pt; color: #5b6472; }
        @bottom-left { content: "Board pack"; font-size: 9pt; color: #5b6472; } }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  table { font-size: 9pt; }
  h1 { font-size: 17pt; } .mission { font-size: 10pt; margin: 4px 0; padding: 2px 10px; }
  header { margin-bottom: 2px; padding-bottom: 6px; }
  #page-one h2 { margin-top: 10px; } #page-one h3 { margin: 10px 0 4px; } #page-one table { font-size: 8.5pt; margin: 4px 0 8px; }
  #page-one td, #page-one th { padding: 2px 6px; } #page-one td.title { white-space: nowrap; }
  #page-one h2 { font-size: 15pt; } .ask { font-size: 9.5pt; margin: 4px 0; padding: 4px 10px; }
  h2, h3, dt { break-after: avoid; page-break-after: avoid; }
  h1, h2, h3 { break-inside: avoid; page-break-inside: avoid; }
  /* A heading stays with its table: these sections fit on a page, so they move whole rather than
     leave their heading at the foot of the page before (a longer one still breaks, between rows). */
  #gates, #participation, #traceability, #actions, .lead { break-inside: avoid; page-break-inside: avoid; }
  dl { margin: 0; } dd { margin: 0 0 3px 18px; }
  dd, li { break-inside: avoid; page-break-inside: avoid; }
  svg { max-height: 230mm; }
  section.major { break-before: page; page-break-before: always; }
  a { color: inherit; text-decoration: none; }
  th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _table(headers: list[tuple[str, str]], rows: list[list[str]], classes: list[str] | None = None,
           css: str = "") -> str:
    """``headers`` are (label, class); cells are already-escaped HTML."""
    classes = classes or [cls for _, cls in headers]
    head = "".join(f'<th class="{cls}">{label}</th>' if cls else f"<th>{label}</th>" for label, cls in headers)
    body = "".join(
        "<tr>" + "".join(f'<td class="{c}">{cell}</td>' if c else f"<td>{cell}</td>" for c, cell in zip(classes, row))
        + "</tr>"
        for row in rows
    )
    opening = f'<table class="{css}">' if css else "<table>"
    return f"{opening}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _tag(word: str) -> str:
    if not word:
        return ""
    return f'<span class="tag {e(word.replace(" ", "-"))}">{e(word)}</span>'


def _num(x: float) -> str:
    """SVG coordinates: fixed 1 dp text so the file is the same bytes every time."""
    return f"{x:.1f}"


# ---------------------------------------------------------------- charts


def _lines(text: str, width: int) -> list[str]:
    """A label in full, over as many lines as it needs (charts never cut a title)."""
    import textwrap  # noqa: PLC0415

    return textwrap.wrap(text, width, break_long_words=True) or [""]


def ranking_chart(r: bp.RoundView) -> str:
    rows = [x for x in r.rows if x.score_value is not None]
    if not rows:
        return ""
    label_chars = 44
    label_w, bar_w, line_h, top = 320, 420, 14, 8
    top_value = max(max(x.score_value for x in rows), 0.0)
    low_value = min(min(x.score_value for x in rows), 0.0)
    span = (top_value - low_value) or 1.0
    zero = label_w + bar_w * (-low_value / span)
    labels = [_lines(f"{x.rank}. {x.title}", label_chars) for x in rows]
    heights = [max(22, 8 + line_h * len(lines)) for lines in labels]
    height = top + sum(heights) + 8
    parts = [f'<svg class="chart ranking" role="img" viewBox="0 0 {label_w + bar_w + 70} {height}" '
             f'width="{label_w + bar_w + 70}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
             f"<title>{e(r.score_label)} by initiative, round {e(r.key)}</title>"]
    y = top
    for x, lines, row_h in zip(rows, labels, heights):
        w = bar_w * abs(x.score_value) / span
        left = zero if x.score_value >= 0 else zero - w
        first = y + row_h / 2 + 4 - (len(lines) - 1) * line_h / 2
        spans = "".join(f'<tspan x="{label_w - 8}" y="{_num(first + n * line_h)}">{e(line)}</tspan>'
                        for n, line in enumerate(lines))
        parts.append(f'<text text-anchor="end">{spans}</text>')
        parts.append(f'<rect class="bar" x="{_num(left)}" y="{_num(y + row_h / 2 - 8)}" width="{_num(max(w, 1.0))}" '
                     f'height="16"><title>{e(x.title)}: {e(x.score)}</title></rect>')
        parts.append(f'<text x="{_num(left + max(w, 1.0) + 6)}" y="{_num(y + row_h / 2 + 4)}">{e(x.score)}</text>')
        y += row_h
    parts.append(f'<line class="axis" x1="{_num(zero)}" y1="{top}" x2="{_num(zero)}" y2="{height - 8}"/>')
    parts.append("</svg>")
    return "".join(parts)


# What the plan does with a point: shape and colour (Okabe-Ito, safe for colour-blind readers).
STATUS_MARKS = {"will do": ("will", "circle"), "not now": ("not-now", "square"), "won't do": ("won-t-do", "triangle"),
                "undecided": ("undecided", "diamond"), "": ("none", "circle")}


def _ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    span = hi - lo
    if span <= 0:
        return [lo]
    for step in (0.05, 0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 10**4, 10**5, 10**6):
        if span / step <= most:
            break
    first = math.ceil(lo / step) * step
    out, v = [], first
    while v <= hi + step * 1e-9:
        out.append(round(v, 6))
        v += step
    return out


def _tick_text(v: float) -> str:
    return f"{v:,.0f}" if abs(v - round(v)) < 1e-9 else f"{v:g}"


def _marker(shape: str, cls: str, cx: float, cy: float, title: str) -> str:
    r = 9.0
    if shape == "square":
        body = f'<rect class="pt {cls}" x="{_num(cx - r)}" y="{_num(cy - r)}" width="{_num(2 * r)}" height="{_num(2 * r)}">'
        end = "</rect>"
    elif shape == "triangle":
        # Wider and taller than the circle, so a two-digit number fits inside its lower half.
        pts = f"{_num(cx)},{_num(cy - r - 5)} {_num(cx + r + 6)},{_num(cy + r + 1)} {_num(cx - r - 6)},{_num(cy + r + 1)}"
        body, end = f'<polygon class="pt {cls}" points="{pts}">', "</polygon>"
    elif shape == "diamond":
        pts = f"{_num(cx)},{_num(cy - r - 2)} {_num(cx + r + 2)},{_num(cy)} {_num(cx)},{_num(cy + r + 2)} {_num(cx - r - 2)},{_num(cy)}"
        body, end = f'<polygon class="pt {cls}" points="{pts}">', "</polygon>"
    else:
        body, end = f'<circle class="pt {cls}" cx="{_num(cx)}" cy="{_num(cy)}" r="{_num(r)}">', "</circle>"
    return f"{body}<title>{title}</title>{end}"


def quadrant_chart(q: bp.Quadrants) -> str:
    w, h, pad_l, pad_b, pad_t, pad_r = 720, 500, 86, 84, 16, 16
    plot_w, plot_h = w - pad_l - pad_r, h - pad_t - pad_b
    e_lo0, e_hi0 = q.effort_range
    v_lo0, v_hi0 = q.value_range
    e_span, v_span = (e_hi0 - e_lo0) or 1.0, (v_hi0 - v_lo0) or 1.0
    # A margin inside the axes so points on the edge stay visible.
    e_lo, e_hi, v_lo, v_hi = e_lo0 - e_span * 0.12, e_hi0 + e_span * 0.12, v_lo0 - v_span * 0.12, v_hi0 + v_span * 0.12
    e_span, v_span = e_hi - e_lo, v_hi - v_lo

    def px(effort: float) -> float:
        return pad_l + plot_w * (effort - e_lo) / e_span

    def py(value: float) -> float:
        return pad_t + plot_h * (1 - (value - v_lo) / v_span)

    tx, ty = px(q.effort_threshold), py(q.value_threshold)
    parts = [f'<svg class="chart quadrants" role="img" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
             'xmlns="http://www.w3.org/2000/svg"><title>Value against effort</title>',
             f'<rect x="{pad_l}" y="{pad_t}" width="{plot_w}" height="{plot_h}" fill="none" class="axis" '
             'stroke="#5b6472"/>',
             f'<line class="grid" x1="{_num(tx)}" y1="{pad_t}" x2="{_num(tx)}" y2="{pad_t + plot_h}"/>',
             f'<line class="grid" x1="{pad_l}" y1="{_num(ty)}" x2="{pad_l + plot_w}" y2="{_num(ty)}"/>',
             f'<text class="quad" x="{pad_l + 8}" y="{pad_t + 16}">Quick wins</text>',
             f'<text class="quad" x="{pad_l + plot_w - 8}" y="{pad_t + 16}" text-anchor="end">Major projects</text>',
             f'<text class="quad" x="{pad_l + 8}" y="{pad_t + plot_h - 8}">Fill-ins</text>',
             f'<text class="quad" x="{pad_l + plot_w - 8}" y="{pad_t + plot_h - 8}" text-anchor="end">'
             "Thankless tasks</text>",
             f'<text x="{pad_l + plot_w / 2}" y="{pad_t + plot_h + 38}" text-anchor="middle">{e(q.effort_label)} '
             "(lower is easier) →</text>",
             f'<text x="16" y="{pad_t + plot_h / 2}" text-anchor="middle" '
             f'transform="rotate(-90 16 {pad_t + plot_h / 2})">{e(q.value_label)} →</text>']
    for v in _ticks(e_lo0, e_hi0):
        parts.append(f'<line class="axis" x1="{_num(px(v))}" y1="{pad_t + plot_h}" x2="{_num(px(v))}" '
                     f'y2="{pad_t + plot_h + 5}"/><text class="tick" x="{_num(px(v))}" y="{pad_t + plot_h + 18}" '
                     f'text-anchor="middle">{e(_tick_text(v))}</text>')
    for v in _ticks(v_lo0, v_hi0):
        parts.append(f'<line class="axis" x1="{pad_l - 5}" y1="{_num(py(v))}" x2="{pad_l}" y2="{_num(py(v))}"/>'
                     f'<text class="tick" x="{pad_l - 8}" y="{_num(py(v) + 4)}" text-anchor="end">'
                     f"{e(_tick_text(v))}</text>")
    seen: dict[tuple[float, float], int] = {}
    for n, p in enumerate(q.points, start=1):
        # Initiatives on the same spot are set side by side so none hides another.
        stacked = seen.get((p.effort, p.value), 0)
        seen[(p.effort, p.value)] = stacked + 1
        cx, cy = px(p.effort) + 28 * stacked, py(p.value)
        cls, shape = STATUS_MARKS.get(p.status, STATUS_MARKS[""])
        parts.append(_marker(shape, cls, cx, cy, f"{n}. {e(p.title)}" + (f" ({e(p.status)})" if p.status else "")))
        low = 6.5 if shape == "triangle" else 3.5  # a triangle's wide part is low down
        parts.append(f'<text class="pt-label" x="{_num(cx)}" y="{_num(cy + low)}" text-anchor="middle">{n}</text>')
    present = [s for s in ("will do", "undecided", "not now", "won't do") if any(p.status == s for p in q.points)]
    x = pad_l
    for status in present:
        cls, shape = STATUS_MARKS[status]
        parts.append(_marker(shape, cls, x + 9, h - 16, e(status)))
        parts.append(f'<text x="{x + 28}" y="{h - 12}">{e(status.capitalize())}</text>')
        x += 130
    parts.append("</svg>")
    return "".join(parts)


def capacity_chart(rows: tuple[bp.CapacityRow, ...]) -> str:
    rows = tuple(c for c in rows if c.capacity_value)
    if not rows:
        return ""
    label_w, bar_w, line_h = 260, 300, 13
    labels = [_lines(c.name, 36) for c in rows]  # every name in full, over as many lines as it needs
    heights = [max(30, 10 + line_h * len(lines)) for lines in labels]
    height = sum(heights) + 10
    parts = [f'<svg class="chart capacity" role="img" viewBox="0 0 {label_w + bar_w + 200} {height}" '
             f'width="{label_w + bar_w + 200}" height="{height}" xmlns="http://www.w3.org/2000/svg">'
             "<title>Use of each bottleneck</title>"]
    y = 4
    for c, lines, row_h in zip(rows, labels, heights):
        share = c.used_value / c.capacity_value
        used_w = bar_w * min(share, 1.0)
        cls = "bar over" if share > 1 else "bar will"
        middle = y + row_h / 2
        first = middle + 4 - (len(lines) - 1) * line_h / 2
        spans = "".join(f'<tspan x="{label_w - 8}" y="{_num(first + k * line_h)}">{e(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text text-anchor="end">{spans}</text>')
        parts.append(f'<rect class="cap" x="{label_w}" y="{_num(middle - 10)}" width="{bar_w}" height="20"/>')
        parts.append(f'<rect class="{cls}" x="{label_w}" y="{_num(middle - 10)}" width="{_num(used_w)}" height="20"/>')
        parts.append(f'<text x="{label_w + bar_w + 8}" y="{_num(middle + 4)}">{e(c.used)} of {e(c.capacity)}</text>')
        y += row_h
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------- sections


def render(workshop: Workshop) -> str:
    return render_pack(bp.build(workshop))


def render_pack(p: bp.BoardPack) -> str:
    body = [_header(p), _page_one(p), _plan(p), _quadrants(p), _participation(p), _gates(p), _rounds(p), _trace(p),
            _decision_log(p), _actions(p), _notes(p), _how(p), _glossary(p)]
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<title>{e(p.title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
            + "\n".join(part for part in body if part)
            + "\n<footer>Board pack exported by workshop-tui. Numbers are rounded for reading (half away from zero); "
              "ranks were computed on exact values.</footer>\n</body>\n</html>\n")


def _header(p: bp.BoardPack) -> str:
    meta = " · ".join(e(x) for x in (p.organisation, p.date, f"facilitated by {p.facilitator}" if p.facilitator
                                      else "", f"time horizon {p.horizon}" if p.horizon else "") if x)
    out = [f"<header><h1>{e(p.title)}</h1>", f'<div class="meta">{meta}</div></header>' if meta else "</header>"]
    if p.mission:
        out.append(f'<p class="mission">{e(p.mission)}</p>')
    return "\n".join(out)


def _page_one(p: bp.BoardPack) -> str:
    """What the board is asked to decide, on one page: the plan in brief, overrides, risks."""
    v = p.plan
    condorcet = f"<br>{e(v.condorcet)}" if v is not None and v.condorcet else ""
    out = ['<section id="page-one"><h2>The decision asked of the board</h2>', f'<p class="ask">{e(p.ask)}{condorcet}</p>']
    if v is None:
        return "\n".join(out) + f"<p>{e(p.plan_problem)}</p></section>"
    if v.will_do:
        cost = _costed(v)
        out.append('<div class="keep"><h3>What we will do</h3>' + _table(
            [("Wave", "num"), ("Initiative", "title")] + ([("Cost", "num")] if cost else []) + [("Why", "why")],
            [[e(r.wave), e(r.title)] + ([e(r.cost)] if cost else []) + [e(r.summary)] for r in v.will_do]) + "</div>")
    if v.undecided:
        out.append('<div class="keep"><h3>Undecided: tied at the cut line</h3>' + _table(
            [("Rank", "num"), ("Initiative", "title"), ("Why", "why")],
            [[e(r.rank), e(r.title), e(r.summary)] for r in v.undecided]) + "</div>")
    rest = [(r, "not now") for r in v.not_now] + [(r, "won't do") for r in v.wont]
    if rest:
        out.append('<div><h3>What we will not do now, and won\'t do</h3>' + _table(
            [("Rank", "num"), ("Initiative", "title"), ("Decision", ""), ("Why", "why")],
            [[e(r.rank), e(r.title), e(label), e(r.summary)] for r, label in rest]) + "</div>")
    if v.overrides:
        out.append('<div class="keep"><h3>Overrides and what they displaced</h3><ul class="effects">'
                   + "".join(f"<li>{e(x)}</li>" for x in v.overrides) + "</ul></div>")
    out.append('<div class="keep"><h3>Risks</h3>' + ("<ul class=\"risks\">" + "".join(f"<li>{e(x)}</li>" for x in p.risks)
                                                   + "</ul>" if p.risks else "<p>None recorded.</p>") + "</div>")
    return "\n".join(out) + "</section>"


def _participation(p: bp.BoardPack) -> str:
    out = ['<section id="participation"><h2>Who took part</h2>',
           f"<p>{plural(p.participants, 'participant')}, by discipline.</p>",
           _table([("Discipline", ""), ("People", "num")], [[e(label), str(n)] for label, n in p.by_discipline],
                  css="narrow")]
    if p.by_site:
        out.append(_table([("Site", ""), ("People", "num")], [[e(site), str(n)] for site, n in p.by_site],
                                 css="narrow"))
    return "\n".join(out) + "</section>"


def _costed(v: bp.PlanView) -> bool:
    """Whether any initiative in the plan has a cost: if none has, no table gives cost a column."""
    return any(r.cost for r in v.will_do + v.undecided + v.not_now + v.wont)


def _plan_table(rows: tuple[bp.PlanRow, ...], with_wave: bool, why: str, cost: bool = True) -> str:
    headers = ([("Wave", "num")] if with_wave else []) + [("Rank", "num"), ("Initiative", "title"), ("Score", "num")] \
        + ([("Cost", "num")] if cost else []) + [(why, "why")]
    return _table(headers, [([e(r.wave)] if with_wave else []) + [e(r.rank), e(r.title), e(r.score)]
                            + ([e(r.cost)] if cost else []) + [e(r.reasons)] for r in rows])


def _plan(p: bp.BoardPack) -> str:
    out = ['<section id="plan" class="major"><h2>The plan in full: what we will do, and what we will not do now</h2>']
    if p.plan is None:
        return out[0] + f"<p>{e(p.plan_problem)}</p></section>"
    v = p.plan
    line = f"From the ranking of round <b>{e(v.round_title)}</b>"
    if v.bandwidth:
        line += f", within a bandwidth of {e(plural(int(v.bandwidth), 'initiative'))} at once ({v.slots_used} used"
        line += f", {v.stretch_slots} of them above the bandwidth by decision)" if v.stretch_slots else ")"
    if v.tie_break:
        line += f". Declared tie-break for this round: {e(v.tie_break)}"
    out.append(f"<p>{line}.</p>")
    out.append("<h3>We will do</h3>")
    out.append(_plan_table(v.will_do, True, "Why", _costed(v)) if v.will_do else "<p>Nothing is selected.</p>")
    if v.undecided:
        out.append("<h3>Undecided: tied across the cut line</h3>")
        out.append(_plan_table(v.undecided, False, "Why undecided", _costed(v)))
    out.append("<h3>Not now</h3>")
    out.append(_plan_table(v.not_now, False, "Why not now", _costed(v)) if v.not_now else "<p>Nothing.</p>")
    out.append("<h3>We won't do</h3>")
    out.append(_plan_table(v.wont, False, "Why not", _costed(v)) if v.wont else "<p>Nothing is ruled out.</p>")
    if v.capacity:
        out.append('<div class="keep"><h3>Bottleneck use</h3><figure id="capacity-chart">' + capacity_chart(v.capacity)
                   + "<figcaption>How much of each constraint the plan uses.</figcaption></figure>"
                   + _table([("Constraint", ""), ("Used", "num"), ("Capacity", "num"), ("Unit", "")],
                            [[e(c.name), e(c.used), e(c.capacity), e(c.unit)] for c in v.capacity]) + "</div>")
    if v.optimiser:
        out.append(f'<p class="note">{e(v.optimiser)}</p>')
    out += [f'<p class="warning">Warning: {e(w)}</p>' for w in v.warnings]
    return "\n".join(out) + "</section>"


def _quadrants(p: bp.BoardPack) -> str:
    q = p.quadrants
    if q is None or not q.points:
        return ""
    legend = _table([("#", "num"), ("Initiative", "title"), ("Plan", "nowrap"), ("Quadrant", ""), (e(q.value_label), "num"),
                     (e(q.effort_label), "num")],
                    [[str(n), e(pt.title), e(pt.status), e(pt.quadrant), e(bp.board_number(pt.value)),
                      e(bp.board_number(pt.effort))] for n, pt in enumerate(q.points, start=1)])
    return ('<section id="value-effort"><div class="lead"><h2>Value against effort</h2><figure id="quadrant-chart">'
            + quadrant_chart(q) + f"<figcaption>{e(q.source)}. Shape and colour show what the plan does: circle "
            "will do, square not now, triangle won't do, diamond undecided.</figcaption></figure></div>" + legend
            + "</section>")


def _gates(p: bp.BoardPack) -> str:
    if not p.gates:
        return ""
    headers = [("Initiative", "title")] + [(e(name), "") for name in p.gate_names] + [("Outcome", "nowrap"),
                                                                                ("Notes on failures", "")]
    rows = [[e(g.title)] + [_tag(o) for o in g.outcomes] + [_tag("passes" if g.passes else "ruled out"), e(g.notes)]
            for g in p.gates]
    return ('<section id="gates"><h2>Exemplar candidates and their gates</h2>'
            "<p>A failed gate is a show-stopper: the initiative is ruled out of the plan.</p>"
            + _table(headers, rows) + "</section>")


def _rounds(p: bp.BoardPack) -> str:
    out = []
    for n, r in enumerate(p.rounds):
        cls = ""
        # The heading, the count and the chart are one block on paper (.lead): never a heading alone.
        part = [f'<section id="round-{e(r.key)}"{cls}><div class="lead"><h2>Round {e(r.key)}: {e(r.title)} '
                f'<span class="meta">({e(r.method_label)})</span></h2>']
        if r.withheld:
            out.append("\n".join(part + [f'<p class="note">{e(r.withheld)}</p></div>']) + "</section>")
            continue
        ballots = f"{plural(r.counted, 'ballot')} counted"
        if r.blank:
            ballots += f", {r.blank} blank"
        if r.rejected:
            ballots += f", {r.rejected} rejected"
        who = f" Secret ballot: {e(r.voters)}." if r.anonymous else (f" Voted: {e(r.voters)}." if r.voters else "")
        part.append(f"<p>{e(ballots)}.{who}</p>")
        chart = ranking_chart(r)
        if chart:
            part.append(f'<figure class="ranking-chart">{chart}<figcaption>{e(r.score_label)}; a longer bar is '
                        "better.</figcaption></figure>")
        part.append("</div>")
        if r.rows:
            headers = [("Rank", "num"), ("Initiative", "title"), (e(r.score_label), "num"), ("Agreement", ""),
                       ("Spread", "spread"), ("Detail", "")]
            rows = [[e(x.rank), e(x.title), e(x.score), _tag(x.agreement), e(x.spread), e(x.extra)] for x in r.rows]
            if not any(x.extra for x in r.rows):
                # An empty column only takes width from the ones that have something to say.
                headers, rows = headers[:-1], [row[:-1] for row in rows]
            part.append(_table(headers, rows))
        if r.agreement:
            part.append(f'<p class="note">{e(r.agreement)}</p>')
        part += [f'<p class="note">{e(x)}</p>' for x in r.notes]
        if r.sites:
            part.append(_sites(r))
        part += [f'<p class="warning">Note: {e(w)}</p>' for w in r.warnings]
        out.append("\n".join(part) + "</section>")
    return "\n".join(out)


def _sites(r: bp.RoundView) -> str:
    headers = [("Initiative", ""), ("Combined", "num")] + [(f"{e(s.site)} ({s.ballots})", "num") for s in r.sites]
    rows = [[e(x.title), e(x.rank)] + [e(s.ranks.get(x.key, "")) for s in r.sites] for x in r.rows]
    notes = "".join(f'<p class="note">{e(s.site)}: {e(s.withheld)}</p>' for s in r.sites if s.withheld)
    return ('<h3>Per-site ranking</h3><p class="note">Each site\'s ballots counted on their own, beside the '
            "combined ranking.</p>" + _table(headers, rows) + notes)


def _trace(p: bp.BoardPack) -> str:
    if not p.trace_rounds:
        return ""
    headers = [("Initiative", "title")] + [(e(h), "") for h in p.trace_rounds] + [("Plan", "nowrap")]
    rows = [[e(t.title)] + [e(c) for c in t.cells] + [e(t.plan)] for t in p.trace]
    return ('<section id="traceability"><h2>Traceability: each initiative in every round</h2>'
            "<p>Rank (score) in each scored round, against the criteria named, and what the plan does with it.</p>"
            + _table(headers, rows) + "</section>")


def _decision_log(p: bp.BoardPack) -> str:
    out = ['<section id="decision-log"><h2>Decision log</h2>']
    if p.decided:
        out.append('<div class="keep"><h3>Decisions already made</h3>'
                   "<p>These take bandwidth and capacity before anything is chosen.</p>"
                   + _table([("Initiative", "title"), ("Decision", ""), ("Owner", "")],
                            [[e(d.title), e(d.decided), e(d.owner)] for d in p.decided]) + "</div>")
    if p.overrides:
        out.append('<div class="keep"><h3 id="overrides">Facilitator overrides</h3><p>Where the room overruled the '
                   "arithmetic: when it was recorded and in which round, why, and what it did to the plan.</p>"
                   + _table([("Initiative", "title"), ("Decision", ""), ("Recorded", "nowrap"), ("Effect", ""),
                             ("Rationale", "why")],
                            [[e(o.title), e(o.outcome), _when(o.when), e(o.effect),
                              (f'<span class="note">In round {e(o.round)}.</span><br>' if o.round else "")
                              + e(o.rationale)] for o in p.overrides])
                   + "</div>")
    if p.plan is not None and p.plan.tie_break:
        out.append(f"<p>Ties in the plan's round are settled by a declared tie-break: {e(p.plan.tie_break)}.</p>")
    if p.plan is not None and p.plan.undecided:
        out.append("<p class=\"warning\">Unresolved: " + e(", ".join(r.title for r in p.plan.undecided))
                   + " tie across the cut line.</p>")
    if len(out) == 1:
        out.append("<p>No overrides or tie resolutions were recorded.</p>")
    return "\n".join(out) + "</section>"


def _when(text: str) -> str:
    """"2026-11-19 12:41 UTC" on two short lines (date, then time), so the column stays narrow."""
    date, sep, time = text.partition(" ")
    if sep and date[:4].isdigit():
        return f"{e(date)}<br>{e(time)}"
    return e(text)


def _actions(p: bp.BoardPack) -> str:
    if not p.actions:
        return '<section id="actions"><h2>Actions</h2><p>No actions recorded yet.</p></section>'
    rows = [[e(a.title) + (f'<br><span class="flag">Check: {e(a.flags)}</span>' if a.flags else ""), e(a.initiative),
             e(a.owner), e(a.measure), e(a.due)] for a in p.actions]
    return ('<section id="actions"><h2>Actions</h2>'
            + _table([("Action", "title"), ("Initiative", ""), ("Owner", ""), ("Measure", ""), ("Due", "num")], rows)
            + "</section>")


def _notes(p: bp.BoardPack) -> str:
    out = ['<section id="notes"><h2>Session notes and data provenance</h2>']
    if p.description:
        out.append(f"<p>{e(p.description)}</p>")
    out.append("<ul>" + "".join(f"<li>{e(x)}</li>" for x in p.provenance) + "</ul>")
    return "\n".join(out) + "</section>"


def _glossary(p: bp.BoardPack) -> str:
    items = "".join(f"<dt><b>{e(term)}</b></dt><dd>{e(text)}</dd>" for term, text in p.glossary)
    return f'<section id="glossary"><h2>Glossary</h2><dl>{items}</dl></section>'


def _how(p: bp.BoardPack) -> str:
    if not p.how:
        return ""
    items = "".join(f"<li><b>{e(label)}.</b> {e(text)}</li>" for label, text in p.how)
    return f'<section id="how"><h2>How the scores were computed</h2><ul>{items}</ul></section>'


@collector_paused()  # a writer makes millions of acyclic objects (see heap.py)
def write(workshop: Workshop, path: Path, prepared=None) -> Path:
    """``prepared``: an ``exporters.prepared.Prepared`` for this workshop, whose board pack is shared."""
    from workshop_tui.exporters.files import write_text_atomically

    return write_text_atomically(path, render_pack(prepared.pack) if prepared is not None else render(workshop))
