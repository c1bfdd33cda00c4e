"""The fast writers give what the plain ones gave, byte for byte (issue 15).

Each fast path is compared with the way the file was written before: the session
file with ``json.dumps(..., indent=2)``, the CSV tables with a cell-by-cell
``csv.writer`` (the old code, kept here as the reference), the workbook with the
round's votes written cell by cell through XlsxWriter (``xlsx.BLOCKS = False``).
On the samples, a hostile copy, generated sessions full of odd text (markup,
formula-looking text, control and non-BMP characters, cells too long for Excel)
and a larger generated session.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import random
from fractions import Fraction

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workshop_tui.domain import model as m
from workshop_tui.exporters import csv_tables, session_json, xlsx
from workshop_tui.exporters.prepared import Prepared
from workshop_tui.sessionfile.writer import workshop_to_dict

from tests.exporters.conftest import load_sample

ODD = ("=1+1", "+SUM(A1:A9)", "-2", "@owner", "<b>bold</b> & 'quotes' \"too\"", "[red]markup[/]", "tab\there",
       "line\nbreak", "\r\nwindows", "ctrl \x01\x07\x1f end", "_x0041_ escaped-looking", "emoji \U0001F600 \U00010348",
       "  leading and trailing  ", "é ü ø 中文", "a" * 20_000, "b" * 40_000, "")

TEXT = st.one_of(st.sampled_from(ODD), st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
                                               max_size=40))


def _old_cell(value: object) -> str:
    """csv_tables._cell as it was before the fast path."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, csv_tables.Num):
        return str(value)
    if isinstance(value, str):
        return csv_tables.neutralise(value)
    if isinstance(value, Fraction):
        return csv_tables.exact(value)
    return str(value)


def _old_table_text(table: csv_tables.Table) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(table.headers)
    writer.writerows([_old_cell(v) for v in row] for row in table.rows)
    return buffer.getvalue()


def _old_vote_rows(workshop: m.Workshop, rnd: m.Round) -> tuple:
    names = {p.key: p.name for p in workshop.participants}
    return tuple((v.participant, names.get(v.participant or "", ""), v.initiative, v.criterion, v.value, v.effort,
                  csv_tables.ranking_text(v.ranking), v.channel, v.note) for v in rnd.votes)


def generated(n_items: int, n_people: int, n_criteria: int, seed: int, texts=ODD) -> m.Workshop:
    """A session of every voting shape, its names, titles and notes drawn from ``texts``."""
    rng = random.Random(seed)
    texts = list(texts) or [""]
    people = tuple(m.Participant(key=f"p{n:03d}", name=rng.choice(texts) if n % 3 == 0 else f"Person {n}",
                                 role=rng.choice(m.ROLES)) for n in range(n_people))
    items = tuple(m.Initiative(key=f"i{n:03d}", title=rng.choice(texts) if n % 4 == 0 else f"Initiative {n}",
                               description=rng.choice(texts), effort=Fraction(rng.randint(1, 5)),
                               cost=Fraction(rng.randint(1, 90) * 1000)) for n in range(n_items))
    criteria = tuple(m.Criterion(key=f"c{n}", name=f"Criterion {n}", weight=Fraction(rng.randint(1, 3)),
                                 min=Fraction(1), max=Fraction(5)) for n in range(n_criteria))
    shared = [Fraction(k) for k in range(1, 6)]  # the loader shares values; some votes here do, some not

    def score() -> Fraction:
        pick = rng.random()
        if pick < 0.5:
            return rng.choice(shared)
        if pick < 0.8:
            return Fraction(rng.randint(1, 5))
        return rng.choice([Fraction(7, 2), Fraction(4, 3), Fraction(13, 10), Fraction(5, 1)])

    def note() -> str:
        return rng.choice(texts) if rng.random() < 0.2 else ""

    matrix = tuple(m.Vote(participant=p.key, initiative=i.key, criterion=c.key, value=score(), note=note(),
                          channel=rng.choice(m.CHANNELS)) for p in people for i in items for c in criteria)
    dots = tuple(m.Vote(participant=p.key, initiative=i.key, value=rng.randint(1, 2), note=note())
                 for p in people for i in rng.sample(items, k=min(3, len(items))))
    effort = tuple(m.Vote(participant=p.key, initiative=i.key, value=score(), effort=score())
                   for p in people for i in items[:5])
    ranking = tuple(m.Vote(participant=p.key, ranking=(items[0].key, (items[1].key, items[2].key)) if len(items) > 2
                           else tuple(i.key for i in items)) for p in people)
    secret = tuple(m.Vote(ballot=f"b{n}", initiative=items[0].key, value=1) for n in range(len(people)))
    rounds = (
        m.Round(key="matrix", method="matrix", title=rng.choice(texts) or "Matrix", status="closed", votes=matrix),
        m.Round(key="dots", method="dots", title="Dots", settings={"budget": 6, "max_per_initiative": 2},
                status="closed", votes=dots),
        m.Round(key="ve", method="value_effort", title="Value and effort", status="closed", votes=effort),
        m.Round(key="rank", method="ranking", title="Ranking", status="closed", votes=ranking),
        m.Round(key="secret", method="dots", title="Secret", status="closed", anonymous=True, votes=secret,
                voted=tuple(p.key for p in people), settings={"budget": 1, "max_per_initiative": 1}),
    )
    return m.Workshop(session=m.SessionInfo(title=rng.choice(texts) or "Generated", mission=rng.choice(texts),
                                            bandwidth=3),
                      participants=people, initiatives=items, criteria=criteria, rounds=rounds)


def assert_same_everywhere(workshop: m.Workshop, monkeypatch) -> None:
    # The session file: the standard library's indented text.
    assert session_json.render(workshop) == json.dumps(workshop_to_dict(workshop), ensure_ascii=False,
                                                       indent=2) + "\n"
    # The CSV tables: the same rows, and the same text as cell-by-cell writing.
    prepared = Prepared(workshop)
    tables = csv_tables.tables(workshop, prepared)
    by_name = {t.name: t for t in tables}
    for rnd in workshop.rounds:
        if f"votes_{rnd.key}" in by_name:
            assert by_name[f"votes_{rnd.key}"].rows == _old_vote_rows(workshop, rnd)
    for table in tables:
        assert table.to_text() == _old_table_text(table), table.name
    # The workbook: byte for byte what writing every cell through XlsxWriter gives.
    fast = xlsx.render_bytes(workshop, prepared.pack)
    monkeypatch.setattr(xlsx, "BLOCKS", False)
    plain = xlsx.render_bytes(workshop, prepared.pack)
    monkeypatch.setattr(xlsx, "BLOCKS", True)
    assert fast == plain


@pytest.mark.parametrize("name", ["nhs-trust-where-to-start", "global-health-partnership"])
def test_the_samples_come_out_the_same(name, monkeypatch):
    assert_same_everywhere(load_sample(name), monkeypatch)


def test_the_hostile_sample_comes_out_the_same(hostile, monkeypatch):
    assert_same_everywhere(hostile, monkeypatch)


def test_a_generated_session_of_odd_text_comes_out_the_same(monkeypatch):
    assert_same_everywhere(generated(12, 9, 3, seed=1), monkeypatch)


def test_a_larger_generated_session_comes_out_the_same(monkeypatch):
    # 100 x 30 x 4: 12,000 matrix scores, so the votes block spans hundreds of runs of 16 rows.
    from workshop_tui.exporters.xlsx_block import BlockWorksheet

    taken = []
    take = BlockWorksheet.take

    def spy(self, first_row, columns, *args):
        widths = take(self, first_row, columns, *args)
        taken.append((len(columns[0]), widths is not None))
        return widths

    monkeypatch.setattr(BlockWorksheet, "take", spy)
    assert_same_everywhere(generated(100, 30, 4, seed=2, texts=ODD[:-3] + ("", "", "")), monkeypatch)
    assert (12_000, True) in taken  # the matrix votes went through the block, not cell by cell


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(TEXT, min_size=1, max_size=6), seed=st.integers(0, 10**6),
       shape=st.tuples(st.integers(1, 6), st.integers(1, 5), st.integers(1, 3)))
def test_any_text_comes_out_the_same(texts, seed, shape, monkeypatch):
    assert_same_everywhere(generated(*shape, seed=seed, texts=texts), monkeypatch)


def test_the_votes_block_reads_back_as_written(tmp_path):
    """Read back with openpyxl: text that looks like a formula stays text, odd characters survive."""
    workshop = generated(4, 6, 2, seed=3)
    rnd = workshop.round("matrix")
    marked = tuple(dataclasses.replace(v, note=ODD[n % 4]) for n, v in enumerate(rnd.votes))
    workshop = dataclasses.replace(workshop, rounds=(dataclasses.replace(rnd, votes=marked),) + workshop.rounds[1:])
    book = openpyxl.load_workbook(xlsx.write(workshop, tmp_path / "w.xlsx"))
    sheet = next(ws for ws in book.worksheets if ws.title.startswith("matrix"))
    rows = list(sheet.iter_rows(values_only=True))
    start = next(n for n, row in enumerate(rows) if row[0] == "Participant") + 1
    votes = rows[start:]
    assert len(votes) == len(marked)
    for vote, row in zip(marked, votes):
        assert row[0] == vote.participant and row[2] == vote.initiative and row[3] == vote.criterion
        assert row[4] == pytest.approx(float(vote.value), abs=5e-5)
        assert row[8] == (vote.note or None)
    formula_cells = [c for c in sheet["I"] if c.value == "=1+1"]
    assert formula_cells and all(c.data_type == "s" for c in formula_cells)


@settings(max_examples=300, deadline=None)
@given(text=TEXT | st.text(alphabet=" \t\n\u00a0\u2003ab-#1).>", max_size=120),
       first=st.sampled_from(["", "- ", "  ", "1. "]))
def test_a_markdown_paragraph_that_fits_on_one_line_is_what_textwrap_gives(text, first):
    import textwrap

    from workshop_tui.exporters import markdown

    rest = " " * len(first)
    words = text.split()
    expected = textwrap.wrap(" ".join(words), markdown.WIDTH, initial_indent=first, subsequent_indent=rest,
                             break_long_words=False, break_on_hyphens=False)
    if len(expected) <= 1:  # the shortcut's case; longer ones take the wrapping path as before
        assert markdown._wrap(text, first, rest) == expected


def test_if_xlsxwriter_never_writes_the_block_the_workbook_is_written_cell_by_cell(monkeypatch):
    # Should a later XlsxWriter stop calling the row writer the block hooks into, the
    # block would be lost: the writer notices and writes the workbook cell by cell.
    from xlsxwriter.worksheet import Worksheet

    from workshop_tui.exporters.xlsx_block import BlockWorksheet

    workshop = generated(30, 10, 3, seed=4, texts=ODD[:-3])
    pack = Prepared(workshop).pack
    monkeypatch.setattr(xlsx, "BLOCKS", False)
    plain = xlsx.render_bytes(workshop, pack)
    monkeypatch.setattr(xlsx, "BLOCKS", True)
    monkeypatch.setattr(BlockWorksheet, "_write_rows", Worksheet._write_rows)
    assert xlsx.render_bytes(workshop, pack) == plain
