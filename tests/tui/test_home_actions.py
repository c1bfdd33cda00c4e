"""The home screen: new, open, copy, delete, import and export, by keyboard."""

import json

from settle import settle
from textual.widgets import DataTable, Input, Static

from workshop_tui.services import sessions
from workshop_tui.tui.screens.session import SessionScreen


def titles(app):
    table = app.screen.query_one("#sessions", DataTable)
    return [str(table.get_row_at(n)[0]) for n in range(table.row_count)]


async def test_an_empty_database_says_what_to_do(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        empty = app.screen.query_one("#empty", Static)
        assert empty.display and "Press n" in str(empty.render())


async def test_n_creates_a_session_and_opens_it_at_setup(make_app, db):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        await pilot.press(*"Where to start", "enter", *"Northfield Trust", "enter")
        app.screen.query_one("#new-date", Input).value = "2026-11-21"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.current == "setup"
        [summary] = sessions.list_sessions(db)
        assert (summary.title, summary.organisation, str(summary.date)) == ("Where to start", "Northfield Trust",
                                                                           "2026-11-21")


async def test_a_new_session_needs_a_title_and_a_real_date(make_app, db):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        app.screen.query_one("#new-title", Input).value = "Board"
        app.screen.query_one("#new-date", Input).value = "next tuesday"
        app.screen.query_one("#new-date", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "year-month-day" in str(app.screen.query_one("#new-error", Static).render())
        assert sessions.list_sessions(db) == []


async def test_copy_and_delete_with_confirmation(make_app, db, sample_session):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert len(sessions.list_sessions(db)) == 2
        assert any("(re-prioritisation)" in t for t in titles(app))
        await pilot.press("d")
        await settle(pilot)
        question = str(app.screen.query_one("#confirm-question", Static).render())
        assert "re-prioritisation" in question
        await pilot.press("n")  # keep it
        await settle(pilot)
        assert len(sessions.list_sessions(db)) == 2
        await pilot.press("d")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [s.id for s in sessions.list_sessions(db)] == [sample_session]


async def test_import_shows_every_problem_and_never_crashes(make_app, db, tmp_path, sample_bytes):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"format": "workshop-tui/session", "version": 99}))
    good = tmp_path / "good.json"
    good.write_bytes(sample_bytes("calderdale"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)
        app.screen.query_one("#import-path", Input).value = str(bad)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await settle(pilot)
        problems = str(app.screen.query_one("#import-problems", Static).render())
        assert "cannot import" in problems
        assert sessions.list_sessions(db) == []
        app.screen.query_one("#import-path", Input).value = str(good)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert titles(app) == ["Investment prioritisation matrix"]


async def test_export_writes_the_file_and_says_where(make_app, db, sample_session, tmp_path):
    target = tmp_path / "out" / "board.json"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        path_box = app.screen.query_one("#export-path", Input)
        assert path_box.value == "~/workshop-exports/decide-where-to-start-digital-exemplars-2027-29.html"
        await pilot.press("down", "down", "down", "down")  # to "Session file ... (JSON)"
        await settle(pilot)
        assert path_box.value == "~/workshop-exports/decide-where-to-start-digital-exemplars-2027-29.json"
        path_box.value = str(target)
        await pilot.press("enter", "enter")  # choose the format, then press Export
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "Written to" in str(app.screen.query_one("#export-result", Static).render())
    assert json.loads(target.read_text())["session"]["title"].startswith("Decide where to start")


async def test_export_all_formats_into_a_folder(make_app, db, sample_session, tmp_path):
    from textual.widgets import OptionList

    target = tmp_path / "pack"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        app.screen.query_one("#export-format", OptionList).highlighted = 5  # everything, into a folder
        await settle(pilot)
        path_box = app.screen.query_one("#export-path", Input)
        assert path_box.value == "~/workshop-exports/decide-where-to-start-digital-exemplars-2027-29"
        path_box.value = str(target)
        path_box.focus()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert "Written 5 files to" in str(app.screen.query_one("#export-result", Static).render())
    assert sorted(p.suffix for p in target.iterdir()) == [".csv", ".html", ".json", ".md", ".xlsx"]


async def test_markup_in_a_title_is_shown_literally(make_app, db):
    from workshop_tui.domain.model import SessionInfo

    sessions.create(db, SessionInfo(title="[bold red]Board[/] away day", organisation="[link=x]Trust"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert titles(app) == ["[bold red]Board[/] away day"]
