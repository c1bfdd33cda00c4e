"""The Results ranking's table (tui/widgets/line_table.py) draws exactly what Rich's
``SIMPLE_HEAD`` table draws, character for character and style for style, at any width:
it is only faster (one line per row, no general layout)."""

from __future__ import annotations

import time

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from workshop_tui.tui.widgets.line_table import Column, LineTable

STYLES = ["", "bold", "italic", "bold reverse", "red", "underline"]
WORDS = ["EPR", "e-Observations", "<b>markup</b>", "[bold]x[/]", "日本語", "Wi-Fi", "", "=2", "↑3", "room split"]


def cells_and_styles(console: Console, renderable, width: int) -> list[list[tuple[str, object]]]:
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    return [[(ch, seg.style if seg.style else None) for seg in line for ch in seg.text] for line in lines]


@st.composite
def tables(draw):
    n = draw(st.integers(1, 6))
    flexible = draw(st.integers(0, n - 1))
    columns = []
    for j in range(n):
        fixed = draw(st.sampled_from([None, None, 4]))
        columns.append(Column(draw(st.sampled_from(["Rank", "Initiative", "Dots", "", "Moved", "日本"])),
                              draw(st.sampled_from(["left", "right", "center"])),
                              None if j == flexible else fixed, j == flexible))
    rows = []
    for _ in range(draw(st.integers(0, 6))):
        cells = [Text(" ".join(draw(st.lists(st.sampled_from(WORDS), max_size=4))),
                      style=draw(st.sampled_from(STYLES))) for _ in columns]
        if draw(st.booleans()):
            cells[flexible].stylize("italic", 0, 3)
        rows.append((cells, draw(st.sampled_from(STYLES))))
    return LineTable(columns, rows)


@settings(max_examples=150, deadline=None)
@given(tables(), st.integers(1, 140))
def test_it_draws_exactly_what_richs_table_draws(table, width):
    console = Console(width=200, color_system="truecolor", force_terminal=True)
    assert cells_and_styles(console, table, width) == cells_and_styles(console, table.rich_table(), width)


def test_five_hundred_rows_are_drawn_without_richs_layout():
    rows = [([Text(str(n)), Text(f"Initiative number {n} with a long title"), Text(str(n * 3)), Text("")], "")
            for n in range(500)]
    table = LineTable([Column("Rank", "right", 4), Column("Initiative", flexible=True), Column("Dots", "right"),
                       Column("")], rows)
    console = Console(width=120)
    assert table._widths(100) is not None  # drawn by itself, not handed to Rich
    lines = console.render_lines(table, console.options.update_width(100), pad=False)
    assert len(lines) == 502 and "".join(s.text for s in lines[2]).rstrip().endswith("0")


async def test_a_long_table_on_screen_makes_only_the_lines_it_shows():
    from textual.app import App, ComposeResult
    from textual.containers import VerticalScroll

    from workshop_tui.tui.widgets.table_view import TableView

    rows = [([Text(str(n)), Text(f"Initiative {n}"), Text(str(n * 3))], "bold" if n % 7 == 0 else "")
            for n in range(500)]
    table = LineTable([Column("Rank", "right", 4), Column("Initiative", flexible=True), Column("Dots", "right")], rows)

    class Stage(App):
        def compose(self) -> ComposeResult:
            with VerticalScroll():
                yield TableView(table, id="ranking")

    app = Stage()
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        view = app.query_one("#ranking", TableView)
        assert view.size.height == 502  # known from the rows, without drawing them
        assert 0 < len(view._made) <= 20  # only what the 20-line screen shows
        width = view.size.width  # the screen less the scroll bar
        console = Console(width=width)
        expected = console.render_lines(table, console.options.update_width(width), pad=False)
        assert "".join(s.text for s in view.render_line(9)).rstrip() == "".join(s.text for s in expected[9]).rstrip()
