"""The ``workshop-tui`` command's front door (and ``python -m workshop_tui``'s).

Opening the app, ``workshop-tui`` alone or with ``--db FILE`` / ``--database-url URL``, is
taken here without importing click and the CLI's command modules: about 20 ms of the
start-up a facilitator waits through in front of the room (issue 15). Anything else, and
any doubt (an option given twice, a value that looks like an option, a --db that is a
folder, --help, a command), goes to the click CLI (cli.py), which owns the messages.
Standard library only at import time.
"""

from __future__ import annotations

import os
import sys

DB_OPTION, DB_ENV = "--db", "WORKSHOP_TUI_DB"
URL_OPTION, URL_ENV = "--database-url", "WORKSHOP_TUI_DATABASE_URL"


def plain_app_options(args: list[str]) -> tuple[str | None, str | None] | None:
    """(db path, database URL) when ``args`` only open the app, as cli.main would read them
    (an option on the command line, else its environment variable); None for the CLI."""
    given: dict[str, str] = {}
    rest = list(args)
    while rest:
        arg = rest.pop(0)
        name, sep, value = arg.partition("=")
        if name not in (DB_OPTION, URL_OPTION) or name in given:
            return None
        if not sep:
            if not rest:
                return None
            value = rest.pop(0)
        if not value or value.startswith("-"):
            return None
        given[name] = value
    db = given.get(DB_OPTION) or os.environ.get(DB_ENV) or None
    url = given.get(URL_OPTION) or os.environ.get(URL_ENV) or None
    if db is not None and os.path.isdir(os.path.expanduser(db)):
        return None  # click says "is a directory"
    return db, url


def main() -> None:
    chosen = plain_app_options(sys.argv[1:])
    if chosen is None:
        from workshop_tui.cli import main as cli_main

        cli_main(prog_name="workshop-tui")
        return
    # location, not engine: the app's first frame must not wait for SQLAlchemy.
    from workshop_tui.storage.location import resolve_url
    from workshop_tui.tui.app import run_app

    sys.exit(run_app(resolve_url(*chosen)))
