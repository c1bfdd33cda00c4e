"""`workshop-tui results` and `workshop-tui plan`: the engine's answers, as JSON or a table."""

from __future__ import annotations

import click


def register(main: click.Group) -> None:
    from workshop_tui.cli import db_options

    @main.command("results")
    @db_options
    @click.argument("session")
    @click.option("--round", "round_key", default=None,
                  help="Round key (default: the latest round with votes whose results may be shown).")
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
            _print_results(_inert(data))

    @main.command("plan")
    @db_options
    @click.argument("session")
    @click.option("--round", "round_key", default=None,
                  help="Show the plan as it would be from this round (default: the round the plan is pinned to; "
                       "`use-round` pins it).")
    @click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
    @click.pass_context
    def plan_cmd(ctx, db_path, database_url, session, round_key, as_json):
        """What we will do, not now and won't, and why, within bandwidth and bottlenecks."""
        _load_optimiser_meanwhile(ctx)
        from workshop_tui.domain import results as engine
        from workshop_tui.domain import rounds as round_policy

        workshop, key = _open(ctx, db_path, database_url, session, round_key, need_round=False,
                              default=round_policy.plan_round)
        try:
            data = engine.plan_to_json(workshop, engine.plan(workshop, key))
        except (engine.PlanInputError, engine.SettingsError) as exc:
            raise click.ClickException(f"No plan can be made: {exc}.") from None
        if as_json:
            from workshop_tui.cli import emit_json

            emit_json(data)
        else:
            _print_plan(_inert(data))


    @main.command("reveal")
    @db_options
    @click.argument("session")
    @click.argument("round_key", metavar="ROUND")
    @click.pass_context
    def reveal_cmd(ctx, db_path, database_url, session, round_key):
        """Reveal a round's results (closing it). The plan keeps its round; this prints what switching would change."""
        from workshop_tui.cli import BadInput, open_db, resolve_session
        from workshop_tui.services import choices, sessions, voting
        from workshop_tui.textsafe import for_terminal

        db = open_db(ctx, db_path, database_url)
        session_id = resolve_session(db, session)
        workshop = sessions.load(db, session_id)
        rnd = next((r for r in choices.scored_rounds(workshop) if r.key == round_key), None)
        if rnd is None:
            raise BadInput(_no_such_round(workshop, round_key))
        try:
            voting.reveal_round(db, session_id, round_key)
        except voting.VotingError as exc:
            raise BadInput(str(exc)) from None
        workshop = sessions.load(db, session_id)
        click.echo(f"Revealed round {round_key}: {for_terminal(rnd.title)}.")
        pub = choices.publication(workshop.round(round_key))
        if not pub.results:
            click.echo(for_terminal(pub.reason))
        offer = choices.switch_offer(workshop, round_key)
        if offer is not None:
            for line in offer.describe():
                click.echo(for_terminal(line))
            click.echo(f"The plan was not changed. To switch: workshop-tui use-round {session_id} {round_key}")

    @main.command("use-round")
    @db_options
    @click.argument("session")
    @click.argument("round_key", metavar="ROUND")
    @click.pass_context
    def use_round_cmd(ctx, db_path, database_url, session, round_key):
        """Pin the plan to a round (the facilitator's choice; a later reveal does not move it)."""
        from workshop_tui.cli import BadInput, open_db, resolve_session
        from workshop_tui.services import choices, sessions
        from workshop_tui.textsafe import for_terminal

        db = open_db(ctx, db_path, database_url)
        session_id = resolve_session(db, session)
        workshop = sessions.load(db, session_id)
        offer = choices.switch_offer(workshop, round_key)
        try:
            choices.set_plan_round(db, session_id, round_key)
        except choices.ChoiceError as exc:
            raise BadInput(str(exc)) from None
        click.echo(f"The plan is now made from round {round_key}.")
        if offer is not None:
            for line in offer.describe()[1:]:
                click.echo(for_terminal(line))


def _inert(value):
    """Every string in the data made inert for a terminal (textsafe.for_terminal): an
    initiative titled with escape sequences must not retitle or clear the screen."""
    from workshop_tui.textsafe import for_terminal

    if isinstance(value, str):
        return for_terminal(value)
    if isinstance(value, dict):
        return {k: _inert(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_inert(v) for v in value)
    return value


def _no_such_round(workshop, round_key: str) -> str:
    from workshop_tui.domain import rounds as round_policy

    known = ", ".join(r.key for r in round_policy.voting_rounds(workshop)) or "none"
    return f"There is no round {round_key!r} in this session (rounds: {known})."


def _load_optimiser_meanwhile(ctx: click.Context) -> None:
    """Import HiGHS (and NumPy under it, about 0.1-0.2 s) in a thread while the session is
    read: SQLite lets go of the interpreter while it steps through the votes, so the two
    overlap. The solve imports it again, waiting for this import if it is still under way;
    should it fail here, it fails there too, where the plan says what it fell back to."""
    import importlib.util
    import threading

    if importlib.util.find_spec("highspy") is None:
        return

    def load() -> None:
        try:
            import highspy  # noqa: F401, PLC0415
        except Exception:  # noqa: BLE001 - the solve's own import reports it
            pass

    thread = threading.Thread(target=load, name="load-optimiser", daemon=True)
    thread.start()
    # Never left importing while the interpreter shuts down (a session or round not found
    # ends the command early): the command waits for it before it exits.
    ctx.call_on_close(thread.join)


def _nothing_shown(workshop) -> str:
    from workshop_tui.domain import rounds as round_policy

    withheld = [r for r in round_policy.voting_rounds(workshop) if r.votes and not round_policy.is_shown(r)]
    if not withheld:
        return "This session has no round with votes yet."
    return "No round's results can be shown yet. " + " ".join(
        round_policy.publication(r).reason for r in withheld)


def _open(ctx, db_path, database_url, session, round_key, *, need_round: bool = True, default=None):
    """The session and the round to show, as the round policy allows (a withheld round exits 2 with why)."""
    from workshop_tui.cli import BadInput, read_session
    from workshop_tui.domain import rounds as round_policy

    # A round asked for by key is all the command counts: only its votes are read (the
    # round policy needs only that round's own votes to decide whether it may be shown).
    session_id, workshop = read_session(ctx, db_path, database_url, session,
                                        rounds=None if round_key is None else {round_key})
    if round_key is None:
        round_key = (default or round_policy.default_round)(workshop)
        if round_key is None and need_round:
            raise BadInput(_nothing_shown(workshop))
    else:
        try:
            round_policy.check_shown(workshop, round_key)
        except KeyError:
            raise BadInput(_no_such_round(workshop, round_key)) from None
        except round_policy.RoundNotShown as exc:
            raise BadInput(str(exc).replace("SESSION", str(session_id))) from None
    return workshop, round_key


class _Out:
    """Lines and tables for the terminal: every line and cell passes through
    ``presentation.cli_text`` first (titles, names and reasons are user text and must not
    drive the terminal), and is wrapped to the terminal's width (80 when not a terminal)."""

    def __init__(self) -> None:
        import shutil

        self.width = shutil.get_terminal_size((80, 24)).columns

    def print(self, text: str) -> None:
        from workshop_tui.presentation import cli_text, wrap_cells

        click.echo("\n".join(wrap_cells(cli_text(text), self.width)))

    def table(self, title: str, headers, rows, right=()) -> None:
        from workshop_tui.presentation import cli_text, text_table

        click.echo(text_table(cli_text(title), headers, rows, width=self.width, right=right))


def _console() -> _Out:
    return _Out()


def _cells(*values) -> list[str]:
    from workshop_tui.presentation import cli_text

    return [cli_text(v) for v in values]


def _num(value) -> str:
    return "–" if value is None else str(value)


def _print_results(data: dict) -> None:
    console = _console()
    ballots = data["ballots"]
    from workshop_tui.presentation import agreement_sentence, consensus_flags, method_warning, plural, rank_label

    title = f"{data['session']} · round {data['round']} · {data['method']} ({data['variant']})"
    rows = []
    for row in data["ranking"]:
        spread = row.get("spread") or {}
        rank = rank_label(row["rank"], bool(row.get("tied")))
        rows.append(_cells(rank, row["initiative"], row["title"], _num(row["score"]), _num(row.get("supporters")),
                           _num(spread.get("sd")), _num(spread.get("iqr")),
                           consensus_flags(row["contested"], row["few_scores"])))
    console.table(title, ("rank", "initiative", "title", "score", "supporters", "sd", "iqr", "flags"), rows,
                  right=(0, 3, 4, 5, 6))
    console.print(f"Ballots counted: {ballots['counted']} · blank: {ballots['blank']} · "
                  f"rejected: {len(ballots['rejected'])}")
    for rejected in ballots["rejected"]:
        reasons = "; ".join(r["message"] for r in rejected["reasons"])
        console.print(f"  rejected ({rejected['participant'] or 'secret ballot'}): {reasons}")
    agreement = data.get("agreement")
    if agreement and not agreement.get("meaningful", True):
        console.print(f"Agreement: not meaningful with {plural(int(agreement.get('raters') or 0), 'rater')}; "
                      "at least 2 are needed")
    elif agreement and agreement.get("kendall_w") is not None:
        note = " (indicative: few raters or items)" if agreement.get("indicative") else ""
        console.print(f"Agreement: Kendall's W {agreement['kendall_w']} ({agreement.get('band') or 'no band'}), "
                      f"{agreement.get('raters')} raters{note}")
    console.print(agreement_sentence(agreement, [row["title"] or row["initiative"] for row in data["ranking"]
                                                 if row["contested"]]))
    titles = {row["initiative"]: row["title"] for row in data["ranking"] if row.get("title")}
    for warning in data.get("warnings", []):
        console.print(f"Warning: {method_warning(warning, titles)}")


def _print_plan(data: dict) -> None:
    console = _console()
    rows = []
    for label, items in (("will do", data["will_do"]), ("undecided", data.get("undecided", [])),
                         ("not now", data["not_now"]), ("won't", data["wont"])):
        for row in items:
            why = "; ".join(r["detail"] for r in row["reasons"])
            rank = ("=" if row.get("tied") and row["rank"] is not None else "") + _num(row["rank"])
            rows.append(_cells(label, rank, row["initiative"], row["title"], _num(row.get("wave")), why))
    console.table(f"Plan from round {data['round'] or '(none)'} · bandwidth {_num(data['bandwidth'])}",
                  ("outcome", "rank", "initiative", "title", "wave", "why"), rows)
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
