"""Keys typed ahead land where the keys before them left the focus.

Textual hands each key to the widget focused at the moment the app takes it from its
queue, then lets that widget handle it in its own time. Keys that arrive together
(a fast typist, a burst from the terminal) are therefore all handed to the same widget:
Tab then "Switch walk" sent the title to the Method list, which dropped it, and the
Title box stayed empty; Enter then "3" in a form that moves on at Enter put the 3 in
the field just left. So the app takes one key at a time: the next waits until the one
before has been handled (it came back to the app, or a widget stopped it) and the
screen has settled once more, so a focus move, a new form or a closed dialog is in
place first. A key that never comes back (its widget went away) holds the next one
for at most ``TYPEAHEAD_WAIT_S``. Arrows, and characters a box took, let the next key go
as soon as they are handled if the focus stayed put, so held arrows keep up with key
repeat. A key that arrives alone is handed on at once, as Textual does.
"""

from __future__ import annotations

import time
from collections import deque

from textual import events
from textual.app import App


class TypeAhead(App):
    """An app that hands keys to its widgets one at a time (see the module's note)."""

    TYPEAHEAD_WAIT_S = 0.5
    # A check also runs on a timer: a callback waiting for a screen's refresh is lost when
    # the key it waits for closes that screen (Escape on a dialog), and the keys after it
    # must not wait for ever.
    TYPEAHEAD_TICK_S = 0.05
    # Keys that move within a widget (a table's cursor, a list's highlight), never the focus.
    MOVES_WITHIN = frozenset({"up", "down", "left", "right", "pageup", "pagedown", "home", "end"})

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._typed_ahead: deque[events.Key] = deque()
        self._key_in_hand: events.Key | None = None
        self._key_target = None
        self._key_screen = None
        self._key_taken_at = 0.0
        self._key_back = False
        self._key_done_at: float | None = None
        self._key_followed = False
        self._key_tick = None

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._typed_ahead or not self._finished():
                self._typed_ahead.append(event)
                if self._key_in_hand is not None:
                    self._follow(self._key_in_hand)
                return
            await self._take_key(event)
            return
        await super().on_event(event)

    async def _take_key(self, event: events.Key) -> None:
        self._key_in_hand, self._key_taken_at, self._key_back, self._key_done_at = event, time.monotonic(), False, None
        self._key_followed = False
        self._key_target = self.focused or self.screen
        self._key_screen = self.screen
        await super().on_event(event)  # a priority binding, or on to the focused widget
        if not event.is_forwarded:
            self._key_back = True  # handled here and now by a priority binding
        if self._typed_ahead:
            self._follow(event)

    def _finished(self) -> bool:
        """The key in hand, if any, was handled a moment ago and left nothing queued: a key
        arriving now is typed on its own and goes at once, as Textual would hand it on."""
        event = self._key_in_hand
        if event is None:
            return True
        age = time.monotonic() - self._key_taken_at
        if age > self.TYPEAHEAD_WAIT_S:
            return True
        # A box's own news (its cursor blinking, Changed) moves no focus: a character it took
        # needs no quiet queues, anything else does, and a moment for the screen to settle.
        return (self._key_back or event._stop_propagation) and (
            self._stays(event)
            or (age > self.TYPEAHEAD_TICK_S and self._quiet(self._key_target) and self._quiet(self.focused)))

    def _follow(self, event: events.Key) -> None:
        """Watch the key in hand until the next one may go (only while keys wait)."""
        if self._key_followed:
            return
        self._key_followed = True
        if self._key_tick is None:
            self._key_tick = self.set_interval(self.TYPEAHEAD_TICK_S, self._tick)
        self.call_later(self._check, event)

    async def _tick(self) -> None:
        if self._key_in_hand is not None:
            await self._check(self._key_in_hand, tick=True)

    def _on_key(self, event: events.Key) -> None:
        # A forwarded key that bubbled back up. Textual calls every class's _on_key in
        # turn, App's (which runs the bindings) right after this one, within the same
        # message: by the time the screen settles, the binding's action has run.
        if event is self._key_in_hand:
            self._key_back = True
            if self._typed_ahead:
                self.call_later(self._check, event)  # after the bindings below have run

    async def _check(self, event: events.Key, tick: bool = False) -> None:
        if event is not self._key_in_hand:
            return  # already let go (a refresh callback and a tick both asked)
        now = time.monotonic()
        late = now - self._key_taken_at > self.TYPEAHEAD_WAIT_S
        if self._key_done_at is None:
            handled = self._key_back or event._stop_propagation
            # An arrow's own news (a row highlighted) may still be queued: it moves no focus.
            quiet = event.key in self.MOVES_WITHIN or (self._quiet(self._key_target) and self._quiet(self.focused))
            if not ((handled and quiet) or late):
                if not tick:
                    self.call_after_refresh(self._check, event)
                return
            self._key_done_at = now
            if self._stays(event):
                await self._next_key()  # an arrow in a table, a letter taken by a box
                return
            if not tick:
                # The focus or the screen moved: the next refresh settles it (a form's next
                # box, a dialog opened or closed) before the next key goes.
                self.call_after_refresh(self._check, event)
            return
        if tick and now - self._key_done_at < self.TYPEAHEAD_TICK_S and not late:
            return
        await self._next_key()

    def _stays(self, event: events.Key) -> bool:
        """A key that moved nothing but within its widget: the next key may go at once.

        Held arrows on a 300-row grid would otherwise wait a frame each (1.3 s for 30 keys
        against 0.3 s). A key that ran a binding may have started something not seen yet
        (Escape's dialog closes a moment later; a box's Enter moves the focus when the form
        hears of it), so only a character a widget took for itself, or a key that moves
        within a widget, counts, and only if the focus is still there."""
        still = self.screen is self._key_screen and (self.focused or self.screen) is self._key_target
        return still and ((event._stop_propagation and event.is_printable) or event.key in self.MOVES_WITHIN)

    def _quiet(self, widget) -> bool:
        """Nothing waiting in the queues from ``widget`` up to its screen: what the key set
        off there (an Enter's Submitted on its way to the form that moves the focus) is done.
        The app's own queue is left out: new keys and workers' news arrive there all the time."""
        node = widget
        while node is not None and node is not self:
            if not node._message_queue.empty():
                return False
            node = node._parent
        return True

    async def _next_key(self) -> None:
        self._key_in_hand = self._key_target = self._key_screen = None
        if self._typed_ahead:
            # Behind what the app has queued already: a dialog's on_mount asks for its
            # focus through the app's queue (Widget.focus), and the next key must find it.
            self.call_later(self._take_waiting)
        elif self._key_tick is not None:
            self._key_tick.stop()
            self._key_tick = None

    async def _take_waiting(self) -> None:
        if self._key_in_hand is None and self._typed_ahead:
            await self._take_key(self._typed_ahead.popleft())
