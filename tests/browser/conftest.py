"""A real browser for the phone pages: Debian's chromium driven by Playwright's Python API.

No browser is downloaded: Playwright launches /usr/bin/chromium (scripts/test.sh installs
Debian's package when it is missing and it may). One browser process serves the whole
folder; each test gets a fresh context (its own cookies) with a phone-sized viewport.
The phone server runs on its own asyncio loop in a thread, on 127.0.0.1 only, because
Playwright's sync API cannot share a thread with a running loop.
"""

from __future__ import annotations

import asyncio
import os
import threading
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("WORKSHOP_TUI_TEST_CHROMIUM", "/usr/bin/chromium")
# Screenshots for people to look at (outside the repository); a temporary folder otherwise.
CAPTURES = os.environ.get("WORKSHOP_TUI_PHONE_CAPTURES")
PHONE = {"width": 360, "height": 760}


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (scripts/test.sh does when root).")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, headless=True,
                                     args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
        yield chromium
        chromium.close()


@pytest.fixture
def phone_page(browser):
    """``phone_page(js=True)``: a page in a fresh mobile context (360 px wide, touch)."""
    contexts = []

    def make(js: bool = True):
        context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True,
                                      java_script_enabled=js, locale="en-GB")
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def captures(tmp_path) -> Path:
    folder = Path(CAPTURES) if CAPTURES else tmp_path / "captures"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class ServerThread:
    """A PhoneServer on a loop of its own, in a daemon thread."""

    def __init__(self, db, session_id: int, **options) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="phone-server", daemon=True)
        self.thread.start()
        self.server = self.call(self._make, db, session_id, options)
        self.call(self.server.start, "127.0.0.1", 0)

    @staticmethod
    async def _make(db, session_id, options):
        from workshop_tui.web.server import PhoneServer

        return PhoneServer(db, session_id, **options)

    def call(self, fn, *args):
        return asyncio.run_coroutine_threadsafe(fn(*args), self.loop).result(timeout=60)

    def close(self) -> None:
        self.call(self.server.stop)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=30)
        self.loop.close()


@pytest.fixture
def serve():
    """``serve(db, session_id, **options)`` -> a running PhoneServer on 127.0.0.1."""
    running: list[ServerThread] = []

    def start(db, session_id, **options):
        thread = ServerThread(db, session_id, **options)
        running.append(thread)
        return thread.server

    yield start
    for thread in running:
        thread.close()
