"""Issue 13 in the exports: page one, decision log, traceability, notes, glossary; md as
plain text and CommonMark; xlsx types and print setup; ties and flags wherever the plan shows."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re

import openpyxl
import pytest
from markdown_it import MarkdownIt

from tests.exporters.conftest import load_sample
from workshop_tui.domain import model as m
from workshop_tui.exporters import board_pack, html, markdown, xlsx


@pytest.fixture
def calderdale():
    return load_sample("calderdale")


def tie_at_the_cut():
    """b and c tie for second with one slot left."""
    from tests.domain.builders import dots_round, workshop

    r = dots_round("r", {"p1": {"a": 3}, "p2": {"a": 1, "b": 1, "c": 1}, "p3": {"b": 1, "c": 1, "d": 1}}, budget=3)
    return workshop(["a", "b", "c", "d"], [r], bandwidth=2)


# -- page one ------------------------------------------------------------------------

def test_page_one_asks_the_board_and_shows_the_plan_overrides_and_risks(nhs):
    pack = board_pack.build(nhs)
    assert pack.ask.startswith("The board is asked to approve the plan from round")
    assert "plus 1 stretch item above it" in pack.ask
    assert [r.key for r in pack.plan.will_do if r.key in ("eobs", "voice")] == ["voice", "eobs"]
    assert pack.plan.overrides == ("Voice recognition and digital dictation, above the bandwidth by decision of "
                                   "the facilitator; displaced nothing",)
    assert "Condorcet winner" in pack.plan.condorcet
    assert any(r.startswith("Bottleneck at capacity: Integration engineers") for r in pack.risks)
    page = html.render(nhs)
    one = page[page.index('id="page-one"'):page.index('id="plan"')]
    for part in ("The decision asked of the board", "What we will do", "What we will not do now, and won",
                 "Overrides and what they displaced", "Risks", "980,000", "displaced nothing"):
        assert part in one, part
    assert page.index('id="page-one"') < page.index('id="plan"') < page.index('id="traceability"') \
        < page.index('id="decision-log"') < page.index('id="notes"') < page.index('id="glossary"')


def test_traceability_gives_each_initiative_in_every_round_against_named_criteria(nhs):
    pack = board_pack.build(nhs)
    assert len(pack.trace_rounds) == 3 and "Real impact on patients and staff" in pack.trace_rounds[1]
    eobs = next(t for t in pack.trace if t.title == "E-observations and NEWS2")
    assert eobs.cells == ("1 (8)", "1 (0.8425)", "1 (13)") and eobs.plan == "will do"


def test_the_glossary_and_the_decision_log_are_in_every_text_format(nhs):
    for text in (markdown.render(nhs), html.render(nhs)):
        for term in ("Score", "Spread", "Contested", "Kendall's W"):
            assert re.search(rf"\*\*{term}\*\*|<b>{term}</b>", text.replace("&#x27;", "'")), term
        assert "Include above the bandwidth" in text or "include above the bandwidth" in text


def test_calderdales_notes_explain_the_omitted_rows_in_every_export(calderdale, tmp_path):
    why = "Cardiology interoperability (9/6/3) and Network/infrastructure (7/7/4)"
    assert why in markdown.render(calderdale)
    assert why in html.render(calderdale)
    book = openpyxl.load_workbook(xlsx.write(calderdale, tmp_path / "c.xlsx"))
    assert any(why in str(c) for row in book["Summary"].iter_rows(values_only=True) for c in row if c)


def test_matrix_scores_that_round_alike_show_enough_places_to_differ(nhs):
    r3 = next(r for r in board_pack.build(nhs).rounds if r.key == "r3")
    shown = {x.title: (x.rank, x.score) for x in r3.rows}
    assert shown["Paperless outpatients"] == ("3", "0.5925") and shown["e-Consent"] == ("4", "0.5875")
    assert shown["E-rostering for medical staff"][0] == "=8"  # level weights: a declared tie
    assert any("no criterion outweighs the others" in n for n in r3.notes)


def test_ties_across_the_cut_line_are_shown_undecided_in_the_board_pack(tmp_path):
    w = tie_at_the_cut()
    pack = board_pack.build(w)
    assert [(r.title, r.rank) for r in pack.plan.undecided] == [("B", "=2"), ("C", "=2")]
    assert any(r.startswith("Unresolved tie at the cut line") for r in pack.risks)
    text = markdown.render(w)
    assert "### Undecided: tied at the cut line" in text and "Before approval" in pack.ask
    assert "- **B** (rank =2): Tied across the cut line: the facilitator decides" in text
    book = openpyxl.load_workbook(xlsx.write(w, tmp_path / "t.xlsx"))
    plan = [r for r in book["Plan"].iter_rows(values_only=True) if r[0] == "undecided"]
    assert [(r[2], r[3], r[4]) for r in plan] == [(2, True, "B"), (2, True, "C")]


def test_actions_that_do_not_fit_the_plan_or_the_calendar_are_flagged(nhs):
    late = dataclasses.replace(nhs.actions[0], due=dt.date(2026, 1, 1))
    odd = m.Action("epr_opt", "Start EPR optimisation", key="a9")
    w = dataclasses.replace(nhs, actions=(late, odd) + nhs.actions[1:])
    pack = board_pack.build(w)
    flags = {a.title: a.flags for a in pack.actions}
    assert flags[late.title] == "due 2026-01-01, before the session date 2026-11-19"
    assert flags["Start EPR optimisation"] == "its initiative, EPR optimisation, is not now in the plan"
    assert "Check: its initiative, EPR optimisation, is not now in the plan" in html.render(w)
    assert "due 2026-01-01, before the session date 2026-11-19" in " ".join(markdown.render(w).split())


def test_the_xlsx_actions_sheet_carries_the_same_checks(nhs, tmp_path):
    late = dataclasses.replace(nhs.actions[0], due=dt.date(2026, 1, 1))
    w = dataclasses.replace(nhs, actions=(late,) + nhs.actions[1:])
    rows = list(openpyxl.load_workbook(xlsx.write(w, tmp_path / "a.xlsx"))["Actions"].iter_rows(values_only=True))
    assert rows[0][-1] == "Check"
    first = rows[1]
    assert first[2] == "Wi-Fi and network refresh"  # the initiative by title, not its key
    assert first[5] == dt.datetime(2026, 1, 1) and first[-1] == "due 2026-01-01, before the session date 2026-11-19"
    assert all(r[-1] is None for r in rows[2:])


# -- value/effort chart ---------------------------------------------------------------

def test_value_effort_marks_the_plan_by_shape_and_has_axis_values(nhs):
    page = html.render(nhs)
    chart = page[page.index('id="quadrant-chart"'):page.index("</figure>", page.index('id="quadrant-chart"'))]
    assert 'class="pt will"' in chart and 'class="pt not-now"' in chart and 'class="pt won-t-do"' in chart
    assert "<rect class=\"pt not-now\"" in chart and "<polygon class=\"pt won-t-do\"" in chart
    assert chart.count('class="tick"') >= 6
    assert "…" not in page  # no label is cut


def test_print_keeps_each_rounds_heading_with_its_count_and_chart(nhs):
    """Seen in Chromium's A4 print: a round's two-line heading split over two pages, and a heading
    left at the foot of a page. The heading, the count and the chart now make one unbreakable block."""
    page = html.render(nhs)
    for key in ("r2", "r3", "r4"):
        start = page.index(f'<section id="round-{key}">')
        lead = page[start:page.index("</div>", page.index("</figure>", start))]
        assert lead.startswith(f'<section id="round-{key}"><div class="lead"><h2>Round {key}:')
        assert "<figure" in lead
    assert "h1, h2, h3 { break-inside: avoid" in page
    assert "#gates, #participation, #traceability, #actions, .lead { break-inside: avoid" in page


def test_a_ranking_round_has_no_empty_detail_column_and_long_number_headings_wrap(nhs):
    page = html.render(nhs)
    r4 = page[page.index('<section id="round-r4">'):page.index("</section>", page.index('<section id="round-r4">'))]
    assert "<th>Detail</th>" not in r4
    r3 = page[page.index('<section id="round-r3">'):page.index("</section>", page.index('<section id="round-r3">'))]
    assert "<th>Detail</th>" in r3
    assert "td.num { white-space: nowrap; }" in page and "th.num" not in page.split("td.num { white-space")[1][:40]


def test_a_plan_without_costs_has_no_cost_column(calderdale, nhs):
    assert "<th class=\"num\">Cost</th>" not in html.render(calderdale)
    assert html.render(nhs).count("<th class=\"num\">Cost</th>") == 4  # page one and three plan tables


def test_won_t_do_triangles_hold_their_two_digit_numbers_low_down(nhs):
    page = html.render(nhs)
    chart = page[page.index('id="quadrant-chart"'):page.index("</figure>", page.index('id="quadrant-chart"'))]
    hit = re.search(r'<polygon class="pt won-t-do" points="([\d.]+),([\d.]+) [^"]*"><title>13\. ', chart)
    top_y = float(hit[2])
    label = re.search(r'<text class="pt-label" x="[\d.]+" y="([\d.]+)" text-anchor="middle">13</text>', chart)
    # The centre is 14 below the apex; the label sits 6.5 below the centre, in the wide part.
    assert float(label[1]) - top_y == pytest.approx(14 + 6.5)


def test_the_matrix_tie_note_says_what_the_tie_break_did(calderdale):
    (r1,) = board_pack.build(calderdale).rounds
    assert ("Equal scores would be separated by Patient benefit, the highest-weighted criterion; every tie here is "
            "level on it too, so those initiatives share a rank") in " ".join(r1.notes)
    assert [r.rank for r in r1.rows] == ["1", "2", "=3", "=3", "=5", "=5"]


# -- markdown -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["nhs-trust-where-to-start", "global-health-partnership", "calderdale"])
def test_markdown_is_plain_text_and_commonmark(name):
    w = load_sample(name)
    text = markdown.render(w)
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "\\&" not in text and "\\_" not in text and "\\{" not in text
    # No backslash at all in the samples: a line that would start with "1)" takes the word before it
    # along instead of a visible escape, and "0.15 < 0.20" or "could_share" never reach the reader.
    assert "\\" not in text
    assert "could_share" not in text and "must_share" not in text
    for c in w.criteria:
        if "_" in c.key:
            assert c.key not in text, c.key  # names, not keys
    tokens = MarkdownIt("commonmark").parse(text)
    headings = [t for t in tokens if t.type == "heading_open"]
    assert len(headings) == sum(1 for line in text.splitlines() if re.match(r"#{1,3} ", line))
    rendered = MarkdownIt("commonmark").render(text)
    assert "<h2>The decision asked of the board</h2>" in rendered


def test_markdown_wrapping_never_starts_a_line_with_block_markup():
    lines = markdown.para("x " * 45 + "- not a list item and # not a heading " + "y " * 40)
    assert all(not re.match(r"(- |# |\d+\. )", line) for line in lines[1:])
    assert MarkdownIt("commonmark").render("\n".join(lines)).count("<p>") == 1


def test_markdown_escapes_only_what_would_be_markup():
    assert markdown.esc("R&D for six_months") == "R&D for six_months"
    assert markdown.esc("&amp; _x_ *y* <b>") == "\\&amp; \\_x\\_ \\*y\\* \\<b>"
    assert markdown.esc("share 0.1 < 0.2 > 0") == "share 0.1 < 0.2 > 0"  # no tag can start here
    assert markdown.esc("<https://x> </i> <!-- c -->") == "\\<https://x> \\</i> \\<!-- c -->"
    from markdown_it import MarkdownIt as Md

    assert "<b>" not in Md("commonmark").render(markdown.esc("<b>bold</b>"))


# -- xlsx -----------------------------------------------------------------------------

def test_xlsx_types_formats_and_print_setup(nhs, tmp_path):
    book = openpyxl.load_workbook(xlsx.write(nhs, tmp_path / "b.xlsx"))
    plan = book["Plan"]
    header = [c.value for c in plan[1]]
    assert header[:7] == ["Decision", "Wave", "Rank", "Tied", "Title", "Score", "Cost"]
    rows = [[c for c in r] for r in plan.iter_rows(min_row=2) if r[0].value in ("will do", "not now", "won't do")]
    assert all(isinstance(r[5].value, (int, float)) for r in rows)  # Score is a number
    assert all(isinstance(r[2].value, int) for r in rows)  # Rank is a number; "=" lives in Tied
    assert any(r[3].value is True for r in rows)
    cost = next(r[6] for r in rows if r[4].value == "E-observations and NEWS2")
    assert cost.value == 380000 and cost.number_format == "#,##0"
    due = book["Actions"]["F2"]
    assert isinstance(due.value, dt.datetime) and due.number_format == "yyyy-mm-dd"
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, ws.title
    assert plan.print_title_rows == "$1:$1"
    assert plan.column_dimensions["C"].width <= 15  # the rank column no longer holds reasons
    # Every sheet repeats its header row (the Summary its title) on each printed page, on A4.
    for ws in book.worksheets:
        assert ws.print_title_rows == "$1:$1", ws.title
        assert ws.page_setup.paperSize == 9, ws.title
    # The round sheets: rank a number, "tied" its own column, the score a number.
    for ws in book.worksheets[2:5]:
        head = [c.value for c in ws[1]]
        assert head[:2] == ["Rank", "Tied"], ws.title
        ranked = [r for r in ws.iter_rows(min_row=2, values_only=True) if isinstance(r[1], bool)]
        assert ranked and all(isinstance(r[0], int) and isinstance(r[3], (int, float)) for r in ranked), ws.title
    summary = {r[0].value: r[1] for r in book["Summary"].iter_rows() if r[0].value and len(r) > 1}
    assert summary["Date"].value == dt.datetime(2026, 11, 19) and summary["Date"].number_format == "yyyy-mm-dd"
    assert summary["Budget"].value == 2500000 and summary["Budget"].number_format == "#,##0"


def test_xlsx_summary_mirrors_page_one(nhs, tmp_path):
    book = openpyxl.load_workbook(xlsx.write(nhs, tmp_path / "b.xlsx"))
    rows = [r for r in book["Summary"].iter_rows(values_only=True)]
    firsts = [r[0] for r in rows]
    for label in ("The decision asked of the board", "What we will do", "What we will not do now, and won't do",
                  "Overrides and what they displaced", "Risks"):
        assert label in firsts, label
    will = rows[firsts.index("What we will do") + 2: firsts.index("What we will do") + 7]
    assert {r[1] for r in will} >= {"E-observations and NEWS2", "Voice recognition and digital dictation"}


def test_moscow_order_within_a_category_is_stated(partnership):
    text = " ".join(markdown.render(partnership).split())
    assert "6 of 8 said Must" in text and "8 of 8 said Must" in text
    assert "Within a category, initiatives are ordered by their score in round Value against effort" in text


def test_the_condorcet_winner_is_stated_beside_the_ranking(nhs):
    r4 = next(r for r in board_pack.build(nhs).rounds if r.key == "r4")
    assert r4.notes[0].startswith("Condorcet winner: E-observations and NEWS2")


def test_no_initiative_or_criterion_key_leaks_into_the_board_pack_or_the_plan_reasons(nhs):
    """Keys are the file's identifiers; a board reads titles and names (the Condorcet line, reasons)."""
    import re

    from workshop_tui.domain import results as engine

    texts = [markdown.render(nhs), re.sub(r"<[^>]+>", " ", html.render(nhs))]
    plan = engine.plan(nhs)
    texts += [r.detail for i in plan.will_do + plan.not_now + plan.wont for r in i.reasons]
    prose = " ".join([i.title + " " + i.description for i in nhs.initiatives] + [c.name for c in nhs.criteria]
                     + [d.rationale for d in nhs.decisions] + [nhs.session.description])
    keys = {k for k in [i.key for i in nhs.initiatives] + [c.key for c in nhs.criteria]
            if not re.search(rf"(?<![\w-]){re.escape(k)}(?![\w-])", prose)}
    assert {"eobs", "epr_opt", "six_months"} <= keys
    for text in texts:
        for key in keys:
            assert not re.search(rf"(?<![\w-]){re.escape(key)}(?![\w-])", text), (key, text[:200])


def test_reasons_say_one_engineer_not_one_engineers(nhs):
    text = " ".join(markdown.render(nhs).split())
    assert "needs 1 engineer (FTE)" in text and "1 engineers" not in text
