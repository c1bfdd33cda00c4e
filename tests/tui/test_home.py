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
