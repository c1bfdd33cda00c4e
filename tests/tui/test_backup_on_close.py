"""The automatic backup when the TUI leaves a session or exits with a database open."""

import logging
import os
from pathlib import Path

import pytest

from settle import settle

from workshop_tui.storage import backup as storage_backup

pytestmark = pytest.mark.sqlite_only  # PostgreSQL is backed up with its own tools


def close_copies() -> list[Path]:
    folder = Path(os.environ["WORKSHOP_TUI_DATA_DIR"]) / "backups"
    return sorted(folder.glob("*-close.db")) if folder.is_dir() else []


async def test_going_home_from_a_session_leaves_a_backup(make_app, sample_session):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.screen.open_session(sample_session, "initiatives")
        await settle(pilot)
        assert close_copies() == []
        await pilot.press("escape")
        await app.workers.wait_for_complete()
        await settle(pilot)
        assert type(app.screen).__name__ == "HomeScreen"
        assert len(close_copies()) == 1


async def test_quitting_leaves_a_backup_and_a_failed_one_does_not_stop_the_exit(make_app, monkeypatch, caplog):
    async with make_app().run_test(size=(120, 40)) as pilot:
        await settle(pilot)
    assert len(close_copies()) == 1

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(storage_backup, "changed_since_last_backup", lambda _db: True)
    monkeypatch.setattr(storage_backup, "backup_before", broken)
    with caplog.at_level(logging.WARNING, logger="workshop_tui.services.backups"):
        app = make_app()
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("ctrl+q")
    assert app.return_code in (0, None)
    assert "on close failed" in caplog.text and "disk full" in caplog.text
    assert len(close_copies()) == 1
