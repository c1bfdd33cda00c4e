"""Printable paper score cards for one round, for people without a device.

Named rounds: one card per participant, with their name. Anonymous rounds:
blank numbered cards (the number is what import-votes calls the card, and
links to nobody as long as cards are handed out at random).
"""

from __future__ import annotations

import html

from workshop_tui.domain import rules
from workshop_tui.domain import model as m

CSS = """
body { font: 12pt/1.35 system-ui, Arial, sans-serif; margin: 0; }
.card { border: 2px solid #333; border-radius: 6px; padding: 10mm; margin: 8mm; break-after: page;
        page-break-after: always; }
h1 { font-size: 16pt; margin: 0 0 2mm; } .who { font-size: 13pt; margin-bottom: 4mm; }
table { border-collapse: collapse; width: 100%; } th, td { border: 1px solid #888; padding: 2mm; text-align: left; }
.box { display: inline-block; width: 6mm; height: 6mm; border: 1px solid #333; margin-right: 1mm; }
.line { display: inline-block; min-width: 60mm; border-bottom: 1px solid #333; }
.hint { color: #444; font-size: 10pt; margin: 2mm 0 4mm; }
@page { size: A4; margin: 10mm; }
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _body(workshop: m.Workshop, rnd: m.Round) -> str:
    items = workshop.initiatives
    if rnd.method == "dots":
        s = rules.settings_of(workshop, rnd)  # the rules the count will apply, defaults included
        budget, cap = s.budget, s.max_per_initiative  # type: ignore[union-attr]
        hint = f"Tick up to {e(budget)} boxes in total, at most {e(cap)} on one initiative."
        per = cap
        rows = "".join(f"<tr><td>{e(i.title)}</td><td>{'<span class=box></span>' * per}</td></tr>" for i in items)
        return f'<p class="hint">{hint}</p><table><tr><th>Initiative</th><th>Dots</th></tr>{rows}</table>'
    if rnd.method == "matrix":
        crits = workshop.scored_criteria
        head = "".join(f"<th>{e(c.name)}<br><small>{e(c.min)}–{e(c.max)}</small></th>" for c in crits)
        rows = "".join(f"<tr><td>{e(i.title)}</td>" + "<td></td>" * len(crits) + "</tr>" for i in items)
        return (f'<p class="hint">Write a score in each box, within the scale under each criterion.</p>'
                f"<table><tr><th>Initiative</th>{head}</tr>{rows}</table>")
    if rnd.method == "ranking":
        slots = "".join(f"<tr><td>{n}</td><td></td></tr>" for n in range(1, len(items) + 1))
        listing = ", ".join(e(i.title) for i in items)
        return (f'<p class="hint">Write initiatives in order, best first. Write two on one line for a tie. '
                f"Choose from: {listing}.</p><table><tr><th>Place</th><th>Initiative</th></tr>{slots}</table>")
    if rnd.method == "value_effort":
        (lo_v, hi_v), (lo_e, hi_e) = (tuple(rules.show(x) for x in axis)
                                      for axis in rules.value_effort_scales(rnd.settings))
        rows = "".join(f"<tr><td>{e(i.title)}</td><td></td><td></td></tr>" for i in items)
        return (f'<p class="hint">Score value {e(lo_v)}–{e(hi_v)} and effort {e(lo_e)}–{e(hi_e)}.</p>'
                f"<table><tr><th>Initiative</th><th>Value</th><th>Effort</th></tr>{rows}</table>")
    if rnd.method == "moscow":
        box = "<td><span class=box></span></td>"
        rows = "".join(f"<tr><td>{e(i.title)}</td>{box * 4}</tr>" for i in items)
        return ('<p class="hint">Tick one box per initiative.</p><table><tr><th>Initiative</th><th>Must</th>'
                f"<th>Should</th><th>Could</th><th>Won't (this time)</th></tr>{rows}</table>")
    gates = workshop.gates
    head = "".join(f"<th>{e(g.name)}</th>" for g in gates)
    rows = "".join(f"<tr><td>{e(i.title)}</td>" + "<td>pass / fail</td>" * len(gates) + "</tr>" for i in items)
    return f'<p class="hint">Circle pass or fail; note any show-stopper.</p><table><tr><th>Initiative</th>{head}</tr>{rows}</table>'


def render(workshop: m.Workshop, round_key: str, blank_cards: int | None = None) -> str:
    rnd = workshop.round(round_key)
    title = f"{e(workshop.session.title)}: round {e(rnd.key)} {e(rnd.title)}"
    body = _body(workshop, rnd)
    if rnd.anonymous:
        count = blank_cards or max(len(workshop.participants), 1)
        heads = [f'<div class="who">Card <b>{n}</b> · secret ballot: do not write your name</div>'
                 for n in range(1, count + 1)]
    else:
        heads = [f'<div class="who">{e(p.name)} <small>({e(p.key)})</small></div>' for p in workshop.participants]
    cards = "".join(f'<section class="card"><h1>{title}</h1>{head}{body}</section>' for head in heads)
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
            f"<style>{CSS}</style></head><body>{cards}</body></html>\n")
