"""The phones server of the open session, kept by the session screen.

The server runs on the Textual app's own asyncio loop (no thread): aiohttp's handlers
and the facilitator's keys take turns on one loop. It lives as long as the facilitator
wants it, across stages and the Phones screen, and stops when they stop it, leave the
session or quit. The server calls ``on_event`` on the loop; each event becomes a
``PhonesActivity`` message to the session screen, which redraws at most a few times a
second however many phones vote.
"""

from __future__ import annotations

import time

from textual.message import Message


class PhonesActivity(Message):
    """Something happened on the phones server: "joined", "ballot", "request", "voided", "refused".

    ``ballot``: a named ballot as committed, (round key, participant key, votes), or None."""

    def __init__(self, kind: str, ballot: tuple | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.ballot = ballot


class PhonesLink:
    """Starts and stops one ``PhoneServer`` for ``screen``'s session; remembers how it was started."""

    def __init__(self, screen) -> None:
        self.screen = screen
        self.server = None
        self.started_at: float | None = None
        self.mode = "anonymous"

    @property
    def running(self) -> bool:
        return self.server is not None and bool(self.server.running)

    async def start(self, address: str, port: int, *, mode: str, expected: int | None) -> None:
        """Listen on ``address:port``; ``OSError`` (a busy port, an address gone) leaves nothing behind."""
        from workshop_tui.web.server import PhoneServer  # aiohttp and jinja2: only now

        if self.server is not None:
            await self.stop()
        # round_key None: phones follow the round that is open (a new round needs no restart).
        server = PhoneServer(self.screen.app.db, self.screen.session_id, round_key=None, mode=mode,
                             expected=expected, on_event=self._event)
        await server.start(address, port)
        self.server, self.mode, self.started_at = server, mode, time.monotonic()
        from workshop_tui.heap import freeze_long_lived

        freeze_long_lived()  # aiohttp and Jinja, just imported

    async def stop(self) -> None:
        server, self.server, self.started_at = self.server, None, None
        if server is not None:
            await server.stop()

    def _event(self, event) -> None:
        # Called on the app's loop by the server: hand it to the screen as a message.
        self.screen.post_message(PhonesActivity(event.kind, event.ballot))
