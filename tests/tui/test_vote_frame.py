"""The frame after a typed vote does only what the vote changed (issue 15, point 3).

Three things that made that frame slow on the 300 x 40 grid, each checked here:
- the grid rendered every cell of the two rows the cursor leaves and enters, the 30-odd
  people scrolled off screen included (it now renders the columns on screen, and draws
  exactly what DataTable draws, at any scroll);
- every widget of the screen was asked for its lines, the header and footer too, though
  only two lines of the grid changed (the session screen's compositor asks only the
  widgets whose visible part is in the changed area);
- the writer thread started before that frame (``call_after_refresh`` runs at the
  screen's next idle, which can come first) and took the interpreter lock from it.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Header

from locking import until
from settle import settle

from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.session import SessionScreen
from workshop_tui.tui.widgets.vote_grid import GridColumn, VoteGrid


class PlainGrid(VoteGrid):
    """The same grid with DataTable's own row render: what the vote grid must draw."""

    _render_line_in_row = DataTable._render_line_in_row


class TwoGrids(App):
    CSS = "VoteGrid { height: 1fr; }"

    def compose(self) -> ComposeResult:
        yield VoteGrid(id="lean")
        yield PlainGrid(id="plain")


def fill(grid: VoteGrid) -> None:
    rows = [(f"i{n}", f"Initiative {n}") for n in range(12)]
    columns = [GridColumn(f"p{k}", f"Person {k}", max=5) for k in range(30)]
    cells = {(f"i{n}", f"p{k}"): Text(str((n * k) % 6)) for n in range(12) for k in range(30) if (n + k) % 3}
    grid.build(rows, columns, cells)


def drawn(grid: VoteGrid) -> list[list]:
    return [list(grid.render_line(y)) for y in range(grid.size.height)]


async def test_the_grid_draws_what_datatable_draws_at_every_scroll_and_cursor():
    app = TwoGrids()
    async with app.run_test(size=(70, 34)) as pilot:
        lean, plain = app.query_one("#lean", VoteGrid), app.query_one("#plain", VoteGrid)
        for grid in (lean, plain):
            fill(grid)
        app.screen.set_focus(None)  # neither has the focus: the same pseudo-classes, the same styles
        await pilot.pause()
        assert lean.size == plain.size and lean.max_scroll_x > 100
        for scroll_x in (0, 3, 17, 58, 101, lean.max_scroll_x):
            for row, column in ((0, 1), (5, 9), (11, 30)):
                for grid in (lean, plain):
                    grid.move_cursor(row=row, column=column, scroll=False)
                    grid.scroll_to(x=scroll_x, y=0, animate=False, immediate=True)
                await pilot.pause()
                assert lean.scroll_x == plain.scroll_x == scroll_x
                assert drawn(lean) == drawn(plain), (scroll_x, row, column)
        lean.show("i4", "p7", Text("5", style="underline"))
        plain.show("i4", "p7", Text("5", style="underline"))
        for grid in (lean, plain):
            grid.scroll_to(x=0, y=0, animate=False, immediate=True)
        await pilot.pause()
        assert drawn(lean) == drawn(plain)


async def test_a_row_renders_only_the_cells_on_screen():
    app = TwoGrids()
    async with app.run_test(size=(70, 34)) as pilot:
        grid = app.query_one("#lean", VoteGrid)
        fill(grid)
        await pilot.pause()
        rendered: list[int] = []
        render_cell = grid._render_cell

        def counting(row_index, column_index, *args, **kwargs):
            rendered.append(column_index)
            return render_cell(row_index, column_index, *args, **kwargs)

        grid._render_cell = counting
        grid.move_cursor(row=3, column=2)
        await pilot.pause()
        rendered.clear()
        grid._row_render_cache.clear()
        grid._line_cache.clear()
        grid.render_line(grid.header_height + 3)
        # 70 columns wide: the title and about four people show, of 31 columns.
        assert rendered and len(set(rendered)) <= 8, sorted(set(rendered))


async def test_a_vote_frame_asks_only_the_changed_widgets_and_the_writer_waits_for_it(sqlite_db):
    db, path, sid, key = sqlite_db
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    app.AFTER_FRAME_AT_LATEST_S = 60  # a loaded machine's slow frame must not let the timer go first
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(SessionScreen(sid, stage="voting"))
        screen = app.screen
        await until(pilot, lambda: screen.workshop is not None and bool(screen.query("#voting-grid")),
                    "the voting grid")
        pane = screen.pane("voting")
        grid = screen.query_one("#voting-grid", VoteGrid)
        await settle(pilot, lambda: grid.has_focus, "the grid to have the focus")
        await pilot.press("enter")
        await until(pilot, lambda: grid.entry, "entry mode")
        await pilot.press("down")  # the cursor on a person's cell, off the header
        await settle(pilot)
        here = grid.current

        events: list[str] = []
        header = screen.query_one(Header)
        header_lines = header.render_lines

        def header_asked(crop):
            events.append("header")
            return header_lines(crop)

        header.render_lines = header_asked
        display = app._display

        def frame(shown_screen, renderable) -> None:
            display(shown_screen, renderable)
            if renderable is not None:
                events.append("frame showing the vote" if str(grid.get_cell(*here)) == "1" else "frame")

        app._display = frame
        run_worker = pane.run_worker

        def started(work, *args, **kwargs):
            if kwargs.get("group") == "vote-writes":
                events.append("writer")
            return run_worker(work, *args, **kwargs)

        pane.run_worker = started
        await pilot.press("1")
        await until(pilot, lambda: "writer" in events and pane.desk.value(here[1], here[0]) is not None,
                    "the vote to be written")
        assert "frame showing the vote" in events
        assert events.index("frame showing the vote") < events.index("writer"), events
        assert "header" not in events, events
