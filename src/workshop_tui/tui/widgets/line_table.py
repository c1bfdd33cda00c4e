"""A table of one line per row, drawn as Rich draws its ``SIMPLE_HEAD`` table, in a fraction
of the time.

The Results stage ranks every initiative: 300 to 500 rows. Rich's ``Table`` measures and
renders every cell through its general layout (wrapping, ratios, collapsing), and Textual
asks for it twice per layout (once for the height, once for the lines): 0.2 to 0.8 s on the
UI thread whenever the stage was shown or its figures changed. Here every cell is a single
line and every column but one keeps its natural width, so a line is a few string operations.
What it draws is exactly Rich's table, character for character and style for style
(tests/tui/test_line_table.py compares them); where Rich would have to squeeze the other
columns (the flexible column cannot fit even its heading), it hands over to Rich's own table.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, Sequence

from rich import box
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text

Justify = Literal["left", "right", "center"]


@dataclass(frozen=True)
class Column:
    header: str
    justify: Justify = "left"
    width: int | None = None  # fixed; None: the widest of the heading and the cells
    flexible: bool = False  # takes the width left over (one column), cutting text with "…"


class LineTable:
    """Rows of single-line cells under a bold heading and a rule, as ``Table(box=SIMPLE_HEAD,
    expand=True, pad_edge=False, show_edge=False)`` with ``no_wrap`` columns draws them."""

    def __init__(self, columns: Sequence[Column], rows: Sequence[tuple[Sequence[Text], str]]) -> None:
        self.columns = tuple(columns)
        self.rows = tuple(rows)  # (cells, row style)

    # -- Rich's table, for the cases this one does not draw itself ----------------
    def rich_table(self) -> Table:
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
        for c in self.columns:
            if c.flexible:
                table.add_column(c.header, justify=c.justify, ratio=1, overflow="ellipsis", no_wrap=True)
            else:
                table.add_column(c.header, justify=c.justify, width=c.width, no_wrap=True)
        for cells, style in self.rows:
            table.add_row(*cells, style=style)
        return table

    def _widths(self, total: int) -> list[int] | None:
        widths: list[int] = []
        for j, c in enumerate(self.columns):
            if c.width is not None:
                widths.append(c.width)
            elif c.flexible:
                widths.append(0)
            else:
                widths.append(max([Text(c.header).cell_len, *(cells[j].cell_len for cells, _ in self.rows)]))
        flexible = [j for j, c in enumerate(self.columns) if c.flexible]
        if len(flexible) != 1:
            return None
        room = total - sum(widths) - 3 * (len(widths) - 1)
        if room < max(1, Text(self.columns[flexible[0]].header).cell_len) or any(
                c.width is not None and max([Text(c.header).cell_len, *(cells[j].cell_len for cells, _ in self.rows)])
                > c.width for j, c in enumerate(self.columns)):
            return None  # Rich would squeeze or wrap: let it
        widths[flexible[0]] = room
        return widths

    def height(self, width: int) -> int | None:
        """Its number of lines at ``width`` when it draws them itself (None: Rich's table does)."""
        return None if self._widths(width) is None else 2 + len(self.rows)

    def line(self, y: int, width: int, console: Console) -> list[Segment]:
        """Line ``y`` alone (0: the heading, 1: the rule, then one per row), when ``height(width)``
        is not None: a screen draws only the lines it shows."""
        widths = self._widths(width)
        if y == 0:
            cells, style = [Text(c.header) for c in self.columns], console.get_style("table.header")
        elif y == 1:
            return [Segment("─" * width)]
        else:
            cells, name = self.rows[y - 2]
            style = console.get_style(name) if name else Style.null()
        return [s for s in self._line(cells, style, widths, console) if s.text != "\n"]

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement(options.max_width, options.max_width)  # it expands, as Rich's does

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        widths = self._widths(options.max_width)
        if widths is None:
            yield self.rich_table()
            return
        head = console.get_style("table.header")
        yield from self._line([Text(c.header) for c in self.columns], head, widths, console)
        yield Segment("─" * options.max_width)
        yield Segment.line()
        for cells, style in self.rows:
            yield from self._line(cells, console.get_style(style) if style else Style.null(), widths, console)

    def _line(self, cells: Sequence[Text], style: Style, widths: list[int], console: Console):
        last = len(self.columns) - 1
        for j, (column, cell, width) in enumerate(zip(self.columns, cells, widths)):
            text = cell.copy()
            if column.justify != "left":
                text.rstrip()  # as Rich justifies a line
            if text.cell_len > width:
                text.truncate(width, overflow="ellipsis")
            gap = width - text.cell_len
            if column.justify == "right":
                text.pad_left(gap)
            elif column.justify == "center":
                text.pad_left(gap // 2)
                text.pad_right(gap - gap // 2)
            else:
                text.pad_right(gap)
            # Text.render leaves the text's own style to its caller (Text's console hook applies
            # it): the row's style, then the cell's, under the cell's spans.
            base = style + console.get_style(text.style) if text.style else style
            yield from Segment.apply_style(text.render(console, end=""), base) if base else text.render(console, end="")
            if j < last:
                yield Segment(" ", style)
                yield Segment(" ")
                yield Segment(" ", style)
        yield Segment.line()
