"""The floor for cold start: a minimal Textual app (Header, DataTable, Footer)
started headless the same way as ours, ready when its table has rows.

Prints ``READY <time.monotonic()>`` at that moment, as start_app.py does.
"""

import asyncio
import time

from textual.app import App
from textual.widgets import DataTable, Footer, Header


class Minimal(App):
    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Title", "Organisation")
        for n in range(100):
            table.add_row(f"Session {n}", "Trust")


async def main():
    app = Minimal()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.query_one(DataTable).row_count == 100
        print(f"READY {time.monotonic()}", flush=True)


asyncio.run(main())
