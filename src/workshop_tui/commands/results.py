"""`workshop-tui results` and `workshop-tui plan`: the engine's answers, as JSON or a table."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    from workshop_tui.cli import db_options

    @main.command("results")
    @db_options
    @click.argument("session")
    @click.option("--round", "round_key", default=None, help="Round key (default: the latest round with votes).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_context
    def results_cmd(ctx, db_path, database_url, session, round_key, as_json):
        """A round's ranking: rank, score, supporters, spread and agreement."""
        from workshop_tui.domain import results as engine

        workshop, key = _open(ctx, db_path, database_url, session, round_key)
        try:
            result = engine.round_result(workshop, key)
        except engine.SettingsError as exc:
            raise click.ClickException(f"Round {key} cannot be counted: {exc}.") from None
        data = engine.result_to_json(workshop, result)
        if as_json:
            from workshop_tui.cli import emit_json

            emit_json(data)
        else:
            _print_results(data)

    @main.command("plan")
    @db_options
    @click.argument("session")
    @click.option("--round", "round_key", default=None, help="Round key (default: the latest round with votes).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_context
    def plan_cmd(ctx, db_path, database_url, session, round_key, as_json):
        """What we will do, not now and won't, and why, within bandwidth and bottlenecks."""
        from workshop_tui.domain import results as engine

        workshop, key = _open(ctx, db_path, database_url, session, round_key, need_round=False)
        try:
            data = engine.plan_to_json(workshop, engine.plan(workshop, key))
        except (engine.PlanInputError, engine.SettingsError) as exc:
            raise click.ClickException(f"No plan can be made: {exc}.") from None
        if as_json:
            from workshop_tui.cli import emit_json

            emit_json(data)
        else:
            _print_plan(data)


def _open(ctx, db_path, database_url, session, round_key, *, need_round: bool = True):
    from workshop_tui.cli import BadInput, open_db, resolve_session
    from workshop_tui.domain import results as engine
    from workshop_tui.services import sessions

    db = open_db(ctx, db_path, database_url)
    workshop = sessions.load(db, resolve_session(db, session))
    if round_key is None:
        round_key = engine.latest_scored_round(workshop)
        if round_key is None and need_round:
            raise BadInput("This session has no round with votes yet.")
    elif round_key not in {r.key for r in workshop.rounds}:
        known = ", ".join(r.key for r in workshop.rounds) or "none"
        raise BadInput(f"There is no round {round_key!r} in this session (rounds: {known}).")
    return workshop, round_key


def _console():
    from rich.console import Console

    return Console(markup=False, highlight=False)


def _num(value) -> str:
    return "–" if value is None else str(value)


def _print_results(data: dict) -> None:
    from rich.table import Table

    console = _console()
    ballots = data["ballots"]
    title = f"{data['session']} · round {data['round']} · {data['method']} ({data['variant']})"
    table = Table(title=title, title_justify="left")
    for column, justify in (("rank", "right"), ("initiative", "left"), ("title", "left"), ("score", "right"),
                            ("supporters", "right"), ("sd", "right"), ("iqr", "right"), ("", "left")):
        table.add_column(column, justify=justify)
    for row in data["ranking"]:
        spread = row.get("spread") or {}
        rank = f"={row['rank']}" if row.get("tied") else str(row["rank"])
        table.add_row(rank, row["initiative"], row["title"], _num(row["score"]), _num(row.get("supporters")),
                      _num(spread.get("sd")), _num(spread.get("iqr")), "contested" if row["contested"] else "")
    console.print(table)
    console.print(f"Ballots counted: {ballots['counted']} · blank: {ballots['blank']} · "
                  f"rejected: {len(ballots['rejected'])}")
    for rejected in ballots["rejected"]:
        reasons = "; ".join(r["message"] for r in rejected["reasons"])
        console.print(f"  rejected ({rejected['participant'] or 'secret ballot'}): {reasons}")
    agreement = data.get("agreement")
    if agreement and not agreement.get("meaningful", True):
        console.print(f"Agreement: not meaningful with {agreement.get('raters')} rater(s); at least 2 are needed")
    elif agreement and agreement.get("kendall_w") is not None:
        note = " (indicative: few raters or items)" if agreement.get("indicative") else ""
        console.print(f"Agreement: Kendall's W {agreement['kendall_w']} ({agreement.get('band') or 'no band'}), "
                      f"{agreement.get('raters')} raters{note}")
    for warning in data.get("warnings", []):
        console.print(f"Warning: {warning}")


def _print_plan(data: dict) -> None:
    from rich.table import Table

    console = _console()
    table = Table(title=f"Plan from round {data['round'] or '(none)'} · bandwidth {_num(data['bandwidth'])}",
                  title_justify="left")
    for column in ("outcome", "rank", "initiative", "title", "wave", "why"):
        table.add_column(column)
    for label, rows in (("will do", data["will_do"]), ("undecided", data.get("undecided", [])),
                        ("not now", data["not_now"]), ("won't", data["wont"])):
        for row in rows:
            why = "; ".join(r["detail"] for r in row["reasons"])
            rank = ("=" if row.get("tied") and row["rank"] is not None else "") + _num(row["rank"])
            table.add_row(label, rank, row["initiative"], row["title"], _num(row.get("wave")), why)
    console.print(table)
    for o in data.get("overrides", []):
        console.print(f"Override: {o['effect']}")
    for b in data["bottlenecks"]:
        console.print(f"{b['name']}: {_num(b['used'])} of {_num(b['capacity'])} {b['unit']}".rstrip())
    optimiser = data.get("optimiser")
    if optimiser:
        console.print(f"The exact optimiser would choose: {', '.join(optimiser['will_do'])} "
                      f"(gain {optimiser['gain']}; out {', '.join(optimiser['swap']['out']) or '–'}, "
                      f"in {', '.join(optimiser['swap']['in']) or '–'})")
    for cycle in data.get("cycles", []):
        console.print(f"Dependency cycle: {' -> '.join(cycle)}")
    for warning in data.get("warnings", []):
        console.print(f"Warning: {warning}")
