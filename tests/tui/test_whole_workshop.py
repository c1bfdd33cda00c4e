"""Issue 4's acceptance test: a whole workshop from an empty database, keyboard only.

Nothing is set up by calling services: every value is typed, chosen or voted
through the screens the facilitator sees. Services are used only to read back
what was stored.
"""

from __future__ import annotations

from settle import settle as wait_until_still
from stage_b_support import screen_text
from textual.widgets import DataTable

from workshop_tui.services import sessions
from workshop_tui.storage.engine import open_database
from workshop_tui.tui.app import WorkshopApp
from workshop_tui.tui.screens.private_ballot import PrivateBallotScreen
from workshop_tui.tui.screens.session import SessionScreen


async def settle(app, pilot) -> None:
    await wait_until_still(pilot)


async def keys(pilot, *typed: str) -> None:
    """Press keys one at a time, letting the app settle after each."""
    for key in typed:
        await pilot.press(key)
        await wait_until_still(pilot)


async def type_text(pilot, text: str) -> None:
    await pilot.press(*text)
    await wait_until_still(pilot)


async def pick(pilot, steps: int) -> None:
    """Open the focused Select with Enter, move ``steps`` options from the current one
    (down when positive, up when negative), choose with Enter."""
    await keys(pilot, "enter", *(["down"] * steps if steps >= 0 else ["up"] * -steps), "enter")


def stored_title(workshop, key: str) -> str:
    return workshop.initiative(key).title


def rows_in_order(text: str, *titles: str) -> bool:
    """True when each title is on the screen, each on a later line than the one before."""
    lines = text.splitlines()
    found = [next((n for n, line in enumerate(lines) if title in line), -1) for title in titles]
    return -1 not in found and found == sorted(found)


async def test_a_whole_workshop_from_an_empty_database_by_keyboard(tmp_path):
    url = f"sqlite:///{tmp_path / 'workshop.db'}"
    app = WorkshopApp(url, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "No sessions yet" in screen_text(app)

        # -- Home: a new session --------------------------------------------------
        await keys(pilot, "n")
        await type_text(pilot, "Where to start 2027")
        await keys(pilot, "enter")
        await type_text(pilot, "Calder Valley NHS Trust")
        await keys(pilot, "enter")
        await type_text(pilot, "2026-11-21")  # the date box's text is selected on arrival
        await keys(pilot, "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SessionScreen) and app.screen.current == "setup"
        db = app.db
        [summary] = sessions.list_sessions(db)
        sid = summary.id
        assert app.focused is None  # nothing editable on arrival: Tab reaches the title
        await keys(pilot, "tab")
        assert app.focused.id == "setup-title"

        # -- Stage 1, Setup: Enter saves a box and moves to the next one ----------
        await keys(pilot, "down", "down", "down")
        await type_text(pilot, "Sam Facilitator")
        await keys(pilot, "enter")
        await type_text(pilot, "Care closer to home for every patient in Calder Valley")
        await keys(pilot, "enter")
        await type_text(pilot, "3")
        await keys(pilot, "enter")
        await type_text(pilot, "3")
        await keys(pilot, "enter")
        await type_text(pilot, "1,500,000")
        await keys(pilot, "enter")
        assert app.focused.id == "setup-max_actions"
        await keys(pilot, "enter")
        assert app.focused.id == "setup-title"  # Enter on the last box goes round to the first
        info = sessions.load(db, sid).session
        assert (info.title, info.organisation, info.date.isoformat(), info.facilitator) == (
            "Where to start 2027", "Calder Valley NHS Trust", "2026-11-21", "Sam Facilitator")
        assert (info.mission, info.horizon_years, info.bandwidth, info.budget, info.max_actions) == (
            "Care closer to home for every patient in Calder Valley", 3, 3, 1_500_000, 5)
        assert "1✓Setup" in screen_text(app)

        # -- Stage 2, Participants: name, Tab, discipline, Enter ------------------
        await keys(pilot, "escape", "ctrl+right")  # out of the box, then the next stage
        await settle(app, pilot)
        assert app.screen.current == "participants" and app.focused.id == "participants-table"
        await keys(pilot, "a")  # to the name box
        assert app.focused.id == "participant-name"
        # The discipline list remembers the last choice: each step is from the one before.
        people = [("Dr Ana Silva", 0), ("Ben Okoro", 2), ("Chloe Brown", -1), ("Dev Patel", 3), ("Erin Walsh", 2)]
        for name, step in people:
            await type_text(pilot, name)
            await keys(pilot, "tab")
            await pick(pilot, step)
            assert app.focused.id == "participant-name"  # back in the name box: Enter saves
            await keys(pilot, "enter")
            assert app.focused.id == "participant-name" and app.focused.value == ""
        stored = sessions.load(db, sid).participants
        assert [(p.name, p.role) for p in stored] == [
            ("Dr Ana Silva", "clinical"), ("Ben Okoro", "operational"), ("Chloe Brown", "nursing"),
            ("Dev Patel", "technology"), ("Erin Walsh", "finance")]
        text = screen_text(app)
        assert "5 people: Clinical 1 · Nursing 1 · Operational / service management 1" in text
        assert "2✓Participants" in text

        # -- Stage 3, Initiatives: every field through the form -------------------
        await keys(pilot, "escape", "ctrl+right")  # a text box keeps Ctrl+Right: leave it first
        await settle(app, pilot)
        assert app.screen.current == "initiatives"
        assert "No initiatives yet" in screen_text(app)
        # (title, owner, portfolio, kind, effort, cost, decided, tick the first prerequisite)
        items = [
            ("Wi-Fi and network refresh", "Head of IT", 1, 1, "2", "300000", 0, False),
            ("e-Observations", "Chief Nurse", 2, 1, "3", "450,000", 0, True),
            ("Virtual wards", "Medical Director", 3, 2, "5", "900000", 0, True),
            ("EPR upgrade", "CIO", 1, 1, "3", "600000", 3, False),
            ("Patient portal", "Director of Operations", 3, 2, "4", "500000", 0, False),
            ("Voice recognition", "CCIO", 2, 1, "1", "90000", 0, False),
        ]
        for title, owner, portfolio, kind, effort, cost, decided, needs_wifi in items:
            await keys(pilot, "a")
            assert app.focused.id == "f-title"
            await type_text(pilot, title)
            await keys(pilot, "enter", "enter")  # no description
            await type_text(pilot, owner)
            await keys(pilot, "enter", "enter")  # no service area: on to the portfolio
            await pick(pilot, portfolio)
            await keys(pilot, "tab")
            await pick(pilot, kind)
            await keys(pilot, "tab")
            await type_text(pilot, effort)
            await keys(pilot, "enter")
            await type_text(pilot, cost)
            await keys(pilot, "enter")
            if decided:
                await pick(pilot, decided)
            await keys(pilot, "tab")
            if needs_wifi:
                await keys(pilot, "space")
            await keys(pilot, "ctrl+s")
            await settle(app, pilot)
            assert app.screen.current == "initiatives", screen_text(app)
        stored = {i.title: i for i in sessions.load(db, sid).initiatives}
        assert list(stored) == [t for t, *_ in items]
        wifi = stored["Wi-Fi and network refresh"]
        assert (wifi.portfolio, wifi.kind, wifi.effort, wifi.cost, wifi.owner) == (
            "maintain", "core", 2, 300000, "Head of IT")
        assert stored["e-Observations"].depends_on == (wifi.key,) and stored["e-Observations"].cost == 450000
        assert stored["Virtual wards"].depends_on == (wifi.key,)
        assert (stored["Virtual wards"].portfolio, stored["Virtual wards"].kind) == ("transform", "experiment")
        assert stored["EPR upgrade"].decided == "contract"
        text = screen_text(app)
        assert "Maintain 2 · Improve 2 · Transform 2   Core 4 · Experiment 2   Decided already 1" in text
        assert "450,000" in text and "Existing contract" in text

        # -- Stage 4, Criteria: the NHS template, then the gates grid -------------
        await keys(pilot, "4")  # the table has the focus, so number keys change stage
        await settle(app, pilot)
        assert app.screen.current == "criteria"
        await keys(pilot, "t", "enter")  # the NHS "decide where to start" template is first
        await settle(app, pilot)
        await keys(pilot, "tab")
        assert app.focused.id == "gates-grid"
        await keys(pilot, "p", "p", "p", "p", "f", "p")  # "No show-stoppers", down the initiatives
        await keys(pilot, "up", "n")  # a note on why the portal fails
        await keys(pilot, "tab")
        await type_text(pilot, "IG: patient data would leave the UK")
        await keys(pilot, "enter")
        await keys(pilot, "right", "up", "up", "up", "up", *["p"] * 6)  # every one wants to change
        workshop = sessions.load(db, sid)
        assert [c.key for c in workshop.criteria] == ["no_showstopper", "wants_change", "consensus", "value_6m",
                                                      "learn", "impact"]
        assert [c.kind for c in workshop.criteria] == ["gate", "gate"] + ["score"] * 4
        gates = {(stored_title(workshop, a.initiative), a.criterion): (a.passed, a.note)
                 for a in workshop.gate_sheets[0].assessments}
        assert len(gates) == 12
        assert gates[("Patient portal", "no_showstopper")] == (False, "IG: patient data would leave the UK")
        assert all(passed for (title, _), (passed, _) in gates.items() if title != "Patient portal")
        text = screen_text(app)
        assert "FAIL *" in text and "Ruled out 1 · still to assess 0" in text

        # -- Stage 5, Bandwidth: slots, two bottlenecks, the demand grid ----------
        await keys(pilot, "5")
        await settle(app, pilot)
        assert app.screen.current == "bandwidth"
        await keys(pilot, "s")
        await type_text(pilot, "3")  # the box's old value is selected: typing replaces it
        await keys(pilot, "enter")
        for name, capacity, unit in (("IG review", "6", "days per month"), ("Integration engineers", "4", "people")):
            await keys(pilot, "a")
            await type_text(pilot, name)
            await keys(pilot, "enter")
            await type_text(pilot, capacity)
            await keys(pilot, "enter")
            await type_text(pilot, unit)
            await keys(pilot, "enter")
            await settle(app, pilot)
        await keys(pilot, "tab")
        assert app.focused.id == "demand-grid"
        # Down the IG column (Wi-Fi needs none), then up the integration column.
        await keys(pilot, "right", "down", "enter")  # Enter starts typing numbers: the border says so
        assert app.focused.entry and "ENTERING" in str(app.focused.border_title)
        await keys(pilot, "2", "enter", "3", "enter", "2", "enter", "2", "enter", "1", "enter")
        await keys(pilot, "right", *["up"] * 5, "1", "enter", "1", "enter", "2", "enter", "2", "enter", "2", "enter")
        workshop = sessions.load(db, sid)
        assert workshop.session.bandwidth == 3
        assert [(b.name, b.capacity, b.unit) for b in workshop.bottlenecks] == [
            ("IG review", 6, "days per month"), ("Integration engineers", 4, "people")]
        ig, eng = (b.key for b in workshop.bottlenecks)
        assert {i.title: dict(i.demands) for i in workshop.initiatives} == {
            "Wi-Fi and network refresh": {eng: 1}, "e-Observations": {ig: 2, eng: 1},
            "Virtual wards": {ig: 3, eng: 2}, "EPR upgrade": {ig: 2, eng: 2},
            "Patient portal": {ig: 2, eng: 2}, "Voice recognition": {ig: 1}}
        text = screen_text(app)
        # Asked for more than fits, nothing over-committed yet: a choice to make, not "OVER" (issue 11).
        assert "10/6 days per month  already committed: 2 of 6  4 to cut" in text
        assert "5✓Bandwidth" in text
        await keys(pilot, "escape")  # out of entry mode: number keys change stage again
        assert not app.focused.entry

        # -- Stage 6, Voting: a dots round by facilitator entry -------------------
        await keys(pilot, "6")
        await settle(app, pilot)
        assert app.screen.current == "voting"
        text = screen_text(app)
        assert "No voting rounds yet. Press n to create the first round." in text
        assert "Exemplar gates" not in text and "Close round" not in text  # the gate checks are not a vote
        await keys(pilot, "n", "tab")
        await type_text(pilot, "Dots on the wall")
        await keys(pilot, "tab")
        await type_text(pilot, "5")
        await keys(pilot, "tab")
        await type_text(pilot, "3")
        await keys(pilot, "ctrl+s")
        await settle(app, pilot)
        assert app.focused.id == "voting-grid"
        await keys(pilot, "enter")  # digits are votes only in entry mode
        dots = {  # per person (a column each), down the initiatives; 0 = no dot
            "Dr Ana Silva": (1, 3, 1, 0, 0, 0), "Ben Okoro": (2, 1, 0, 0, 0, 2), "Chloe Brown": (1, 3, 0, 0, 1, 0),
            "Dev Patel": (2, 0, 2, 0, 1, 0), "Erin Walsh": (0, 2, 0, 0, 0, 3)}
        for person, column in dots.items():
            if person == "Erin Walsh":
                await keys(pilot, "f")  # Erin's votes come from paper cards
            for n, value in enumerate(column):
                if value:
                    await keys(pilot, str(value))  # saved at once: no number above 3 is allowed
                elif n < len(column) - 1:
                    await keys(pilot, "down")
            await keys(pilot, "right", *["up"] * 5)
        await settle(app, pilot)  # the writes run in the background, in order
        text = screen_text(app)
        assert "Voted 5 of 5" in text and "5 dots each, at most 3 on one" in text
        workshop = sessions.load(db, sid)
        [dots_round] = [r for r in workshop.rounds if r.method == "dots"]
        assert (dots_round.key, dots_round.title, dots_round.status, dots_round.hidden) == (
            "r1", "Dots on the wall", "open", True)
        assert (dots_round.settings["budget"], dots_round.settings["max_per_initiative"]) == (5, 3)
        names = {p.key: p.name for p in workshop.participants}
        titles = [i.title for i in workshop.initiatives]
        assert {(names[v.participant], stored_title(workshop, v.initiative)): (v.value, v.channel)
                for v in dots_round.votes} == {
            (person, titles[n]): (value, "paper" if person == "Erin Walsh" else "facilitator")
            for person, column in dots.items() for n, value in enumerate(column) if value}
        await keys(pilot, "escape", "r")
        assert "Reveal the results of round r1? This also closes it." in screen_text(app)
        await keys(pilot, "y")
        await settle(app, pilot)
        dots_round = sessions.load(db, sid).round("r1")
        assert (dots_round.status, dots_round.hidden) == ("closed", False)
        assert "6✓Voting" in screen_text(app)

        # -- A matrix round, secret and hidden, by passing the laptop ------------
        await keys(pilot, "n")
        await pick(pilot, 1)  # Weighted benefit matrix
        await keys(pilot, "tab")
        await type_text(pilot, "Exemplar matrix")
        await keys(pilot, "tab", "tab", "space")  # past "combine scores by", tick "Secret ballot"
        await keys(pilot, "ctrl+s")
        await settle(app, pilot)
        matrix = sessions.load(db, sid).round("r2")
        assert (matrix.method, matrix.anonymous, matrix.hidden, matrix.status) == ("matrix", True, True, "open")
        assert "Secret ballot: nobody's votes are shown here. Press p" in screen_text(app)
        # Four criteria per initiative, typed across then down; each digit saves at once.
        ballots = ["6666" "9898" "5764" "3333" "7877" "5555",
                   "7577" "8989" "4645" "2424" "8788" "6566",
                   "5656" "9999" "6756" "3232" "6766" "4545"]
        for n, ballot in enumerate(ballots):
            await keys(pilot, "p")
            assert isinstance(app.screen, PrivateBallotScreen)
            text = screen_text(app)
            assert "Find your name and press Enter" in text
            assert ("Dr Ana Silva" in text) == (n == 0)  # only those who have not voted are listed
            await keys(pilot, "enter")
            text = screen_text(app)
            assert "Your ballot" in text and "secret ballot: your ballot is stored without your name" in text
            await type_text(pilot, ballot)
            await keys(pilot, "ctrl+s")
            assert "Check your ballot before you submit" in screen_text(app)
            assert "Every initiative is scored." in screen_text(app)
            await keys(pilot, "enter")
            text = screen_text(app)
            assert "Pass the laptop back to the facilitator" in text and "Facilitator: press F to continue" in text
            assert "Your ballot" not in text and "Builds consensus" not in text  # nothing of the ballot shows
            await keys(pilot, "f")
            assert "Find your name and press Enter" in screen_text(app)
            await keys(pilot, "escape")
            await settle(app, pilot)
            assert app.screen.current == "voting"
        matrix = sessions.load(db, sid).round("r2")
        assert {names[k] for k in matrix.voted} == {"Dr Ana Silva", "Ben Okoro", "Chloe Brown"}
        assert {v.participant for v in matrix.votes} == {None}
        assert {v.channel for v in matrix.votes} == {"private"}
        assert len({v.ballot for v in matrix.votes}) == 3 and len(matrix.votes) == 3 * 24
        text = screen_text(app)
        assert "Voted 3 of 5 · not voted yet (2): Dev, Erin" in text
        await keys(pilot, "x")
        text = screen_text(app)
        assert "Close round r2? No more votes will be taken. 2 people have not voted" in text
        await keys(pilot, "y")
        await settle(app, pilot)
        await keys(pilot, "r", "y")
        await settle(app, pilot)
        matrix = sessions.load(db, sid).round("r2")
        assert (matrix.status, matrix.hidden) == ("closed", False)
        # The plan stays on r1 unless the facilitator switches: the reveal offers it, with what would change.
        assert "The plan is made from round r1. Round r2 can now be shown: switch the plan to it?" \
            in getattr(app.screen, "question", "")
        assert sessions.load(db, sid).session.plan_round == "r1"
        await keys(pilot, "y")
        await settle(app, pilot)
        assert sessions.load(db, sid).session.plan_round == "r2"

        # -- Stage 7, Results -------------------------------------------------------
        await keys(pilot, "7")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Round r2 · Exemplar matrix · closed · 3 ballots counted · compared with r1" \
            in text
        assert rows_in_order(text, "e-Observations", "Patient portal", "Wi-Fi and network refresh", "Virtual wards",
                             "Voice recognition", "EPR upgrade")
        assert "on the order overall" in text and "7✓Results" in text  # the agreement, in words
        await keys(pilot, "[")  # the dots round
        text = screen_text(app)
        assert "Round r1 · Dots on the wall · closed · 5 ballots counted" in text
        assert rows_in_order(text, "e-Observations", "Wi-Fi and network refresh", "Voice recognition",
                             "Virtual wards", "Patient portal", "EPR upgrade")
        assert "room split" in text

        # -- Stage 8, Choices: the plan, then one override with its reason ---------
        await keys(pilot, "8")
        await settle(app, pilot)
        text = screen_text(app)
        assert "Plan from round r2 · 3 of 3 slots used · 3 will do, 2 not now, 1 won't" in text
        assert "Selected: needed first by e-Observations" in text  # the prerequisite comes along
        assert "Decision already made: Existing contract" in text
        assert "Not selected: would exceed the bandwidth of 3 initiatives at once" in text
        assert "Ruled out: failed the gate 'No show-stoppers'" in text  # ranked 2nd, but a show-stopper
        assert "4 of 4 people" in text and "cut line" in text
        await keys(pilot, *["down"] * 5, "i")  # Voice recognition: not now -> will do
        text = " ".join(screen_text(app).split())
        assert "We WILL do, within the bandwidth: Voice recognition" in text
        assert "displaced e-Observations" in text  # what it would push out, shown before asking
        await keys(pilot, "enter")  # a reason is required
        assert sessions.load(db, sid).decisions == ()
        await type_text(pilot, "Quick win the clinicians asked for")
        await keys(pilot, "enter")
        await settle(app, pilot)
        [decision] = sessions.load(db, sid).decisions
        assert (stored_title(workshop, decision.initiative), decision.outcome, decision.rationale, decision.round) \
            == ("Voice recognition", "include", "Quick win the clinicians asked for", "r2")
        text = screen_text(app)
        assert rows_in_order(text, "Will do*  1     5     Voice recognition", "cut line",
                             "Not now         1     e-Observations", "Won't           2     Patient portal")
        assert "Included within the bandwidth by d" in text and "8✓Choices" in text
        assert "Override: Voice recognition, within the bandwidth by decision of the facilitator; displaced " \
               "e-Observations" in " ".join(text.split())

        # -- Stage 9, Actions: owner, measure and due date --------------------------
        await keys(pilot, "9")
        await settle(app, pilot)
        text = screen_text(app)
        assert ("We will do: EPR upgrade (no action yet), Voice recognition (no action yet), "
                "Wi-Fi and network refresh (no action yet)") in text
        assert "No actions yet. Press n to add the first one." in text
        # The form suggests the next chosen initiative without an action; the second
        # action is moved to another one with Shift+Tab and the list.
        for title, owner, measure, due, step in (
                ("Upgrade the EPR to the new release", "CIO", "Go-live with no unplanned downtime", "2027-03-31", None),
                ("Replace ward access points", "Head of IT", "Wi-Fi on every ward, 99% uptime", "2027-06-30", 1)):
            await keys(pilot, "n")
            assert app.focused.id == "action-title"
            if step is not None:
                await keys(pilot, "shift+tab")
                await pick(pilot, step)
                await keys(pilot, "tab")
            await type_text(pilot, title)
            await keys(pilot, "tab")
            await type_text(pilot, owner)
            await keys(pilot, "tab")
            await type_text(pilot, measure)
            await keys(pilot, "tab")
            await type_text(pilot, due)
            await keys(pilot, "enter")
            await settle(app, pilot)
        workshop = sessions.load(db, sid)
        assert [(stored_title(workshop, a.initiative), a.title, a.owner, a.measure, a.due.isoformat())
                for a in workshop.actions] == [
            ("EPR upgrade", "Upgrade the EPR to the new release", "CIO", "Go-live with no unplanned downtime",
             "2027-03-31"),
            ("Wi-Fi and network refresh", "Replace ward access points", "Head of IT",
             "Wi-Fi on every ward, 99% uptime", "2027-06-30")]
        text = screen_text(app)
        assert "✓ 2 of at most 5 actions, each with an owner, a measure and a due date." in text
        assert "[9✓Actions]" in text
        before = sessions.load(db, sid)
        await keys(pilot, "ctrl+q")

    # -- Reopen the same file: the same stage, nothing lost -------------------------
    app = WorkshopApp(url, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        text = screen_text(app)
        assert "Where to start 2027" in text and "Calder Valley NHS Trust" in text and "Actions" in text
        await keys(pilot, "enter")
        await settle(app, pilot)
        assert app.screen.current == "actions"
        assert sessions.load(app.db, sid) == before
        text = screen_text(app)
        assert "✓ 2 of at most 5 actions" in text and "Replace ward access poi" in text
        assert all(f"{n}✓" in text for n in range(1, 10))  # every stage ticked

    # -- The key screens at 80x24: the current stage and its main keys stay visible ----
    app = WorkshopApp(url, load_samples_when_empty=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await keys(pilot, "enter")
        await settle(app, pilot)
        assert app.screen.current == "actions"
        # Walk back from Actions to Setup with Ctrl+Left, as a facilitator reviewing the day.
        for number, label, needed in (
                ("9", "Actions", ["n New action", "e Edit", "d Remove"]),
                ("8", "Choices", ["i Include", "x Rule out"]),
                ("7", "Results", ["[ Prev round", "] Next round"]),
                ("6", "Voting", ["o Reopen", "n New round"]),
                ("5", "Bandwidth", ["s Slots", "a Add bottleneck"]),
                ("4", "Criteria", ["t Template", "a Add", "e Edit"]),
                ("3", "Initiatives", ["a Add", "e Edit", "i Import CSV"]),
                ("2", "Participants", ["^→ Next stage", "Help"]),
                ("1", "Setup", ["^→ Next stage", "esc Back to sessions"])):  # no box focused on arrival
            if number != "9":
                await keys(pilot, "ctrl+left")
                await settle(app, pilot)
            lines = screen_text(app).splitlines()
            assert f"[{number}✓{label}]" in lines[1], lines[1]
            for key in needed:
                assert key in lines[-1], (label, key, lines[-1])
