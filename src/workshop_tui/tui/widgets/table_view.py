"""A long table (or text) drawn a line at a time, for a section of a scrolling stage.

A ``Static`` holding the Results ranking (300 to 500 rows) drew the whole table to know its
height and again to show any part of it, at every layout: 60 ms and more per frame on the
UI thread. Here the height comes from the row count, and only the lines on screen are
made, each once per width (``LineTable.line``); what is drawn is what the ``Static`` drew.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.text import Text
from textual.strip import Strip
from textual.widget import Widget

from workshop_tui.tui.widgets.line_table import LineTable


class TableView(Widget):
    DEFAULT_CSS = """
    TableView { height: auto; }
    """

    def __init__(self, content: LineTable | Text | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._content: LineTable | Text = content if content is not None else Text("")
        self._made: dict[int, Strip] = {}
        self._all: list[list[Segment]] | None = None  # every line, when the content is drawn whole
        self._width = -1

    def show(self, content: LineTable | Text) -> None:
        self._content = content
        self._forget(-1)
        self.refresh(layout=True)

    def _forget(self, width: int) -> None:
        self._made, self._all, self._width = {}, None, width

    def _whole(self, width: int) -> list[list[Segment]]:
        if self._all is None:
            console = self.app.console
            self._all = console.render_lines(self._content, console.options.update_width(max(1, width)), pad=False)
        return self._all

    def _table_height(self, width: int) -> int | None:
        return self._content.height(width) if isinstance(self._content, LineTable) else None

    def get_content_height(self, container, viewport, width: int) -> int:
        if width != self._width:
            self._forget(width)
        height = self._table_height(width)
        return height if height is not None else len(self._whole(width))

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        if width != self._width:
            self._forget(width)
        strip = self._made.get(y)
        if strip is None:
            if self._table_height(width) is not None:
                segments = self._content.line(y, width, self.app.console) if y < self._table_height(width) else []
            else:
                lines = self._whole(width)
                segments = lines[y] if y < len(lines) else []
            base = self.rich_style
            strip = self._made[y] = Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)
        return strip
