"""The floor for start-up in a real terminal: a minimal Textual app (Header, DataTable,
Footer) that lists the same sessions, read with sqlite3, run for real (not headless).

``python bench/minimal_terminal_app.py <database>``; bench/tui_start_terminal.py starts it
in tmux exactly as it starts workshop-tui and waits for the same title on screen.
"""

import sqlite3
import sys

from textual.app import App
from textual.widgets import DataTable, Footer, Header


class Minimal(App):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path

    def compose(self):
        yield Header()
        yield DataTable()
        yield Footer()

    def on_mount(self) -> None:
        con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
        rows = con.execute("SELECT title, organisation FROM session ORDER BY updated_at DESC").fetchall()
        con.close()
        table = self.query_one(DataTable)
        table.add_columns("Title", "Organisation")
        for title, organisation in rows:
            table.add_row(title, organisation)


if __name__ == "__main__":
    Minimal(sys.argv[1]).run()
