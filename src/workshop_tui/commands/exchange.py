"""Exchange with the world outside the app: spreadsheets in, paper ballots,
and merging session files from several sites."""

from __future__ import annotations

from pathlib import Path

import click


def register(main: click.Group) -> None:
    from workshop_tui.cli import BadInput, db_options, emit_json, open_db, resolve_session, say

    @main.command("import-initiatives")
    @db_options
    @click.argument("session")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--dry-run", is_flag=True, help="Check the file and show what would change; write nothing.")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_context
    def import_initiatives(ctx, db_path, database_url, session: str, file: Path, dry_run: bool, as_json: bool):
        """Add or update initiatives from a CSV or XLSX sheet (see docs/exports.md for the columns).

        Every row is checked first; if any is wrong nothing is imported and every
        problem is listed with its row and column.
        """
        from workshop_tui.services import spreadsheets
        from workshop_tui.services.spreadsheets import SpreadsheetError

        db = open_db(ctx, db_path, database_url)
        sid = resolve_session(db, session)
        try:
            result = (spreadsheets.preview_initiatives if dry_run else spreadsheets.import_initiatives)(db, sid, file)
        except SpreadsheetError as exc:
            raise BadInput(exc.render()) from None
        if as_json:
            emit_json({"added": [i.key for i in result.added], "updated": [i.key for i in result.updated],
                       "notes": list(result.notes), "dry_run": dry_run})
            return
        verb = "Would add" if dry_run else "Added"
        say(f"{verb} {len(result.added)} and {'would update' if dry_run else 'updated'} "
                   f"{len(result.updated)} initiative(s).")
        for item in result.added:
            say(f"  + {item.key}  {item.title}")
        for item in result.updated:
            say(f"  ~ {item.key}  {item.title}")
        for note in result.notes:
            say(f"Note: {note}", err=True)

    @main.command("import-votes")
    @db_options
    @click.argument("session")
    @click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
    @click.option("--round", "round_key", required=True, help="The round the ballots belong to.")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_context
    def import_votes(ctx, db_path, database_url, session: str, file: Path, round_key: str, as_json: bool):
        """Enter paper ballots from a CSV or XLSX sheet (channel "paper"). All or nothing."""
        from workshop_tui.services import spreadsheets
        from workshop_tui.services.spreadsheets import SpreadsheetError

        db = open_db(ctx, db_path, database_url)
        sid = resolve_session(db, session)
        try:
            result = spreadsheets.import_votes(db, sid, round_key, file)
        except SpreadsheetError as exc:
            raise BadInput(exc.render()) from None
        if as_json:
            emit_json({"round": result.round, "ballots": result.ballots, "votes": len(result.votes),
                       "notes": list(result.notes)})
            return
        from workshop_tui.presentation import plural

        say(f"Recorded {plural(result.ballots, 'paper ballot')}, {plural(len(result.votes), 'vote')}, "
            f"in round {result.round}.")
        for note in result.notes:
            say(f"Note: {note}", err=True)

    @main.command("merge")
    @db_options
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="Where to write the merged session file.")
    @click.option("--sites", default=None, help="Site names, comma-separated, one per file in order.")
    @click.option("--import", "do_import", is_flag=True, help="Also import the merged file as a new session.")
    @click.pass_context
    def merge_cmd(ctx, db_path, database_url, files: tuple[Path, ...], output: Path, sites: str | None,
                  do_import: bool):
        """Combine session files of the same workshop run at several sites.

        Initiatives match by key, then by title (reported); participants stay
        distinct, tagged with their site; rounds with the same key are combined.
        Conflicting definitions are listed and nothing is written (exit 2).
        """
        from workshop_tui.services import merge as merging
        from workshop_tui.services.merge import MergeConflict
        from workshop_tui.services.sessions import SessionFileError

        names = [s.strip() for s in sites.split(",")] if sites else None
        try:
            merged = merging.merge_files(list(files), names)
        except SessionFileError as exc:
            raise BadInput(exc.render()) from None
        except MergeConflict as exc:
            raise BadInput(exc.render()) from None
        from workshop_tui.cli import Failed
        from workshop_tui.services.exports import TargetError

        try:
            written = merging.write_merged(merged, output)
        except TargetError as exc:
            raise BadInput(str(exc)) from None
        except OSError as exc:
            raise Failed(f"Not written: {exc.filename or output}: {exc.strerror or exc}.") from None
        for note in merged.notes:
            say(f"Note: {note}", err=True)
        say(f"Merged {len(files)} files from {', '.join(merged.sites)} into {written}", err=True)
        if do_import:
            db = open_db(ctx, db_path, database_url)
            say(merging.import_merged(db, merged))

    @main.command("print-ballots")
    @db_options
    @click.argument("session")
    @click.option("--round", "round_key", required=True, help="The round to print cards for.")
    @click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True,
                  help="The HTML file to write (print it from a browser).")
    @click.option("--cards", type=click.IntRange(1, 500), default=None,
                  help="Anonymous rounds: how many blank cards (default: one per participant).")
    @click.pass_context
    def print_ballots(ctx, db_path, database_url, session: str, round_key: str, output: Path, cards: int | None):
        """Printable paper score cards: one per participant, or blank numbered cards for a secret ballot."""
        from workshop_tui.services import exports

        db = open_db(ctx, db_path, database_url)
        try:
            written = exports.write_paper_ballots(db, resolve_session(db, session), round_key, output, cards)
        except KeyError:
            raise BadInput(f"There is no round {round_key!r} in this session.") from None
        say(f"Wrote {written}", err=True)
