from textual.widgets import DataTable

from workshop_tui.tui.app import WorkshopApp


async def test_first_start_on_an_empty_database_shows_the_sample_sessions(db_path):
    app = WorkshopApp(f"sqlite:///{db_path}")
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#sessions", DataTable)
        titles = {str(table.get_row_at(n)[0]) for n in range(table.row_count)}
        assert "Investment prioritisation matrix" in titles
        assert table.row_count == 3


async def test_a_damaged_database_shows_a_message_instead_of_crashing(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"not a database at all")
    app = WorkshopApp(f"sqlite:///{bad}")
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = str(app.screen.query_one("#status").render())
        assert "not an SQLite database" in status
    assert bad.read_bytes() == b"not a database at all"


async def test_the_quick_list_is_kept_when_the_database_opens_behind_it_and_redrawn_when_it_differs(db_path):
    """Start-up: the list read with sqlite3 first is not rebuilt (and drawn again) when the
    database layer opens and lists the same sessions; a narrower window, or a session
    renamed meanwhile, does rebuild it."""
    from settle import settle

    from workshop_tui.services import sessions
    from workshop_tui.storage.engine import open_database

    first = WorkshopApp(f"sqlite:///{db_path}")  # a first run: the samples go in
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot, lambda: first.db is not None)
    app = WorkshopApp(f"sqlite:///{db_path}")
    async with app.run_test(size=(120, 40)) as pilot:
        table = app.screen.query_one("#sessions", DataTable)
        await settle(pilot, lambda: table.row_count == 3 and app.db is not None)
        cell = table.get_row_at(0)[0]
        app.screen.refresh_sessions()  # the same sessions again
        await settle(pilot)
        assert table.get_row_at(0)[0] is cell and table.row_count == 3
        other = open_database(f"sqlite:///{db_path}")
        sid = sessions.list_sessions(other)[0].id
        info = sessions.load(other, sid).session
        import dataclasses

        sessions.update_info(other, sid, dataclasses.replace(info, title="Renamed elsewhere"))
        other.dispose()
        app.screen.refresh_sessions()
        await settle(pilot)
        titles = [str(table.get_row_at(n)[0]) for n in range(table.row_count)]
        assert "Renamed elsewhere" in titles
        await pilot.resize_terminal(70, 24)
        await settle(pilot, lambda: len(table.columns) == 4)  # narrow: no counts columns
        assert table.row_count == 3
