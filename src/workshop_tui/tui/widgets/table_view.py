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
        self._take(content if content is not None else Text(""))
        # Per width (layout asks at the container's width, lines come at the content's):
        # the lines made so far, and every line when the content is drawn whole.
        self._made: dict[tuple, dict[int, Strip]] = {}  # by (width, the widget's style)
        self._all: dict[int, list[list[Segment]]] = {}

    def show(self, content: LineTable | Text) -> None:
        self._take(content)
        self._made, self._all = {}, {}
        self.refresh(layout=True)

    def _take(self, content: LineTable | Text) -> None:
        self._content: LineTable | Text = content
        self._split: list[Text] | None = None  # a text's lines, and the widest of them
        self._widest = 0
        if isinstance(content, Text) and "\t" not in content.plain:
            self._split = content.split("\n", allow_blank=True)
            self._widest = max((line.cell_len for line in self._split), default=0)

    def _fitting(self, width: int) -> list[Text] | None:
        """The text's lines when every one fits ``width`` (the score bars are made for the
        width): wrapping would give them back as they are, so the height is their number and
        each is rendered alone when shown (300 lines: none rendered to lay the stage out)."""
        return self._split if self._split is not None and self._widest <= width else None

    def _line_alone(self, line: Text) -> list[Segment]:
        console = self.app.console
        text = self._content
        base = console.get_style(text.style) if text.style else None
        return list(Segment.apply_style(line.render(console, end=""), base) if base else line.render(console, end=""))

    def _whole(self, width: int) -> list[list[Segment]]:
        lines = self._all.get(width)
        if lines is None:
            console = self.app.console
            fitting = self._fitting(width)
            if fitting is not None:
                lines = [self._line_alone(line) for line in fitting]
            else:
                lines = console.render_lines(self._content, console.options.update_width(max(1, width)), pad=False)
            self._all[width] = lines
        return lines

    def _table_height(self, width: int) -> int | None:
        if isinstance(self._content, LineTable):
            return self._content.height(width)
        fitting = self._fitting(width)
        return len(fitting) if fitting is not None else None

    def get_content_height(self, container, viewport, width: int) -> int:
        height = self._table_height(width)
        return height if height is not None else len(self._whole(width))

    def render_lines(self, crop):
        self._base = self.rich_style  # once per frame, not per line (it walks the styles)
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = getattr(self, "_base", None) or self.rich_style
        made = self._made.setdefault((width, base), {})
        strip = made.get(y)
        if strip is None:
            height = self._table_height(width)
            if height is not None and isinstance(self._content, LineTable):
                segments = self._content.line(y, width, self.app.console) if y < height else []
            elif height is not None:
                segments = self._line_alone(self._split[y]) if y < height else []
            else:
                lines = self._whole(width)
                segments = lines[y] if y < len(lines) else []
            strip = made[y] = Strip(Segment.apply_style(segments, base)).adjust_cell_length(width, base)
        return strip
