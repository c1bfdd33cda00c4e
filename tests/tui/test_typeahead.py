"""Keys typed ahead land where the keys before them moved the focus (tui/typeahead.py).

The keys are put in the app's queue all at once, as a terminal delivers a burst, before
the app has handled the first: without type-ahead the second and later keys went to the
widget focused before, so a title typed straight after Tab vanished and a value typed
straight after Enter joined the field just left."""

from __future__ import annotations

from contextlib import asynccontextmanager

from settle import settle
from stage_b_support import open_stage, small_session
from textual import events
from textual.widgets import Input

from workshop_tui.services import sessions
from workshop_tui.tui.app import WorkshopApp


def burst(app, *keys: str) -> None:
    """Queue every key at once (a character key is its own character)."""
    named = {"tab": "\t", "enter": "\r", "space": " "}
    for key in keys:
        char = named.get(key, key if len(key) == 1 else None)
        app.post_message(events.Key("space" if key == " " else key, char))


@asynccontextmanager
async def form_open(db, stage: str, opens: str, focused: str):
    """The app on ``stage`` of a small session with the pane's form ``opens`` open, its
    ``focused`` box focused; yields (app, pilot, session id, the session screen)."""
    sid = small_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stage(app, pilot, sid, stage)
        getattr(screen.pane(stage), opens)()
        await settle(pilot, until=lambda: app.focused is not None and app.focused.id == focused,
                     what=f"the form with {focused} focused")
        yield app, pilot, sid, screen


def value(app, box: str) -> str:
    return app.screen.query_one(f"#{box}", Input).value


async def test_a_title_typed_straight_after_tab_lands_in_the_title_box(db):
    async with form_open(db, "voting", "action_new_round", "round-method") as (app, pilot, _sid, _screen):
        burst(app, "tab", *"Switch walk", "tab", "tab", "9")
        await settle(pilot, until=lambda: value(app, "round-title") == "Switch walk",
                     what="the title typed after Tab in the Title box")
        assert value(app, "round-cap") == "9"


async def test_a_value_typed_straight_after_enter_lands_in_the_next_box(db):
    async with form_open(db, "initiatives", "action_add", "f-title") as (app, pilot, _sid, _screen):
        burst(app, *"Robotic pharmacy", "enter", *"Automated dispensing", "enter", *"Chief pharmacist")
        await settle(pilot, until=lambda: value(app, "f-owner") == "Chief pharmacist",
                     what="the owner typed after the second Enter in the Owner box")
        assert (value(app, "f-title"), value(app, "f-description")) == ("Robotic pharmacy", "Automated dispensing")


async def test_a_key_typed_straight_after_escape_closes_a_form_reaches_the_stage_beneath(db):
    """The key that closes a dialog also drops what was waiting for the dialog to settle;
    the keys behind it still go, to the screen now in front."""
    async with form_open(db, "voting", "action_new_round", "round-method") as (app, pilot, sid, screen):
        burst(app, "tab", *"Never made", "escape", "7")
        await settle(pilot, until=lambda: app.screen is screen and screen.current == "results",
                     what="the form closed and the Results stage shown")
        assert [r.title for r in sessions.load(db, sid).rounds if r.title == "Never made"] == []


async def test_keys_typed_straight_after_the_key_that_opens_a_form_land_in_the_form(db):
    """The form asks for its focus as it mounts, through the app's queue: the keys behind
    the one that opened it wait for that focus, then fill the form and save it."""
    sid = small_session(db)
    app = WorkshopApp(db=db, load_samples_when_empty=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_stage(app, pilot, sid, "voting")
        burst(app, "n", "tab", *"Opened and typed", "ctrl+s")
        await settle(pilot, until=lambda: any(r.title == "Opened and typed" for r in sessions.load(db, sid).rounds),
                     what="the round made with the title typed in the burst")


async def test_keys_typed_one_by_one_are_handed_on_at_once(db, monkeypatch):
    """Only keys that arrive while the one before is still being handled wait: a key typed on
    its own, once the last one has been handled, goes straight on as Textual hands it."""
    followed = []
    follow = WorkshopApp._follow
    monkeypatch.setattr(WorkshopApp, "_follow", lambda self, event: followed.append(event.key) or follow(self, event))
    async with form_open(db, "initiatives", "action_add", "f-title") as (app, pilot, _sid, _screen):
        for key in "Slow":
            await settle(pilot, until=app._finished, what="the key before handled")
            burst(app, key)
            await settle(pilot, until=lambda: value(app, "f-title").endswith(key), what=f"{key} in the Title box")
        assert value(app, "f-title") == "Slow" and followed == []
