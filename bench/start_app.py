"""Cold start of workshop-tui: process start until the home screen lists the
sessions (headless, 120x40), on a database of 100 sessions.

Prints ``READY <time.monotonic()>`` the moment the list is on screen (the
harness subtracts the moment it spawned this process; CLOCK_MONOTONIC is
system-wide), then ``DB_READY <time.monotonic()>`` once the full database
layer has opened behind it, so both are reported.
"""

import asyncio
import sys
import time


async def main(db_file: str) -> None:
    from textual.widgets import DataTable

    from workshop_tui.tui.app import WorkshopApp

    app = WorkshopApp(f"sqlite:///{db_file}")
    async with app.run_test(size=(120, 40)) as pilot:
        while True:
            tables = app.screen.query("#sessions")
            if tables and tables.first(DataTable).row_count >= 100:
                break
            await pilot.pause(0.005)
        print(f"READY {time.monotonic()}", flush=True)
        while app.db is None:
            await pilot.pause(0.005)
        print(f"DB_READY {time.monotonic()}", flush=True)


asyncio.run(main(sys.argv[1]))
