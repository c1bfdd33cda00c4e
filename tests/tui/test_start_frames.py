"""The first frame with the sessions list costs one render; the database layer and the other
screens' CSS wait for it (issue 15: start-up in a real terminal within 1.5x a minimal
Textual app).

Each check runs the real entry point's app in a fresh interpreter, headless, on a real SQLite
file, and records what Textual did up to the first list. No timings are asserted.
"""

import subprocess
import sys
import textwrap

from workshop_tui.services import sessions

PROBE = textwrap.dedent("""
    import asyncio, sys
    import workshop_tui.cli
    from textual.widgets import DataTable
    from workshop_tui.storage.location import resolve_url
    from workshop_tui.tui.app import WorkshopApp
    from workshop_tui.tui.screens.home import HomeScreen

    events = []
    render_lines = DataTable.render_lines

    def note_css(app):
        if "dialog css" not in events and ".modal-box" in app.stylesheet.rules_map:
            events.append("dialog css")

    def spy_render(self, crop):
        if self.id == "sessions":
            note_css(self.app)
            events.append("render in batch" if self.app._batch_count else "render")
        return render_lines(self, crop)

    show = HomeScreen._show

    def spy_show(self, summaries, *args, **kwargs):
        note_css(self.app)
        show(self, summaries, *args, **kwargs)
        events.append("list" if self.app.db is None else "list through the database")

    shown = WorkshopApp.home_list_shown

    def spy_shown(self):
        events.append("database may load")
        shown(self)

    DataTable.render_lines = spy_render
    HomeScreen._show = spy_show
    WorkshopApp.home_list_shown = spy_shown

    async def main():
        app = WorkshopApp(resolve_url(sys.argv[1]))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
            print("stack", *[type(s).__name__ for s in app.screen_stack])
        print("order " + "|".join(events))

    asyncio.run(main())
""")


def run_probe(db, db_path) -> dict[str, list[str]]:
    sessions.load_samples(db)
    db.dispose()
    out = subprocess.run([sys.executable, "-c", PROBE, str(db_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    lines = dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)
    return {"stack": lines["stack"].split(), "order": lines["order"].split("|")}


def test_no_frame_of_the_list_is_rendered_and_thrown_away_while_the_app_starts(db, db_path):
    """Home used to be pushed from on_mount over Textual's empty default screen: it was laid
    out and its table rendered while Textual still held every frame back (a batch), and that
    render was thrown away; the list then had to be rendered again for the real first frame."""
    seen = run_probe(db, db_path)
    assert "render in batch" not in seen["order"], seen["order"]
    assert "render" in seen["order"]
    assert seen["stack"] == ["HomeScreen"]  # Home is the first screen, nothing under it


def test_the_database_layer_loads_only_after_a_frame_showing_the_list(db, db_path):
    """Its imports hold the interpreter: released before the list's frame was rendered, they
    slowed that frame down (seen in tmux: 0.1 s or more on two cores)."""
    order = run_probe(db, db_path)["order"]
    first_list = order.index("list")
    released = order.index("database may load")
    assert "render" in order[first_list:released], order
    # ... and the list is read again through the full database layer once it is open.
    assert "list through the database" in order[released:]


def test_the_other_screens_css_is_parsed_after_the_first_frame(db, db_path):
    """app.tcss holds Home's rules only; the session screen's, its panes' and the dialogs'
    (screens.tcss) used to be parsed before the first frame too."""
    order = run_probe(db, db_path)["order"]
    assert "dialog css" in order, order  # added once the list was on screen
    assert order.index("dialog css") > order.index("render"), order


async def test_a_dialog_opened_at_once_is_styled(db):
    """The first key may come before the idle moment that adds screens.tcss: pushing any
    screen adds it first."""
    from textual.widgets import DataTable

    from workshop_tui.tui.app import WorkshopApp

    sessions.load_samples(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    app.load_screens_css = lambda: None  # only the push may add it now
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#sessions", DataTable).row_count == 3
        assert ".modal-box" not in app.stylesheet.rules_map
        del app.load_screens_css
        await pilot.press("question_mark")
        await pilot.pause()
        box = app.screen.query_one("#help-box")
        assert box.styles.width.value == 76 and box.styles.border_top[0] == "thick"
