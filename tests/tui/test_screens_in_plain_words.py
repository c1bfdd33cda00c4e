"""Issue 11 (items 5-9 and the small defects), on the screens themselves: 80x24 holds,
results in plain words, export from anywhere, remembered preferences, inert user text."""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest
from settle import arrived, settle
from stage_b_support import four_people_workshop, nhs_session, open_stage, screen_text
from textual.widgets import Button, Input, OptionList

from workshop_tui import preferences
from workshop_tui.domain import model as m
from workshop_tui.services import sessions
from workshop_tui.tui.app import HIGH_CONTRAST, WorkshopApp
from workshop_tui.tui.modals.export_session import ExportSessionModal
from workshop_tui.tui.screens.home import HomeScreen
from workshop_tui.tui.stages import STAGE_PANES

STAGES = [stage for stage, _label, _target in STAGE_PANES]


def app_for(db) -> WorkshopApp:
    return WorkshopApp(db=db, load_samples_when_empty=False)


async def home(pilot) -> HomeScreen:
    await settle(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.ready, "home")
    return pilot.app.screen


def rendered_characters(app) -> str:
    """Every character the compositor would send to the terminal for the current screen."""
    return "".join(segment.text for strip in app.screen._compositor.render_strips() for segment in strip)


# -- preferences ----------------------------------------------------------------


async def test_high_contrast_is_remembered_after_a_restart(db):
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await home(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert pilot.app.theme == HIGH_CONTRAST
    assert preferences.load()[0].high_contrast is True
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await home(pilot)
        assert pilot.app.theme == HIGH_CONTRAST


async def test_a_corrupt_preferences_file_starts_the_app_with_a_message(db):
    preferences.path().parent.mkdir(parents=True, exist_ok=True)
    preferences.path().write_text("{{{", encoding="utf-8")
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await home(pilot)
        messages = [n.message for n in pilot.app._notifications]
        assert any("could not be read" in text and "using the defaults" in text for text in messages)
        assert pilot.app.theme != HIGH_CONTRAST


# -- the home list and the header ------------------------------------------------


async def test_the_home_list_keeps_date_and_stage_at_80x24(db):
    info = m.SessionInfo(title="A very long session title about the digital strategy refresh for 2027 to 2030",
                         organisation="Northfield and District Integrated Care Board (North and East)",
                         date=__import__("datetime").date(2027, 3, 4), stage="bandwidth")
    sessions.create(db, info)
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await home(pilot)
        text = screen_text(pilot.app)
        row = next((line for line in text.splitlines() if "A very" in line), text)
        assert "2027-03-04" in row and "Bandwidth" in row and "\u2026" in row


async def test_the_header_forgets_a_session_once_back_home_even_when_it_is_deleted(db):
    sid = sessions.create(db, m.SessionInfo(title="Doomed session"))
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage(app, pilot, sid, "setup")
        assert "Doomed session" in app.sub_title
        await app.screen.action_home()
        screen = await home(pilot)
        sessions.delete(db, sid)
        screen.refresh_sessions()
        await settle(pilot)
        assert app.sub_title == WorkshopApp.SUB_TITLE
        assert "Doomed session" not in screen_text(app)


async def test_counts_agree_with_their_nouns(db):
    workshop = dataclasses.replace(four_people_workshop(), initiatives=four_people_workshop().initiatives[:1])
    sid = sessions.import_workshop(db, workshop)
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        assert "1 session." in screen_text(app)
        await open_stage(app, pilot, sid, "initiatives")
        text = screen_text(app)
        assert "1 initiative " in text and "1 initiatives" not in text


# -- the stepper -----------------------------------------------------------------


@pytest.mark.parametrize("stage", STAGES)
async def test_every_stage_is_numbered_and_labelled_in_the_stepper_at_80x24(db, stage):
    sid = nhs_session(db)
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_stage(app, pilot, sid, stage)
        line = screen_text(app).splitlines()[1]
        label = dict((s, lbl) for s, lbl, _t in STAGE_PANES)[stage]
        assert f"[{STAGES.index(stage) + 1}✓{label}]" in line or f"[{STAGES.index(stage) + 1} {label}]" in line
        numbers = [str(n) for n in range(1, 10)]
        positions = [line.index(n, line.index(numbers[k - 1]) + 1 if k else 0) for k, n in enumerate(numbers)]
        assert positions == sorted(positions)  # all nine, in order, none cut off
        assert len(line.rstrip()) <= 80


# -- dialogs at 80x24 --------------------------------------------------------------


async def test_the_new_round_dialog_shows_its_create_button_at_80x24(db):
    from workshop_tui.tui.modals.round_form import RoundFormModal

    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await home(pilot)
        await app.push_screen(RoundFormModal(12))
        await settle(pilot)
        button = app.screen.query_one("#round-create", Button)
        assert app.screen.region.contains_region(button.region) and button.region.height == 3
        assert "Create round" in screen_text(app)


# -- export ----------------------------------------------------------------------


async def test_the_export_dialog_starts_on_the_formats_named_in_words(db, tmp_path):
    sid = sessions.create(db, m.SessionInfo(title="Export me"))
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await home(pilot)
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(app.screen, ExportSessionModal), "the export dialog")
        assert isinstance(app.focused, OptionList)
        text = screen_text(app)
        assert "Board pack, printable (HTML)" in text and "Session file" in text
        path_before = app.screen.query_one("#export-path", Input).value
        await pilot.press("space")
        await pilot.press("enter")  # chooses the format and moves to the button: nothing is written
        await settle(pilot)
        assert app.screen.query_one("#export-path", Input).value == path_before
        assert isinstance(app.focused, Button) and app.focused.id == "export-go"
        assert str(app.screen.query_one("#export-result").render()) == ""
    assert sid


async def test_export_from_inside_a_session_by_key_and_palette_and_the_folder_is_remembered(db, tmp_path):
    from workshop_tui.tui.commands import WorkshopCommands

    sid = sessions.create(db, m.SessionInfo(title="Board day"))
    app = app_for(db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_stage(app, pilot, sid, "participants")
        labels = [label for label, _help, _cb in WorkshopCommands(screen)._commands()]
        assert any(label.startswith("Export this session") for label in labels)
        await pilot.press("ctrl+e")
        await settle(pilot, lambda: isinstance(app.screen, ExportSessionModal), "the export dialog")
        box = app.screen.query_one("#export-path", Input)
        box.value = str(tmp_path / "out" / "board-day.html")
        app.screen.query_one("#export-go", Button).press()
        await settle(pilot, lambda: "Written to" in str(app.screen.query_one("#export-result").render()),
                     "the export to finish")
    assert (tmp_path / "out" / "board-day.html").exists()
    assert preferences.load()[0].export_folder == str(tmp_path / "out")
    async with app_for(db).run_test(size=(80, 24)) as pilot:
        await home(pilot)
        await pilot.press("e")
        await settle(pilot, lambda: isinstance(pilot.app.screen, ExportSessionModal), "the export dialog")
        assert pilot.app.screen.query_one("#export-path", Input).value.startswith(str(tmp_path / "out") + "/")


# -- results ---------------------------------------------------------------------


async def test_results_speak_plain_words_with_the_statistics_behind_details(db):
    sid = nhs_session(db)
    app = app_for(db)
    async with app.run_test(size=(120, 60)) as pilot:
        screen = await open_stage(app, pilot, sid, "results")
        pane = screen.pane("results")
        pane.round_key = "r3"  # the criteria matrix, scored 1-5
        pane.action_details() if pane.details else None
        pane._draw()
        await settle(pilot)
        text = screen_text(app)
        assert " / 5" in text and "0.7" not in text.split("Scores")[0]
        assert "the room is split on" in text
        assert " SD " not in text and "Kendall's W 0" not in text
        await pilot.press("d")
        await settle(pilot)
        text = screen_text(app)
        assert " SD " in text and "IQR (interquartile range)" in text and "Kendall's W 0." in text


def two_rounds_that_disagree() -> m.Workshop:
    base = four_people_workshop()
    people = [p.key for p in base.participants]
    first = m.Round("r1", "dots", "First dots", {"budget": 2, "max_per_initiative": 2}, status="closed",
                    votes=tuple(m.Vote(p, "epr", value=2) for p in people))
    second = m.Round("r2", "dots", "Second dots", {"budget": 2, "max_per_initiative": 2}, status="closed",
                     votes=tuple(m.Vote(p, "wifi", value=2) for p in people))
    return dataclasses.replace(base, session=dataclasses.replace(base.session, bandwidth=1),
                               rounds=(first, second))


async def test_results_say_what_flips_in_or_out_between_rounds(db):
    sid = sessions.import_workshop(db, two_rounds_that_disagree())
    app = app_for(db)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_stage(app, pilot, sid, "results")
        text = screen_text(app)
        assert "Across rounds and methods" in text
        assert "EPR optimisation: in under r1; out under r2" in text
        assert "Wi-Fi refresh: in under r2; out under r1" in text


async def test_a_hidden_round_takes_no_part_in_the_comparison(db):
    workshop = two_rounds_that_disagree()
    hidden = dataclasses.replace(workshop.rounds[1], hidden=True)
    sid = sessions.import_workshop(db, dataclasses.replace(workshop, rounds=(workshop.rounds[0], hidden)))
    app = app_for(db)
    async with app.run_test(size=(120, 60)) as pilot:
        await open_stage(app, pilot, sid, "results")
        assert "Across rounds and methods" not in screen_text(app)


# -- bandwidth and dates -----------------------------------------------------------


def test_bandwidth_does_not_say_over_before_anything_is_chosen():
    from workshop_tui.domain.summaries import Usage
    from workshop_tui.tui.panes.bandwidth import usage_line

    asked = usage_line(Usage("Slots (projects at once)", 6, 0, 14, "projects"), 120).plain
    assert "OVER" not in asked and asked.endswith("  8 to cut")
    decided = usage_line(Usage("Slots (projects at once)", 6, 8, 14, "projects"), 120).plain
    assert decided.endswith("already committed: 8 of 6  OVER by 2")
    assert "OVER" not in usage_line(Usage("IG review", 6, 0, 14, "days"), 80).plain


@pytest.mark.parametrize("text, words", [
    ("2027-02-31", "February 2027 has no day 31; it has 28 days"),
    ("2028-02-30", "February 2028 has no day 30; it has 29 days"),
    ("2027-13-01", "there is no month 13"),
    ("31/02/2027", "must be written as year-month-day"),
])
def test_an_impossible_date_says_what_is_wrong(text, words):
    from workshop_tui.services.editing import EditError, parse_date

    with pytest.raises(EditError, match=words):
        parse_date(text)


async def test_setup_says_the_day_does_not_exist(db):
    sid = sessions.create(db, m.SessionInfo(title="Dates"))
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, "setup")
        box = screen.query_one("#setup-date", Input)
        box.value = "2027-02-31"
        box.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "February 2027 has no day 31" in screen_text(app)
        assert sessions.load(db, sid).session.date is None


# -- user text is inert --------------------------------------------------------------


def hostile_workshop() -> m.Workshop:
    base = four_people_workshop()
    items = list(base.initiatives)
    items[0] = dataclasses.replace(items[0], title="EPR\x1b]0;pwned\x07 optimisation")
    items[1] = dataclasses.replace(items[1], title="e-Obs \u202eevil")
    people = list(base.participants)
    people[0] = dataclasses.replace(people[0], name="Ana\x1b[2J Silva")
    session = dataclasses.replace(base.session, organisation="Org\x1b[1A up", title="Hostile \x9b31m day",
                                  stage="initiatives")
    votes = tuple(m.Vote(p.key, "epr", value=2) for p in people)
    rnd = m.Round("r1", "dots", "Dots \x1b[5m", {"budget": 2, "max_per_initiative": 2}, status="closed",
                  votes=votes)
    return dataclasses.replace(base, session=session, initiatives=tuple(items), participants=tuple(people),
                               rounds=(rnd,), bottlenecks=(m.Bottleneck(key="ig", name="IG \x1b[31mreview",
                                                                         capacity=4, unit="days"),))


RAW = ("\x1b", "\x07", "\x9b", "\u202e")


@pytest.mark.parametrize("stage", ["home", "setup", "participants", "initiatives", "bandwidth", "results"])
async def test_control_characters_in_user_text_are_drawn_as_visible_escapes(db, stage):
    sid = sessions.import_workshop(db, hostile_workshop())
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        await home(pilot)
        if stage != "home":
            await open_stage(app, pilot, sid, stage)
        drawn = rendered_characters(app)
        assert not any(ch in drawn for ch in RAW), stage
        assert "\\x1b" in drawn or "\\u202e" in drawn or "\\x9b" in drawn
        assert not any(ch in app.sub_title + app.title for ch in RAW)


async def test_notifications_quote_user_text_inertly(db):
    sid = sessions.import_workshop(db, hostile_workshop())
    app = app_for(db)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await home(pilot)
        await pilot.press("c")  # copy: the notification quotes the title
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert any("Hostile \\x9b31m day" in text for text in messages)
        assert not any(ch in text for text in messages for ch in RAW)
    assert screen and sid
