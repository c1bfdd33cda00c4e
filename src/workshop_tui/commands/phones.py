"""`workshop-tui phones`: serve ballot pages to phones, headless (issue 14; docs/phones.md)."""

from __future__ import annotations

from pathlib import Path

import click


def register(main: click.Group) -> None:
    from workshop_tui.cli import BadInput, Failed, db_options, open_db, resolve_session, say

    @main.command("phones")
    @db_options
    @click.argument("session")
    @click.option("--round", "round_key", default=None,
                  help="The round phones vote in (default: follow the open voting round).")
    @click.option("--address", required=True,
                  help="The one address to listen on: the laptop's address on the room's Wi-Fi.")
    @click.option("--port", type=click.IntRange(0, 65535), default=8080, show_default=True,
                  help="The port (0: any free port).")
    @click.option("--mode", type=click.Choice(["anonymous", "slips", "named"]), default="anonymous",
                  show_default=True, help="Who may vote: any joined phone once (secret rounds), printed "
                  "one-time slips (secret rounds), or each participant with a personal code (any round).")
    @click.option("--slips", "slips_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="slips mode: print new slips to this file (.html for a page to print, else text).")
    @click.option("--slip-count", type=click.IntRange(1, 1000), default=None,
                  help="How many slips to print (default: one per participant).")
    @click.option("--codes", "codes_file", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="named mode: make new personal codes and write them to this file (.html: a card "
                  "per person to cut out). Codes made earlier stop working; without --codes they are kept.")
    @click.option("--expected", type=click.IntRange(1, 10000), default=None,
                  help="How many people are in the room (default: the participants); the device cap is twice it.")
    @click.pass_context
    def phones(ctx, db_path, database_url, session: str, round_key: str | None, address: str, port: int, mode: str,
               slips_file: Path | None, slip_count: int | None, codes_file: Path | None, expected: int | None):
        """Let participants vote from their phones over this laptop's network, until Ctrl+C.

        Prints one JSON line when it listens: {"url": ..., "code": ..., "port": ...}.
        Show the URL as a QR code (or read out the join code). Nothing is served
        to any address but ADDRESS, and no request is logged.
        """
        import asyncio
        import json
        import signal

        from workshop_tui.services import phones as svc
        from workshop_tui.web.server import PhoneServer

        db = open_db(ctx, db_path, database_url)
        sid = resolve_session(db, session)
        if round_key is not None and svc.current_round(db, sid, round_key) is None:
            raise BadInput(f"There is no voting round {round_key!r} in this session.")
        if slips_file is not None and mode != "slips":
            raise BadInput("--slips is for --mode slips.")
        if codes_file is not None and mode != "named":
            raise BadInput("--codes is for --mode named.")
        if mode == "slips" and slips_file is None:
            raise BadInput("Slips mode prints its slips: give --slips FILE.")
        server = PhoneServer(db, sid, round_key=round_key, mode=mode, expected=expected)
        if mode == "slips":
            count = slip_count or max(svc.headcount(db, sid), 1)
            _write_codes(slips_file, "One-time voting slips",
                         [("Voting slip", code) for code in server.make_slips(count)], svc)
        if mode == "named":
            if codes_file is not None:
                cards = sorted(server.named_codes().items(), key=lambda kv: kv[0].casefold())
                _write_codes(codes_file, "Personal voting codes", cards, svc)
            elif not svc.has_named_codes(db, sid):
                raise BadInput("Nobody has a personal code yet: give --codes FILE to make them and print them.")

        async def serve() -> None:
            try:
                await server.start(address, port)
            except (OSError, ValueError) as exc:
                raise Failed(f"Cannot listen on {address}:{port}: {exc}") from None
            click.echo(json.dumps({"url": server.url, "code": server.code, "port": server.port}), nl=True)
            import sys

            sys.stdout.flush()
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                try:
                    loop.add_signal_handler(sig, stop.set)
                except (NotImplementedError, RuntimeError):  # Windows: Ctrl+C raises KeyboardInterrupt
                    pass
            try:
                await stop.wait()
            finally:
                await server.stop()

        try:
            asyncio.run(serve())
        except KeyboardInterrupt:
            pass
        say("Phones stopped.", err=True)


def _write_codes(path: Path, title: str, cards: list[tuple[str, str]], svc) -> None:
    """The codes to print: an HTML page of cards to cut out, or one line per card."""
    import html
    import os

    if path.suffix.lower() in (".html", ".htm"):
        body = "".join(f'<div class="card"><div class="who">{html.escape(who)}</div>'
                       f'<div class="code">{html.escape(code)}</div></div>\n' for who, code in cards)
        text = (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{html.escape(title)}</title>'
                "<style>body{font-family:sans-serif}.card{display:inline-block;width:17em;border:1px dashed #000;"
                "margin:.3em;padding:.8em}.code{font:bold 1.8em monospace;letter-spacing:.1em}</style>"
                f"<h1>{html.escape(title)}</h1>\n{body}</html>\n")
    else:
        text = "".join(f"{who}: {code}\n" for who, code in cards)
    from workshop_tui.cli import Failed

    temp = path.with_name(path.name + ".tmp")
    try:
        with open(temp, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, path)
    except OSError as exc:
        raise Failed(f"Could not write the codes to {path}: {exc.strerror or exc}") from None
