"""Stage 8, results: a round's ranking, charts, agreement, and who moved since the last round."""

from __future__ import annotations

from fractions import Fraction

from rich import box
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from workshop_tui.domain import rules
from workshop_tui.domain import model as m
from workshop_tui.domain.numbers import display_short as display
from workshop_tui.services import choices
from workshop_tui.services.choices import ChoiceError
from workshop_tui.tui.widgets.charts import Bar, BarChart, Point, QuadrantChart
from workshop_tui.tui.widgets.pane import StagePane

MOSCOW_NAMES = {"must": "Must", "should": "Should", "could": "Could", "wont": "Won't"}


def rank_text(rank: int, tied: bool) -> str:
    return f"={rank}" if tied else str(rank)


def moved_text(move) -> Text:
    if move is None or move.rank_a is None:
        return Text("new", style="italic")
    if not move.change:
        return Text("=")
    return Text(f"↑{move.change}" if move.change > 0 else f"↓{-move.change}", style="bold")


class ResultsPane(StagePane):
    STAGE = "results"
    TITLE = "What the room said"
    HELP = (
        "The result of one round at a time: [ and ] change the round. The ranking gives each initiative's "
        "rank (=2 means a declared tie: the method's tie-breaks could not separate them), its score, how many "
        "people supported it (dot voting) and the spread of people's scores (SD and IQR). Initiatives where "
        "the room is split are marked contested: they are worth discussing before the next round.\n\n"
        "'Moved' compares with the round before: ↑2 means up two places.\n\n"
        "Below the ranking: a bar chart of the scores, the value/effort 2x2 (for value/effort rounds), the "
        "MoSCoW effort shares (for MoSCoW rounds), how strongly the room agreed (Kendall's W: 0 no agreement, "
        "1 complete; with few people treat it as indicative), and any ballots that were blank or rejected, "
        "with the reason.\n\nA round whose results are hidden shows nothing until you reveal it on the "
        "Voting stage (r). Use the arrow keys or Page Up/Down to scroll."
    )
    DEFAULT_CSS = """
    ResultsPane #results-body { height: 1fr; }
    ResultsPane #results-head { height: auto; text-style: bold; }
    ResultsPane .results-section { height: auto; margin-top: 1; }
    ResultsPane .results-heading { height: 1; margin-top: 1; text-style: bold; color: $primary; }
    ResultsPane #results-notes { height: auto; color: $warning; }
    """
    BINDINGS = [
        Binding("left_square_bracket", "round(-1)", "Prev round", id="results.prev"),
        Binding("right_square_bracket", "round(1)", "Next round", id="results.next"),
    ]

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: m.Workshop | None = None
        self.round_key: str | None = None

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        yield Static(id="results-head")
        with VerticalScroll(id="results-body"):
            yield Static(id="results-ranking", classes="results-section")
            yield Static("Scores", id="results-bars-title", classes="results-heading")
            yield BarChart(id="results-bars")
            yield Static("Value and effort", id="results-quadrant-title", classes="results-heading")
            yield QuadrantChart(id="results-quadrant")
            yield Static(id="results-agreement", classes="results-section")
            yield Static(id="results-notes", classes="results-section")

    def focus_first(self) -> None:
        self.query_one("#results-body").focus()

    def load(self, workshop: m.Workshop) -> None:
        self.workshop = workshop
        keys = [r.key for r in choices.scored_rounds(workshop)]
        if self.round_key not in keys:
            self.round_key = choices.default_round(workshop)
        self._draw()
        self.refresh_bindings()

    def on_resize(self) -> None:
        # The first draw can come before the pane has a width, which hid the SD column
        # even on a wide screen: draw again once the width is known.
        if self.workshop is not None:
            self._draw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "round":
            return len(choices.scored_rounds(self.workshop)) > 1 if self.workshop else False
        return True

    def action_round(self, step: int) -> None:
        keys = [r.key for r in choices.scored_rounds(self.workshop)]
        if not keys:
            return
        n = keys.index(self.round_key) if self.round_key in keys else 0
        self.round_key = keys[(n + step) % len(keys)]
        self._draw()

    # -- drawing --------------------------------------------------------------
    def _sections(self, **shown: bool) -> None:
        for name in ("ranking", "bars-title", "bars", "quadrant-title", "quadrant", "agreement", "notes"):
            self.query_one(f"#results-{name}").display = shown.get(name, False)

    def _draw(self) -> None:
        head = self.query_one("#results-head", Static)
        workshop = self.workshop
        if self.round_key is None:
            head.update(Text("No voting rounds yet: create one on the Voting stage (6)."))
            self._sections()
            return
        rnd = workshop.round(self.round_key)
        label = f"Round {rnd.key} · {rnd.title or m.METHOD_LABELS.get(rnd.method, rnd.method)}"
        if rnd.hidden:
            head.update(Text(f"{label}\n\nResults hidden until revealed (press r on the Voting stage, 6)."))
            self._sections()
            return
        try:
            result = choices.result(workshop, rnd.key)
            before = choices.previous_round(workshop, rnd.key)
            moves = choices.compare(workshop, before, rnd.key) if before else {}
        except ChoiceError as exc:
            head.update(Text(f"{label}\n\n{exc}"))
            self._sections()
            return
        status = "voting still open" if rnd.status == "open" else "closed"
        head.update(Text(f"{label} · {status} · {result.counted} ballot(s) counted, {result.blank} blank, "
                         f"{len(result.rejected)} rejected"
                         + (f" · compared with {before}" if before else "")))
        titles = {i.key: i.title for i in workshop.initiatives}
        has_ranking = bool(result.ranking)
        quadrant = rnd.method == "value_effort" and has_ranking
        self._sections(ranking=True, bars=has_ranking, **{"bars-title": has_ranking, "quadrant-title": quadrant},
                       quadrant=quadrant, agreement=True, notes=True)
        self.query_one("#results-ranking", Static).update(self._ranking_table(result, titles, moves, bool(before))
                                                          if has_ranking else Text("No counted ballots yet."))
        if has_ranking:
            self.query_one(BarChart).show([Bar(titles.get(r.initiative, r.initiative), r.score or 0, r.contested)
                                           for r in result.ranking if r.score is not None])
        if quadrant:
            self._draw_quadrant(rnd, result, titles)
        self.query_one("#results-agreement", Static).update(self._agreement(result))
        self.query_one("#results-notes", Static).update(self._notes(result, workshop))

    def _ranking_table(self, result, titles, moves, compared: bool) -> Table:
        table = Table(box=box.SIMPLE_HEAD, expand=True, pad_edge=False, show_edge=False)
        table.add_column("Rank", justify="right", width=4, no_wrap=True)
        table.add_column("Initiative", ratio=1, overflow="ellipsis", no_wrap=True)
        table.add_column("Score", justify="right", no_wrap=True)
        if result.method == "dots":
            table.add_column("People", justify="right", no_wrap=True)
        if result.method == "moscow":
            table.add_column("Group", no_wrap=True)
        narrow = self.size.width < 100  # at 80 columns the initiative's name matters more than the SD
        if not narrow:
            table.add_column("SD", justify="right", no_wrap=True)
        table.add_column("IQR", justify="right", no_wrap=True)
        if compared:
            table.add_column("Moved", justify="center", no_wrap=True)
        table.add_column("", no_wrap=True)
        for r in result.ranking:
            cells = [Text(rank_text(r.rank, r.tied)), Text(titles.get(r.initiative, r.initiative)),
                     Text(display(r.score))]
            if result.method == "dots":
                cells.append(Text(display(r.supporters)))
            if result.method == "moscow":
                cells.append(Text(MOSCOW_NAMES.get(str(r.detail.get("category")), "")))
            if not narrow:
                cells.append(Text(display(r.spread.sd) if r.spread else "–"))
            cells.append(Text(display(r.spread.iqr) if r.spread else "–"))
            if compared:
                cells.append(moved_text(moves.get(r.initiative)))
            flags = []
            if r.contested:
                flags.append("contested")
            if r.few_scores:
                flags.append("few scores")
            cells.append(Text(", ".join(flags), style="bold reverse" if r.contested else "italic"))
            table.add_row(*cells, style="bold" if r.contested else "")
        return table

    def _draw_quadrant(self, rnd: m.Round, result, titles) -> None:
        s = rnd.settings
        points = [Point(n, titles.get(r.initiative, r.initiative), Fraction(r.detail["value"]),
                        Fraction(r.detail["effort"]), str(r.detail["quadrant"]))
                  for n, r in enumerate(result.ranking, start=1)]
        thresholds = result.extras.get("thresholds", {})
        self.query_one(QuadrantChart).show(
            points, *rules.value_effort_scales(s),
            (Fraction(thresholds.get("value")), Fraction(thresholds.get("effort"))))

    def _agreement(self, result) -> Text:
        out = Text()
        out.append("How strongly the room agreed\n", style="bold")
        a = result.agreement
        if not a:
            out.append("Not enough ballots to say.")
            return out
        if not a.get("meaningful", True) or a.get("kendall_w") is None:
            out.append(f"Not meaningful with {a.get('raters', 0)} person(s): at least two are needed.")
            return out
        out.append(f"Kendall's W {display(a['kendall_w'])}")
        if a.get("band"):
            out.append(f" ({a['band']} agreement, Landis & Koch bands)")
        out.append(f" from {a['raters']} people over {a['items']} initiatives")
        if a.get("p_value") is not None:
            p = a["p_value"]
            out.append("; p < 0.0001" if p < 0.0001 else f"; p = {display(p)}")
        if a.get("excluded_raters"):
            out.append(f"; {a['excluded_raters']} left out for not scoring everything")
        if a.get("indicative") or (a.get("raters") or 0) < 3:
            out.append("\nFew people or initiatives: treat these figures as indicative only.", style="italic")
        condorcet = a.get("condorcet")
        if isinstance(condorcet, dict) and condorcet.get("summary"):
            out.append(f"\n{condorcet['summary']}")
        if result.method == "moscow" and result.extras.get("shares"):
            shares = result.extras["shares"]
            out.append("\nEffort shares: " + " · ".join(
                f"{MOSCOW_NAMES[k]} {display(Fraction(v) * 100)}%" for k, v in shares.items() if v is not None))
        return out

    def _notes(self, result, workshop: m.Workshop) -> Text:
        out = Text()
        names = {p.key: p.name for p in workshop.participants}
        for rb in result.rejected:
            who = names.get(rb.participant, rb.participant) if rb.participant else "A secret ballot"
            out.append(f"Rejected: {who}: {'; '.join(p.message for p in rb.problems)}\n")
        if result.blank:
            out.append(f"{result.blank} blank ballot(s) counted and left out of the tallies.\n")
        for w in result.warnings:
            out.append(f"Note: {w}\n")
        out.rstrip()
        return out
