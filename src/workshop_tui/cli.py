"""The command line, and the composition root: the database is opened here,
once, and handed to the services (and to the TUI).

Exit codes: 0 success; 2 bad input (usage, an invalid file); 1 anything else.
Heavy modules are imported inside commands so ``workshop-tui --help`` is quick.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, Callable

import click

EXIT_BAD_INPUT = 2
EXIT_FAILURE = 1


class Failed(click.ClickException):
    """A one-line refusal or failure (exit 1); any user text in it is shown inert."""

    def format_message(self) -> str:
        from workshop_tui.textsafe import for_terminal

        return for_terminal(self.message)


class BadInput(Failed):
    exit_code = EXIT_BAD_INPUT


def say(text: object, err: bool = False) -> None:
    """Print one line that may carry user text: control and bidi characters shown as escapes."""
    from workshop_tui.presentation import cli_text

    click.echo(cli_text(text), err=err)


class SafeGroup(click.Group):
    """Every error message a command raises (they often quote a title or a file's text) is
    made inert before click prints it: an ESC in a session title must not drive the terminal."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            from workshop_tui.presentation import cli_text

            exc.message = cli_text(exc.message)
            raise


def db_options(func: Callable) -> Callable:
    func = click.option("--database-url", "database_url", envvar="WORKSHOP_TUI_DATABASE_URL", default=None,
                        help="Any SQLAlchemy URL, e.g. postgresql+psycopg://user@host/db.")(func)
    func = click.option("--db", "db_path", envvar="WORKSHOP_TUI_DB", default=None,
                        type=click.Path(dir_okay=False), help="An SQLite database file.")(func)
    return func


def open_db(ctx: click.Context, db_path: str | None, database_url: str | None):
    """Open the database chosen on the command line (subcommand options win)."""
    from workshop_tui.storage.engine import DatabaseError, open_database, resolve_url

    root = ctx.find_root().params
    url = resolve_url(db_path or root.get("db_path"), database_url or root.get("database_url"))
    try:
        db = open_database(url)
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    ctx.call_on_close(db.dispose)
    # The database layer, just imported, lives as long as the command: out of the
    # collector's sight, reading and counting a large session is not slowed by walks of it.
    from workshop_tui.heap import freeze_long_lived

    freeze_long_lived()
    return db


def emit_json(data: Any) -> None:
    from workshop_tui.textsafe import for_json

    click.echo(for_json(json.dumps(data, ensure_ascii=False, indent=2)))


def resolve_session(db, value: str) -> int:
    """Accept a session id, or an exact (unique) title."""
    from workshop_tui.services import sessions

    return pick_session(sessions.list_sessions(db), value)


def pick_session(summaries: list, value: str) -> int:
    """The session a command names, from the sessions list: its id, or its exact (unique) title."""
    if value.isdigit() and any(s.id == int(value) for s in summaries):
        return int(value)
    matches = [s for s in summaries if s.title == value]
    if len(matches) == 1:
        return matches[0].id
    if len(matches) > 1:
        raise BadInput(f"{len(matches)} sessions are titled {value!r}; use the id (see `workshop-tui sessions`).")
    raise BadInput(f"There is no session {value!r} (see `workshop-tui sessions`).")


def read_session(ctx: click.Context, db_path: str | None, database_url: str | None, value: str, *,
                 rounds=None) -> tuple[int, Any]:
    """For a command that only reads: the session named on the command line and the workshop
    (only ``rounds``' votes, when named; see ``sessions.load``).

    A plain SQLite file at the current schema is read with sqlite3 alone, in one read
    transaction (services.database.read_session_quickly: no SQLAlchemy to import); any
    other database, or a file that needs anything done to it first, is opened the usual
    way, with the same refusals and messages."""
    from workshop_tui.services.database import read_session_quickly
    from workshop_tui.storage.location import resolve_url

    root = ctx.find_root().params
    url = resolve_url(db_path or root.get("db_path"), database_url or root.get("database_url"))
    quick = read_session_quickly(url, lambda summaries: pick_session(summaries, value), rounds=rounds)
    if quick is not None:
        return quick
    from workshop_tui.services import sessions

    db = open_db(ctx, db_path, database_url)
    session_id = resolve_session(db, value)
    return session_id, sessions.load(db, session_id, rounds=rounds)


@click.group(cls=SafeGroup, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@db_options
@click.version_option(package_name="workshop-tui")
@click.pass_context
def main(ctx: click.Context, db_path: str | None, database_url: str | None) -> None:
    """workshop-tui: run a digital-strategy prioritisation workshop from a terminal.

    With no command, opens the workshop app (loading the sample sessions the
    first time it starts on an empty database).
    """
    if ctx.invoked_subcommand is None:
        _run_tui(ctx, db_path, database_url)


def _run_tui(ctx: click.Context, db_path: str | None, database_url: str | None) -> None:
    # location, not engine: the app's first frame must not wait for SQLAlchemy.
    from workshop_tui.storage.location import resolve_url
    from workshop_tui.tui.app import run_app

    url = resolve_url(db_path, database_url)
    code = run_app(url)
    ctx.exit(code)


@main.command()
@db_options
@click.pass_context
def demo(ctx: click.Context, db_path: str | None, database_url: str | None) -> None:
    """Load the sample sessions (once; running it again changes nothing)."""
    from workshop_tui.services import sessions
    from workshop_tui.textsafe import for_terminal

    db = open_db(ctx, db_path, database_url)
    for item in sessions.load_samples(db):
        state = "loaded" if item.loaded else "already there"
        say(f"{item.session_id:>4}  {item.title}  ({state})")
    _backup_on_close(db)


def _backup_on_close(db) -> None:
    """After a command that wrote: the bounded automatic backup (see services/backups.py)."""
    from workshop_tui.services.backups import backup_on_close

    backup_on_close(db)


@main.command("sessions")
@db_options
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.pass_context
def sessions_cmd(ctx: click.Context, db_path: str | None, database_url: str | None, as_json: bool) -> None:
    """List the sessions in the database."""
    rows = _sessions_quickly(ctx, db_path, database_url)
    if rows is None:  # not a plain SQLite file at the current schema: the full storage layer
        from workshop_tui.services import sessions

        rows = sessions.list_sessions(open_db(ctx, db_path, database_url))
    if as_json:
        emit_json([
            {"id": r.id, "title": r.title, "organisation": r.organisation,
             "date": r.date.isoformat() if r.date else None, "stage": r.stage,
             "initiatives": r.initiatives, "participants": r.participants, "rounds": r.rounds}
            for r in rows
        ])
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title="Sessions", title_justify="left")
    for column in ("id", "title", "organisation", "date", "stage", "initiatives", "participants", "rounds"):
        table.add_column(column, justify="right" if column in ("id", "initiatives", "participants", "rounds") else "left")
    from workshop_tui.presentation import cli_text

    for r in rows:
        table.add_row(str(r.id), cli_text(r.title), cli_text(r.organisation),
                      r.date.isoformat() if r.date else "", r.stage,
                      str(r.initiatives), str(r.participants), str(r.rounds))
    Console(markup=False, highlight=False).print(table)


def _sessions_quickly(ctx: click.Context, db_path: str | None, database_url: str | None) -> list | None:
    """The sessions of an up-to-date SQLite file read with sqlite3 alone (no SQLAlchemy or
    Alembic to import: `sessions` starts as fast as a bare click command); None otherwise."""
    from workshop_tui.services.database import read_sessions_quickly
    from workshop_tui.storage.location import resolve_url

    root = ctx.find_root().params
    url = resolve_url(db_path or root.get("db_path"), database_url or root.get("database_url"))
    return read_sessions_quickly(url, samples_when_empty=False, check=True)


@main.command("import")
@db_options
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print {\"id\": ...}.")
@click.pass_context
def import_cmd(ctx: click.Context, db_path: str | None, database_url: str | None, file: Path, as_json: bool) -> None:
    """Import a session file (format v1) as a new session. All or nothing."""
    from workshop_tui.services import sessions
    from workshop_tui.services.sessions import NotStored, SessionFileError

    db = open_db(ctx, db_path, database_url)
    try:
        session_id = sessions.import_file(db, file)
    except SessionFileError as exc:
        raise BadInput(exc.render()) from None
    except NotStored as exc:  # e.g. a full disk: the transaction was rolled back
        raise Failed(f"Not imported: {exc}; nothing was imported.") from None
    except OSError as exc:
        raise Failed(f"Not imported: {_os_problem(exc)}") from None
    _backup_on_close(db)
    if as_json:
        emit_json({"id": session_id})
    else:
        click.echo(session_id)


@main.command("export")
@db_options
@click.argument("session")
@click.option("--format", "fmts", multiple=True, default=("json",), show_default=True,
              help="Output format; repeat it, or give 'all', to write several into the folder -o names.")
@click.option("-o", "--output", "output", type=click.Path(path_type=Path), required=True,
              help="File (or folder, for csv or several formats) to write; '-' for standard output where the "
                   "format is text.")
@click.option("--force", is_flag=True, help="Replace an existing file (or a csv folder's tables).")
@click.pass_context
def export_cmd(ctx: click.Context, db_path: str | None, database_url: str | None, session: str,
               fmts: tuple[str, ...], output: Path, force: bool) -> None:
    """Export a session (json: the lossless session file).

    With several formats (--format all, or --format repeated) the files go into the
    folder -o names, as TITLE.FORMAT each, and the session is loaded and counted once.
    Only regular files are written; an existing one is replaced only with --force.
    """
    from workshop_tui.services.exports import TargetError, TargetExists

    try:
        _export(ctx, db_path, database_url, session, fmts, output, force)
    except TargetExists as exc:
        raise BadInput(f"{exc.path} already exists; add --force to replace it. Nothing was written.") from None
    except TargetError as exc:
        raise BadInput(str(exc)) from None
    except OSError as exc:
        raise Failed(f"Not written: {_os_problem(exc)}") from None


def _os_problem(exc: OSError) -> str:
    """An OSError in one line: where, and what (a full disk, a read-only folder...)."""
    where = exc.filename if exc.filename is not None else ""
    what = exc.strerror or exc.__class__.__name__
    return f"{where}: {what}." if where else f"{what}."


def _export(ctx: click.Context, db_path: str | None, database_url: str | None, session: str,
            fmts: tuple[str, ...], output: Path, force: bool) -> None:
    from workshop_tui.services import exports

    known = exports.formats()
    chosen = list(dict.fromkeys(f for fmt in fmts for f in (known if fmt == "all" else [fmt])))
    for fmt in chosen:
        if fmt not in known:
            raise BadInput(f"Unknown format {fmt!r}; choose one of: {', '.join(known)}, or all.")
    _session_id, workshop = read_session(ctx, db_path, database_url, session)
    if len(chosen) > 1 or "all" in fmts:
        if str(output) == "-":
            raise BadInput("Several formats need a folder; give one with -o.")
        if output.exists() and not output.is_dir():
            raise BadInput(f"{output} is a file; give a folder for several formats.")
        for written in exports.write_many(workshop, chosen, output, overwrite=force):
            say(f"Wrote {written}", err=True)
        return
    fmt = chosen[0]
    if str(output) == "-":
        if not exports.is_text(fmt):
            raise BadInput(f"{fmt} is not a text format; give a file with -o.")
        # As bytes: the same UTF-8 and line endings as the file, even on Windows, where a
        # redirected text stdout would translate newlines and use the locale's code page.
        sys.stdout.flush()
        sys.stdout.buffer.write(exports.text_of(workshop, fmt).encode("utf-8"))
        sys.stdout.buffer.flush()
        return
    written = exports.write_one(workshop, fmt, output, overwrite=force)
    say(f"Wrote {written}", err=True)


@main.group("db")
def db_group() -> None:
    """Back up and restore the database file."""


@db_group.command("backup")
@db_options
@click.argument("path", type=click.Path(path_type=Path))
@click.pass_context
def db_backup(ctx: click.Context, db_path: str | None, database_url: str | None, path: Path) -> None:
    """Copy the live database to PATH (safe while the app is running)."""
    from workshop_tui.services.backups import backup_to
    from workshop_tui.storage.engine import DatabaseError

    import sqlite3

    from workshop_tui.storage.ballot_box import open_ballots

    db = open_db(ctx, db_path, database_url)
    try:
        say(f"Backed up to {backup_to(db, path)}")
    except DatabaseError as exc:
        raise click.ClickException(str(exc)) from None
    except (OSError, sqlite3.Error) as exc:
        what = _os_problem(exc) if isinstance(exc, OSError) else f"{exc}."
        raise Failed(f"Not backed up: {what} Nothing was left behind.") from None
    if open_ballots(db.engine):
        click.echo("Note: ballots of secret rounds still open are not in backups until the round closes "
                   "(see docs/secret-ballots.md).", err=True)


@db_group.command("restore")
@db_options
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.pass_context
def db_restore(ctx: click.Context, db_path: str | None, database_url: str | None, path: Path) -> None:
    """Replace the database with the backup at PATH (the current one is backed up first)."""
    from workshop_tui.services.backups import restore_from
    from workshop_tui.storage.engine import DatabaseError

    db = open_db(ctx, db_path, database_url)
    try:
        saved = restore_from(db, path)
    except DatabaseError as exc:
        raise BadInput(str(exc)) from None
    say(f"Restored from {path}" + (f"; the previous database was saved to {saved}" if saved else ""))


def _register_command_modules() -> None:
    """Each module in workshop_tui.commands adds its commands with ``register(main)``."""
    import importlib
    import pkgutil

    from workshop_tui import commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        importlib.import_module(f"workshop_tui.commands.{info.name}").register(main)


_register_command_modules()

if __name__ == "__main__":  # pragma: no cover
    main()
