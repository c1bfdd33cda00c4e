"""Stage 7, results: a round's ranking in plain words, the charts, how far the room agrees,
who moved since the last round and what flips between rounds; the statistics behind a toggle."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import partial

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static

from workshop_tui.domain import rules
from workshop_tui.domain import model as m
from workshop_tui.presentation import (
    DETAIL_EXPLANATIONS,
    SHORT_SCORE_LABELS,
    agreement_sentence,
    condorcet_sentence,
    consensus_flags,
    method_warning,
    common_scale,
    method_label,
    moscow_label,
    number,
    on_scale,
    plural,
    rank_label,
    scale_factor,
)
from workshop_tui.services import choices
from workshop_tui.services.choices import ChoiceError
from workshop_tui.tui.picture import depends_on, depends_on_all, same
from workshop_tui.tui.safe import line, plain, shown
from workshop_tui.tui.threads import in_thread
from workshop_tui.tui.widgets.charts import Bar, BarChart, Point, QuadrantChart
from workshop_tui.tui.widgets.line_table import Column, LineTable
from workshop_tui.tui.widgets.pane import StagePane
from workshop_tui.tui.widgets.table_view import TableView


@dataclass(frozen=True)
class RoundFigures:
    """What one round's view needs that takes time to work out (done in a thread)."""

    result: object = None
    before: str | None = None
    moves: dict | None = None
    problem: str = ""


def work_out(workshop: m.Workshop, round_key: str) -> RoundFigures:
    """The round's result and who moved since the round before. Pure: runs in a worker thread."""
    try:
        result = choices.result(workshop, round_key)
        before = choices.previous_round(workshop, round_key)
        return RoundFigures(result, before, choices.compare(workshop, before, round_key) if before else {})
    except ChoiceError as exc:
        return RoundFigures(problem=str(exc))


def made_from(workshop: m.Workshop, round_key: str) -> tuple:
    """What a round's figures depend on: the round, the round before it, everything but rounds."""
    return depends_on(workshop, round_key, choices.previous_round(workshop, round_key))


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
        "rank (=2 means a declared tie: the method's tie-breaks could not separate them) and its score in "
        "the room's own terms: dots as dots, a weighted score on the scale people scored with (7.4 / 10). "
        "'Room split' marks an initiative people disagree about: worth discussing before the next round.\n\n"
        "'Moved' compares with the round before: ↑2 means up two places. Below the ranking: a sentence on "
        "how far the room agrees, a bar chart of the scores, the value/effort 2x2 (for value/effort rounds), "
        "what flips in or out of the top group between rounds and methods, and any ballots that were blank "
        "or rejected, with the reason.\n\n"
        "d shows or hides the details: the spread of people's scores (SD and IQR) and Kendall's W, each "
        "with a line saying what it means.\n\nA round whose results are hidden shows nothing until you "
        "reveal it on the Voting stage (r). Use the arrow keys or Page Up/Down to scroll."
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
        Binding("d", "details", "Details", id="results.details"),
    ]

    class Worked(Message):
        """A round's figures (``round_key``), or the triangulation across rounds (``round_key``
        None), were worked out from ``made_from`` (posted by the worker thread)."""

        def __init__(self, made_from: tuple, round_key: str | None, figures: object,
                     error: BaseException | None = None) -> None:
            super().__init__()
            self.made_from, self.round_key, self.figures, self.error = made_from, round_key, figures, error

    def __init__(self, session_id: int, **kwargs) -> None:
        super().__init__(session_id, **kwargs)
        self.workshop: m.Workshop | None = None
        self.round_key: str | None = None
        # The facilitator chose the round with [ or ]: keep it. Until then the pane follows the
        # round policy's default, so a round that gets its first votes (or is revealed) while
        # Results shows an older one is what the next read opens on.
        self._picked = False
        self.details = False
        # Per round: the figures and what they were made from (tui/picture.py). A read that
        # took in only other rounds keeps them; a change to the round, the round before it,
        # or anything else in the session makes them again. The triangulation across rounds
        # (key None) depends on every round, and is worked out apart, after the figures.
        self._figures: dict[str | None, tuple[tuple, object]] = {}
        self._working: dict[str | None, tuple] = {}
        self._drawn = False  # some round's figures are on screen
        self._drawn_width = -1  # the pane's width at the last draw

    def compose(self) -> ComposeResult:
        yield Static(Text(self.TITLE, style="bold"), classes="pane-title")
        yield Static(id="results-head")
        with VerticalScroll(id="results-body"):
            yield TableView(id="results-ranking", classes="results-section")
            yield Static(id="results-agreement", classes="results-section")
            yield Static("Scores", id="results-bars-title", classes="results-heading")
            yield BarChart(id="results-bars")
            yield Static("Value and effort", id="results-quadrant-title", classes="results-heading")
            yield QuadrantChart(id="results-quadrant")
            yield Static("Across rounds and methods", id="results-flips-title", classes="results-heading")
            yield Static(id="results-flips", classes="results-section")
            yield Static(id="results-notes", classes="results-section")

    def focus_first(self) -> None:
        self.query_one("#results-body").focus()

    def load(self, workshop: m.Workshop) -> None:
        self.workshop = workshop
        keys = [r.key for r in choices.scored_rounds(workshop)]
        if self.round_key not in keys or not self._picked:
            self._picked = False
            self.round_key = choices.default_round(workshop)
        self._draw()
        self.refresh_bindings()

    def on_resize(self) -> None:
        # The first draw can come before the pane has a width: draw again once it is known.
        # Shown again at the width it was last drawn at, it keeps what it shows: arriving at
        # the stage resizes it (hidden, it had no size), and drawing 300 rows again took 40 ms
        # before the new read could be drawn.
        if self.workshop is not None and self.size.width != self._drawn_width:
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
        self._picked = True
        self._draw()

    def action_details(self) -> None:
        self.details = not self.details
        self._draw()

    # -- drawing --------------------------------------------------------------
    SECTIONS = ("ranking", "agreement", "bars-title", "bars", "quadrant-title", "quadrant", "flips-title",
                "flips", "notes")

    def _sections(self, **visible: bool) -> None:
        for name in self.SECTIONS:
            self.query_one(f"#results-{name}").display = visible.get(name, False)

    def _draw(self) -> None:
        if self.size.width:  # drawn while hidden (arriving at the stage), it has no width yet
            self._drawn_width = self.size.width
        head = self.query_one("#results-head", Static)
        workshop = self.workshop
        if self.round_key is None:
            head.update(Text("No voting rounds yet: create one on the Voting stage (6)."))
            self._sections()
            return
        rnd = workshop.round(self.round_key)
        label = Text.assemble(f"Round {rnd.key} · ", line(rnd.title or method_label(rnd.method)))
        pub = choices.publication(rnd)
        if not pub.results:
            how = " Press r on the Voting stage (6) to reveal it." if rnd.hidden else ""
            head.update(Text.assemble(label, f"\n\n{pub.reason}{how}"))
            self._sections()
            return
        figures = self.figures(rnd.key)
        if figures is None:
            # Worked out in a thread; until it arrives the pane keeps what it shows
            # (the first time, nothing yet: it says so).
            if not self._drawn:
                head.update(Text.assemble(label, " · working out the results..."))
                self._sections()
            self._work_out(rnd.key)
            return
        self._drawn = True
        if not self.ready(None):
            self._work_out(rnd.key)  # the triangulation: the flips section follows when it comes
        if figures.problem:
            head.update(Text.assemble(label, "\n\n", shown(figures.problem)))
            self._sections()
            return
        result, before, moves = figures.result, figures.before, figures.moves
        status = "voting still open" if rnd.status == "open" else "closed"
        counts = [f"{plural(result.counted, 'ballot')} counted"]
        if result.blank:
            counts.append(f"{result.blank} blank")
        if result.rejected:
            counts.append(f"{len(result.rejected)} rejected")
        head.update(Text.assemble(label, f" · {status} · {', '.join(counts)}"
                                  + (f" · compared with {before}" if before else "")))
        titles = {i.key: i.title for i in workshop.initiatives}
        has_ranking = bool(result.ranking)
        quadrant = rnd.method == "value_effort" and has_ranking
        self._sections(ranking=True, agreement=True, bars=has_ranking, **{"bars-title": has_ranking,
                       "quadrant-title": quadrant}, quadrant=quadrant, notes=True)
        self._draw_flips()
        self.query_one("#results-ranking", TableView).show(
            self._ranking_table(result, titles, moves, bool(before)) if has_ranking
            else Text("No counted ballots yet."))
        if has_ranking:
            self.query_one(BarChart).show([Bar(plain(titles.get(r.initiative, r.initiative)), r.score or 0,
                                               r.contested, self._score(result, r))
                                           for r in result.ranking if r.score is not None])
        if quadrant:
            self._draw_quadrant(rnd, result, titles)
        self.query_one("#results-agreement", Static).update(self._agreement(result, titles))
        self.query_one("#results-notes", Static).update(self._notes(result, workshop))

    def _draw_flips(self) -> None:
        """What flips between rounds: shown once the triangulation for this picture is in."""
        flips = self._flips({i.key: i.title for i in self.workshop.initiatives})
        for name in ("flips-title", "flips"):
            self.query_one(f"#results-{name}").display = flips is not None
        if flips is not None:
            self.query_one("#results-flips", Static).update(flips)

    def _score(self, result, r) -> str:
        """The score in the room's own terms: dots as dots, a matrix score on the criteria's scale."""
        if r.score is None:
            return "–"
        if result.method == "matrix" and result.extras.get("scale"):
            return on_scale(r.score, result.extras["scale"], self._room_scale())
        return str(number(r.score))

    def _room_scale(self):
        return common_scale([(c.min, c.max) for c in self.workshop.scored_criteria])

    def _spread(self, result, value) -> str:
        """A spread on the same scale as the score beside it (matrix totals are rescaled)."""
        if value is None:
            return "–"
        if result.method == "matrix" and result.extras.get("scale"):
            factor = scale_factor(result.extras["scale"], self._room_scale())
            value = value * float(factor) if isinstance(value, float) else Fraction(value) * factor
        return str(number(value))

    def _ranking_table(self, result, titles, moves, compared: bool) -> LineTable:
        # One line per initiative: drawn as Rich's table would, without its layout (500 rows).
        columns = [Column("Rank", "right", 4), Column("Initiative", flexible=True)]
        if result.method != "moscow":
            columns.append(Column(SHORT_SCORE_LABELS.get(result.method, "Score"), "right"))
        if result.method == "dots":
            columns.append(Column("People", "right"))
        if result.method == "moscow":
            columns.append(Column("Group"))
        if self.details:
            columns += [Column("SD", "right"), Column("IQR", "right")]
        if compared:
            columns.append(Column("Moved", "center"))
        columns.append(Column(""))
        rows = []
        for r in result.ranking:
            cells = [Text(rank_label(r.rank, r.tied)), line(titles.get(r.initiative, r.initiative))]
            if result.method != "moscow":
                cells.append(Text(self._score(result, r)))
            if result.method == "dots":
                cells.append(Text(str(number(r.supporters))))
            if result.method == "moscow":
                cells.append(Text(moscow_label(r.detail.get("category"))))
            if self.details:
                cells.append(Text(self._spread(result, r.spread.sd) if r.spread else "–"))
                cells.append(Text(self._spread(result, r.spread.iqr) if r.spread else "–"))
            if compared:
                cells.append(moved_text(moves.get(r.initiative)))
            cells.append(Text(consensus_flags(r.contested, r.few_scores),
                              style="bold reverse" if r.contested else "italic"))
            rows.append((cells, "bold" if r.contested else ""))
        return LineTable(columns, rows)

    def _draw_quadrant(self, rnd: m.Round, result, titles) -> None:
        s = rnd.settings
        points = [Point(n, plain(titles.get(r.initiative, r.initiative)), Fraction(r.detail["value"]),
                        Fraction(r.detail["effort"]), str(r.detail["quadrant"]))
                  for n, r in enumerate(result.ranking, start=1)]
        thresholds = result.extras.get("thresholds", {})
        self.query_one(QuadrantChart).show(
            points, *rules.value_effort_scales(s),
            (Fraction(thresholds.get("value")), Fraction(thresholds.get("effort"))))

    def _agreement(self, result, titles) -> Text:
        out = Text()
        a = result.agreement
        split = [plain(titles.get(r.initiative, r.initiative)) for r in result.ranking if r.contested]
        out.append(agreement_sentence(a, split))
        if result.method == "moscow" and result.extras.get("shares"):
            shares = result.extras["shares"]
            out.append("\nShare of the committed effort: " + " · ".join(
                f"{moscow_label(k)} {number(Fraction(v) * 100)}%" for k, v in shares.items() if v is not None))
        if not self.details:
            out.append("\nd shows the details: the spread of scores and Kendall's W.", style="dim")
            return out
        out.append("\n\nDetails\n", style="bold")
        if a and a.get("meaningful", True) and a.get("kendall_w") is not None:
            out.append(f"Kendall's W {number(a['kendall_w'])}")
            if a.get("band"):
                out.append(f" ({a['band']} agreement, Landis & Koch bands)")
            out.append(f" from {plural(int(a['raters']), 'person')} over {plural(int(a['items']), 'initiative')}")
            if a.get("p_value") is not None:
                p = a["p_value"]
                out.append("; p < 0.0001" if p < 0.0001 else f"; p = {number(p)}")
            if a.get("excluded_raters"):
                out.append(f"; {plural(int(a['excluded_raters']), 'person')} left out for not scoring everything")
            out.append("\n")
        condorcet = condorcet_sentence(a.get("condorcet") if a else None, titles)
        if condorcet:
            # Named by title: the engine's summary carries the initiative's key.
            out.append_text(shown(f"Pairwise contests: {condorcet}\n"))
        for key in ("sd", "iqr", "w", "p"):
            out.append(DETAIL_EXPLANATIONS[key] + "\n", style="dim")
        out.rstrip()
        return out

    def _made_from(self, round_key: str | None) -> tuple:
        if round_key is None:
            return depends_on_all(self.workshop)
        return made_from(self.workshop, round_key)

    def ready(self, round_key: str | None) -> bool:
        """The round's figures (None: the triangulation) were worked out from the picture the
        pane holds now."""
        entry = self._figures.get(round_key)
        return entry is not None and self.workshop is not None and same(entry[0], self._made_from(round_key))

    def figures(self, round_key: str | None) -> object:
        """The round's figures (None: the triangulation, which may itself be None: fewer than
        two rounds to compare), or None while they are being worked out."""
        return self._figures[round_key][1] if self.ready(round_key) else None

    def _work_out(self, round_key: str) -> None:
        """The round's figures first; once they are in, the triangulation (a longer job that
        would otherwise hold them up: it makes a plan per round), drawn when it comes."""
        key = round_key if not self.ready(round_key) else None
        made = self._made_from(key)
        if (key is None and self.ready(None)) or same(self._working.get(key), made):
            return
        self._working[key] = made
        work = partial(work_out, self.workshop, key) if key else partial(choices.triangulation, self.workshop)
        start = partial(in_thread, self, partial(self._work_in_thread, work, made, key), group="results-figures",
                        exit_on_error=False)
        if key is None:
            # The triangulation (a plan per round, 0.2 s and more holding the interpreter lock)
            # waits for the frame that shows the round's figures, which it slowed fourfold. (The
            # round's figures, a short job, start at once: waiting for a frame cost more.)
            self.app.after_frame(partial(self._start_if_current, start, made))
        else:
            start()

    def _start_if_current(self, start, made: tuple) -> None:
        """Start the triangulation held for the frame, unless a newer picture came in before
        that frame (the session read again on arriving here): its figures come first, then
        its own triangulation; this one would only be thrown away, after holding them up."""
        if self.workshop is not None and same(made, self._made_from(None)):
            start()
        elif same(self._working.get(None), made):
            del self._working[None]

    def _work_in_thread(self, work, made: tuple, round_key: str | None) -> None:
        try:
            figures = work()
        except Exception as exc:  # noqa: BLE001 - a bug: the handler re-raises it on the UI thread
            self.post_message(self.Worked(made, round_key, None, error=exc))
            return
        self.post_message(self.Worked(made, round_key, figures))

    def on_results_pane_worked(self, message: "ResultsPane.Worked") -> None:
        message.stop()
        if message.error is not None:
            raise message.error
        if self._working.get(message.round_key) is message.made_from:
            del self._working[message.round_key]
        if self.workshop is None or not same(message.made_from, self._made_from(message.round_key)):
            return  # worked out from an older picture: a newer one is on its way or shown
        self._figures[message.round_key] = (message.made_from, message.figures)
        if message.round_key is None:
            if self.round_key is not None and self.ready(self.round_key):
                self._draw_flips()  # only its section: the ranking above is already drawn
        elif message.round_key == self.round_key:
            self._draw()

    def _flips(self, titles) -> Text | None:
        """What stays in, and what flips in or out of, the top group between the rounds shown."""
        t = self.figures(None)
        if t is None:
            return None
        group = "the plan" if self.workshop.session.bandwidth else "the top third"
        out = Text()
        name = lambda key: plain(titles.get(key, key))  # noqa: E731
        rounds = ", ".join(t.rounds)
        out.append(f"Comparing {group} under rounds {rounds}.\n")
        out.append("Always in: ", style="bold")
        out.append(", ".join(name(k) for k in t.always_in) or "none")
        out.append("\n")
        if t.sometimes_in:
            out.append("Flips in or out:\n", style="bold")
            for key in t.sometimes_in:
                ins = [r for r in t.rounds if key in t.plans[r]]
                outs = [r for r in t.rounds if key not in t.plans[r]]
                out.append(f"  {name(key)}: in under {', '.join(ins)}; out under {', '.join(outs)}\n")
        else:
            out.append("Nothing flips: every round puts the same initiatives in.\n")
        out.rstrip()
        return out

    def _notes(self, result, workshop: m.Workshop) -> Text:
        out = Text()
        names = {p.key: p.name for p in workshop.participants}
        for rb in result.rejected:
            who = names.get(rb.participant, rb.participant) if rb.participant else "A secret ballot"
            out.append_text(shown(f"Rejected: {who}: {'; '.join(p.message for p in rb.problems)}\n"))
        if result.blank:
            out.append(f"{plural(result.blank, 'blank ballot')} counted and left out of the tallies.\n")
        titles = {i.key: i.title for i in workshop.initiatives}
        for w in result.warnings:
            out.append_text(shown(f"Note: {method_warning(w, titles, names)}\n"))
        out.rstrip()
        return out
