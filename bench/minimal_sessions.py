"""The floor for `workshop-tui sessions`: a minimal click command that prints the same
rows in a Rich table with sqlite3 (issue 15's comparison). Not a bench script itself:
bench/cli_start.py runs it beside the real command."""

import sqlite3

import click
from rich.console import Console
from rich.table import Table

QUERY = """
SELECT s.id, s.title, s.organisation, s.date, s.stage,
       (SELECT count(*) FROM initiative i WHERE i.session_id = s.id),
       (SELECT count(*) FROM participant p WHERE p.session_id = s.id),
       (SELECT count(*) FROM round r WHERE r.session_id = s.id)
FROM session s ORDER BY s.id
"""


@click.command()
@click.option("--db", "db_path", required=True)
def main(db_path: str) -> None:
    conn = sqlite3.connect(db_path)
    rows = conn.execute(QUERY).fetchall()
    conn.close()
    table = Table(title="Sessions", title_justify="left")
    for column in ("id", "title", "organisation", "date", "stage", "initiatives", "participants", "rounds"):
        table.add_column(column, justify="right" if column in ("id", "initiatives", "participants", "rounds") else "left")
    for r in rows:
        table.add_row(str(r[0]), r[1], r[2], (r[3] or "")[:10], r[4], str(r[5]), str(r[6]), str(r[7]))
    Console(markup=False, highlight=False).print(table)


if __name__ == "__main__":
    main()
