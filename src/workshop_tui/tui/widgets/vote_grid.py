"""A keyboard grid for entering votes: type a number (or M/S/C/W) and it is saved.

The grid holds no rules and no data of its own: its owner gives it rows,
columns and cell texts, an ``on_entry`` callback that checks and commits one
entry (raising ``VotingError`` with a plain message when refused) and returns
the text to show, and ``cell_text`` to redraw a cell after a cancelled entry. Only the one cell is redrawn, so a vote costs the
same on a 300 x 40 grid as on a small one.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Mapping, Sequence

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.color import Color
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import CellDoesNotExist, ColumnKey, RowKey

from workshop_tui.services.voting import VotingError
from workshop_tui.tui.safe import plain

TITLE_COLUMN = "__title__"
MOSCOW_KEYS = {"m": "must", "s": "should", "c": "could", "w": "wont"}
MOSCOW_TEXT = {"must": "Must", "should": "Should", "could": "Could", "wont": "Won't"}


@dataclass(frozen=True)
class GridColumn:
    key: str
    label: str
    kind: str = "number"  # "number", "moscow" or "position"
    max: Fraction | int | None = None  # lets a typed digit save at once when no longer number fits
    width: int = 8


def _typing_bindings() -> list[Binding]:
    keys = [(str(d), str(d)) for d in range(10)] + [("full_stop", "."), ("comma", ".")]
    keys += [(k, k) for k in MOSCOW_KEYS] + [(k.upper(), k) for k in MOSCOW_KEYS]
    return [Binding(key, f"type({char!r})", show=False, id=f"grid.type.{key}") for key, char in keys]


class VoteGrid(DataTable):
    """Rows are initiatives; columns are people, criteria or value/effort."""

    DEFAULT_CSS = """
    VoteGrid { height: 1fr; border: round $panel-lighten-2; border-title-color: $text-muted;
               border-subtitle-color: $text; border-subtitle-style: bold; }
    VoteGrid.-entry { border: round $warning; border-title-color: $warning; border-title-style: bold; }
    VoteGrid > .datatable--cursor { text-style: bold reverse; }
    """

    # A key never means two things: until the facilitator presses Enter the grid
    # takes no digits (they change stage), and the border says which mode it is in.
    BINDINGS = [
        *_typing_bindings(),
        Binding("enter", "start_entry", "Enter votes", id="grid.enter"),
        Binding("enter", "save_typed", "Save", show=False, id="grid.save"),
        Binding("backspace,delete", "erase", "Clear cell", show=False, id="grid.clear"),
        Binding("escape", "leave_entry", "Stop entering", id="grid.cancel"),
    ]
    IDLE_TITLE = "Enter: start entering votes"
    ENTRY_TITLE = "ENTERING VOTES: type numbers · Escape stops"

    class Saved(Message):
        """An entry was saved (already committed by ``on_entry``)."""

        def __init__(self, row: str, column: str) -> None:
            super().__init__()
            self.row, self.column = row, column

    class Refused(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="cell", zebra_stripes=True, **kwargs)
        self.columns_spec: dict[str, GridColumn] = {}
        self.row_keys: list[str] = []
        self.buffer = ""
        self.across = False  # after a save, move right (one person's ballot) rather than down
        self.on_entry: Callable[[str, str, object], Text | str] | None = None
        self.cell_text: Callable[[str, str], Text | str] | None = None
        self.entry = False  # digits are votes only while True (after Enter)
        self.sticky_entry = False  # a private ballot: always entering; Escape belongs to the screen
        self.border_title = self.IDLE_TITLE

    # -- entry mode ---------------------------------------------------------
    def set_entry(self, on: bool) -> None:
        on = on or self.sticky_entry
        if on == self.entry:
            return
        if not on:
            self.drop_typing()
        self.entry = on
        self.set_class(on, "-entry")
        self.border_title = (self.ENTRY_TITLE if not self.sticky_entry else "Your ballot: type numbers") \
            if on else self.IDLE_TITLE
        self.refresh_bindings()

    def keep_entry(self, hint: str) -> None:
        """Always in entry mode (the private ballot), with ``hint`` as the border title."""
        self.sticky_entry = True
        self.set_entry(True)
        self.border_title = hint

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("type", "erase"):
            return self.entry
        if action == "leave_entry":
            # Nothing to cancel on a private ballot: Escape goes on to the screen.
            return self.entry and (not self.sticky_entry or bool(self.buffer))
        if action == "start_entry":
            return not self.entry
        if action == "save_typed":
            return self.entry
        return super().check_action(action, parameters)

    def action_start_entry(self) -> None:
        self.set_entry(True)
        if self.cursor_column < 1 and self.columns_spec:
            self.move_cursor(column=1)

    def action_leave_entry(self) -> None:
        if self.buffer:
            self.drop_typing()
        else:
            self.set_entry(False)

    # -- building ---------------------------------------------------------
    def build(self, rows: Sequence[tuple[str, str]], columns: Sequence[GridColumn],
              cells: Mapping[tuple[str, str], Text | str], *, title_width: int = 26) -> None:
        """(Re)draw everything; done on load, never per vote."""
        where = self.cursor_coordinate
        self.clear(columns=True)
        self.buffer = ""
        self.columns_spec = {c.key: c for c in columns}
        self.row_keys = [key for key, _ in rows]
        self.add_column(Text("Initiative", style="bold"), key=TITLE_COLUMN, width=title_width)
        for c in columns:
            # Labels and titles are user text (people's names, criteria, initiatives): inert.
            self.add_column(Text(plain(c.label), style="bold", overflow="ellipsis", no_wrap=True), key=c.key,
                            width=c.width)
        self.fixed_columns = 1
        for key, title in rows:
            self.add_row(Text(plain(title), overflow="ellipsis", no_wrap=True),
                         *[_cell(cells.get((key, c.key), "")) for c in columns], key=key)
        if rows and columns:
            self.move_cursor(row=min(where.row, len(rows) - 1), column=max(1, min(where.column, len(columns))),
                             scroll=False)
        self.call_after_refresh(self.show_more_markers)

    # -- what is off-screen: "more ->" / "more below" on the border ------------------
    def off_screen(self) -> tuple[int, int, int, int]:
        """(columns left, columns right, rows above, rows below) outside the view.

        The title column and the header row are frozen, so only the others scroll.
        """
        columns = self.ordered_columns[1:]
        if not columns or not self.size.width:
            return 0, 0, 0, 0
        fixed = self.ordered_columns[0].get_render_width(self)
        view_w = max(0, self.scrollable_content_region.width - fixed)
        left = right = 0
        x = 0
        for column in columns:
            width = column.get_render_width(self)
            if x < self.scroll_x:
                left += 1
            elif x + width > self.scroll_x + view_w:
                right += 1
            x += width
        view_h = max(0, self.scrollable_content_region.height - self.header_height)
        above = int(self.scroll_y)
        below = max(0, self.row_count - above - view_h)
        return left, right, above, below

    def show_more_markers(self) -> None:
        left, right, above, below = self.off_screen()
        bits = []
        if left:
            bits.append(f"<- {left} more")
        if above:
            bits.append(f"{above} more above")
        if below:
            bits.append(f"{below} more below")
        if right:
            bits.append(f"{right} more ->")
        self.border_subtitle = " · ".join(bits)

    def watch_scroll_x(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_x(old_value, new_value)
        self.show_more_markers()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.show_more_markers()

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_more_markers)

    @property
    def current(self) -> tuple[str, str] | None:
        """(row key, column key) under the cursor, unless on the title column."""
        if not self.row_count or self.cursor_column < 1:
            return None
        cell = self.coordinate_to_cell_key(self.cursor_coordinate)
        return cell.row_key.value, cell.column_key.value

    def show(self, row: str, column: str, text: Text | str) -> None:
        """Redraw one cell.

        DataTable.update_cell bumps a counter that is part of every render cache
        key, so the next frame renders every visible cell again (about 300 on a
        120x40 screen, over 100 ms on an old laptop, for each vote). Here only
        the changed cell's cached render and its row's cached renderables are
        dropped; the per-line caches are cleared, and rebuilt from the other
        cells' cached renders. This leans on DataTable internals of the pinned
        Textual (8.2.8): all four caches below must go, or the cell keeps its old
        picture until a resize (the row renderables cache was missed once, and
        typed votes stayed blank in a real terminal). tests/terminal/ reads the
        screen of the running app to keep this honest.
        """
        row_key, column_key = RowKey(row), ColumnKey(column)
        if row_key not in self._row_locations or column_key not in self._column_locations:
            raise CellDoesNotExist(f"No cell exists for row_key={row_key!r}, column_key={column_key!r}.")
        self._data[row_key][column_key] = _cell(text)
        row_index = self._row_locations.get(row_key)
        # Only this row's entries go (compared by their text values: StringKey's own __eq__
        # is a Python call, and the caches hold hundreds of keys). Column widths are fixed
        # here, so no other row's picture changes.
        cells = self._cell_render_cache
        for key in [k for k in cells.keys() if k[0].value == row and k[1].value == column]:
            cells.discard(key)
        renderables = self._row_renderable_cache
        for key in [k for k in renderables.keys() if k[1] == row_index]:
            renderables.discard(key)
        rows = self._row_render_cache
        for key in [k for k in rows.keys() if k[0].value == row]:
            rows.discard(key)
        top = self.header_height if self.show_header else 0
        ys = {top + y for y, (key, _offset) in enumerate(self._y_offsets) if key.value == row}
        lines = self._line_cache
        for key in [k for k in lines.keys() if k[0] in ys]:
            lines.discard(key)
        self.refresh_row(row_index)

    def _render_line_in_row(self, row_key, line_no, base_style, cursor_location, hover_location):
        """DataTable's own row render (Textual 8.2.8), but only the columns on screen are
        rendered: the others are blanks of their width, which ``_render_line`` crops away.

        A vote moves the cursor, and the two rows it leaves and enters are rendered again;
        DataTable renders all 41 cells of each (40 people, most scrolled off) and asks for
        the column list eight times per row: about 2 ms a row, a third of the vote's frame.
        The cache key adds the horizontal scroll and the width, which decide what is blank.
        """
        width = self.size.width
        scroll_x = int(self.scroll_x)
        cache_key = (row_key, line_no, base_style, cursor_location, hover_location, self.cursor_type,
                     self.show_cursor, self._show_hover_cursor, self._update_count, self._pseudo_class_state,
                     scroll_x, width)
        cache = self._row_render_cache
        if cache_key in cache:
            return cache[cache_key]
        should_highlight = self._should_highlight
        render_cell = self._render_cell
        cursor_type = self.cursor_type
        header_style = self.get_component_styles("datatable--header").rich_style
        row_index = self._row_locations.get(row_key) if row_key in self._row_locations else -1
        columns = self.ordered_columns
        widths = [column.get_render_width(self) for column in columns]
        fixed_columns = self.fixed_columns

        fixed_row = []
        if self._labelled_row_exists and self.show_row_labels:
            cell_location = Coordinate(row_index, -1)
            fixed_row.append(render_cell(
                row_index, -1, header_style, width=self._row_label_column_width,
                cursor=should_highlight(cursor_location, cell_location, cursor_type),
                hover=should_highlight(hover_location, cell_location, cursor_type))[line_no])
        if fixed_columns:
            if row_key is self._header_row_key:
                fixed_style = header_style
            else:
                fixed_style = self.get_component_styles("datatable--fixed").rich_style
                fixed_style += Style.from_meta({"fixed": True})
            for column_index in range(min(fixed_columns, len(columns))):
                cell_location = Coordinate(row_index, column_index)
                fixed_row.append(render_cell(
                    row_index, column_index, fixed_style, widths[column_index],
                    cursor=should_highlight(cursor_location, cell_location, cursor_type),
                    hover=should_highlight(hover_location, cell_location, cursor_type))[line_no])

        row_style = self._get_row_style(row_index, base_style)
        # _render_line keeps [scroll_x + fixed width, scroll_x + width) of these cells (every
        # column, the fixed ones included, laid end to end): anything outside is never seen.
        low, high = scroll_x, scroll_x + width
        scrollable_row = []
        x = 0
        for column_index, cell_width in enumerate(widths):
            if x + cell_width <= low or x >= high:
                scrollable_row.append([Segment(" " * cell_width, row_style)])
            else:
                cell_location = Coordinate(row_index, column_index)
                scrollable_row.append(render_cell(
                    row_index, column_index, row_style, cell_width,
                    cursor=should_highlight(cursor_location, cell_location, cursor_type),
                    hover=should_highlight(hover_location, cell_location, cursor_type))[line_no])
            x += cell_width

        table_width = sum(widths[fixed_columns:]) + self._row_label_column_width
        remaining_space = max(0, width - table_width)
        background_color = self.background_colors[1]
        if cursor_type == "row":
            extend_style, _ = self._get_styles_to_render_cell(
                row_index == -1, False, False,
                should_highlight(hover_location, Coordinate(row_index or 0, 0), cursor_type),
                row_index == cursor_location.row, self.show_cursor, self._show_hover_cursor, False, False)
            extend_style = row_style + extend_style
        elif row_style.bgcolor is not None:
            faded_color = Color.from_rich_color(row_style.bgcolor).blend(background_color, factor=0.25)
            extend_style = Style.from_color(color=row_style.color, bgcolor=faded_color.rich_color)
        else:
            extend_style = Style.from_color(row_style.color, row_style.bgcolor)
        extend_style += Style.from_meta({"row": row_index, "column": 0, "out_of_bounds": True})
        scrollable_row.append([Segment(" " * remaining_space, extend_style)])
        row_pair = (fixed_row, scrollable_row)
        cache[cache_key] = row_pair
        return row_pair

    # -- typing ---------------------------------------------------------------
    def action_type(self, char: str) -> None:
        here = self.current
        if here is None:
            if self.cursor_column < 1 and self.columns_spec:
                self.move_cursor(column=1)
                here = self.current
            if here is None:
                return
        spec = self.columns_spec[here[1]]
        if spec.kind == "moscow":
            if char in MOSCOW_KEYS:
                self._save(here, MOSCOW_KEYS[char])
            return
        if char in MOSCOW_KEYS or (char == "." and spec.kind == "position") or (char == "." and "." in self.buffer):
            return
        self.buffer += char
        if self._complete(spec):
            self._save(here, _number(self.buffer))
        else:
            self.show(*here, Text(f"{self.buffer}…", style="italic"))

    def _complete(self, spec: GridColumn) -> bool:
        """True when no further digit could make a valid entry (so save now)."""
        if "." in self.buffer or spec.max is None:
            return False
        if self.buffer == "0":
            return True
        return int(self.buffer) * 10 > spec.max

    def action_save_typed(self) -> None:
        here = self.current
        if here is not None and self.buffer and self.buffer != ".":
            self._save(here, _number(self.buffer))

    def action_erase(self) -> None:
        here = self.current
        if here is None:
            return
        if self.buffer:
            self.buffer = self.buffer[:-1]
            self.show(*here, Text(f"{self.buffer}…", style="italic") if self.buffer else "")
            if not self.buffer:
                self._restore(here)
            return
        self._save(here, None, advance=False)

    def drop_typing(self) -> None:
        """Forget a half-typed number and redraw its cell."""
        here = self.current
        if self.buffer and here is not None:
            self.buffer = ""
            self._restore(here)

    def _restore(self, here: tuple[str, str]) -> None:
        if self.cell_text is not None:
            self.show(*here, self.cell_text(*here))

    def _save(self, here: tuple[str, str], value: object, *, advance: bool = True) -> None:
        self.buffer = ""
        if self.on_entry is None:
            return
        try:
            text = self.on_entry(here[0], here[1], value)
        except VotingError as exc:
            self._restore(here)
            self.post_message(self.Refused(str(exc)))
            return
        self.show(*here, text)
        if advance:
            self._advance()
        self.post_message(self.Saved(*here))

    def _advance(self) -> None:
        row, column = self.cursor_row, self.cursor_column
        if self.across and column < len(self.columns_spec):
            self.cursor_coordinate = Coordinate(row, column + 1)
        elif row < self.row_count - 1:
            self.cursor_coordinate = Coordinate(row + 1, 1 if self.across else column)

    def on_blur(self) -> None:
        self.drop_typing()
        if not self.sticky_entry:
            self.set_entry(False)


def _number(text: str) -> int | Fraction:
    value = Fraction(text if text != "." else "0")
    return int(value) if value.denominator == 1 and "." not in text else value


def _cell(text: Text | str) -> Text:
    if isinstance(text, Text):
        text.justify = "center"
        return text
    return Text(text, justify="center")
