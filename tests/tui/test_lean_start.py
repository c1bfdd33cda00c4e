"""The first frame does not wait for the database layer (issue 7: fast on an old laptop)."""

import subprocess
import sys
import textwrap

from textual.widgets import DataTable

from workshop_tui.services import sessions
from workshop_tui.tui.app import WorkshopApp

HEAVY = ("sqlalchemy", "sqlmodel", "pydantic", "alembic", "scipy", "xlsxwriter", "openpyxl", "aiohttp", "jinja2")

# Runs in a fresh interpreter: imports the real entry point (cli.py registers every
# command module), then records sys.modules at the moment the home screen draws a list.
PROBE = textwrap.dedent("""
    import asyncio, sys
    import workshop_tui.cli
    from workshop_tui.storage.location import resolve_url
    from workshop_tui.tui.app import WorkshopApp
    from workshop_tui.tui.screens.home import HomeScreen

    HEAVY = {heavy!r}
    seen = []
    original = HomeScreen._show

    def spy(self, summaries, *args, **kwargs):
        original(self, summaries, *args, **kwargs)
        seen.append((len(summaries), self.ready, [m for m in HEAVY if m in sys.modules]))

    HomeScreen._show = spy

    async def main():
        app = WorkshopApp(resolve_url(sys.argv[1]))
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()
            await pilot.pause()
        for entry in seen:
            print(*entry, sep="|")

    asyncio.run(main())
""").format(heavy=HEAVY)


def test_the_home_screen_lists_the_sessions_before_sqlalchemy_is_imported(db, db_path):
    sessions.load_samples(db)
    db.dispose()
    out = subprocess.run([sys.executable, "-c", PROBE, str(db_path)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    first, *later = [line.split("|") for line in out.stdout.splitlines()]
    assert first == ["3", "False", "[]"], "the first list must come before the database layer"
    # Then the worker opened the full database and the list was read again through it.
    assert later and later[-1][:2] == ["3", "True"] and "sqlalchemy" in later[-1][2]
    # With phones off the phone server's libraries are never imported (issue 14).
    assert "aiohttp" not in later[-1][2] and "jinja2" not in later[-1][2]


async def test_a_session_chosen_before_the_database_is_open_opens_once_it_is(db, db_path):
    from workshop_tui.tui.screens.session import SessionScreen

    sessions.load_samples(db)
    db.dispose()
    app = WorkshopApp(f"sqlite:///{db_path}")
    # Hold the worker back (it waits for the first list) until the test lets it go.
    app.home_list_shown = lambda: None
    app.FIRST_LIST_WAIT_S = 60
    async with app.run_test(size=(120, 40)) as pilot:
        home = app.screen
        assert app.db is None and home.query_one("#sessions", DataTable).row_count == 3
        assert home.check_action("delete", ()) is None  # shown dimmed until the database is open
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is home
        assert "Opening the database" in str(home.query_one("#status").render())
        app.first_list_shown.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert home.check_action("delete", ()) is True
