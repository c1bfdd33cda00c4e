"""The phone server's guards, pure and stdlib-only: join codes, CSRF tokens, the Host
allowlist and per-address token buckets (docs/phones.md; the brief's threat model:
someone in the room voting twice, someone on the Wi-Fi who did not see the screen,
another host on the LAN trying CSRF or DNS rebinding)."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass, field

from workshop_tui.services.phones import CROCKFORD, normalise_code, show_code

JOIN_LENGTH = 6  # K7Q-X3F: 30 bits, typed from the screen when the QR code will not scan


def new_join_code() -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(JOIN_LENGTH))


def join_code_matches(typed: str, code: str) -> bool:
    """A join code as typed or scanned (case, dashes, o->0, i/l->1 forgiven), compared in constant time."""
    return hmac.compare_digest(normalise_code(typed).encode(), code.encode())


def shown_join_code(code: str) -> str:
    return show_code(code)


TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{43}")  # what token_urlsafe(32) makes


def new_device_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """How the server refers to a device: never the token itself."""
    return hashlib.sha256(("workshop-tui device:" + token).encode()).hexdigest()


def csrf_token(server_key: bytes, device_token: str) -> str:
    """The synchronizer token a device's forms carry: an HMAC of its token under the server's key."""
    return hmac.new(server_key, device_token.encode(), hashlib.sha256).hexdigest()


def csrf_ok(server_key: bytes, device_token: str, sent: str) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(server_key, device_token).encode(), sent.encode())


def allowed_hosts(address: str, port: int) -> frozenset[str]:
    """The Host headers the server answers: its own address and port, and loopback (the
    facilitator previewing on the laptop). Anything else is DNS rebinding or a stray: 421."""
    own = {f"{address}:{port}", f"127.0.0.1:{port}", f"localhost:{port}"}
    if port == 80:
        own |= {address, "127.0.0.1", "localhost"}
    return frozenset(own)


def origin_ok(origin: str | None, host: str) -> bool:
    """A POST's Origin must be this server (a browser always sends it on a form POST;
    a missing one leaves the CSRF token as the guard)."""
    if origin is None:
        return True
    return origin == f"http://{host}"


def is_loopback(ip: str | None) -> bool:
    return bool(ip) and (ip.startswith("127.") or ip == "::1" or ip == "localhost")


@dataclass
class Buckets:
    """Token buckets per client address, in memory only (never written anywhere)."""

    burst: float
    per_second: float
    _state: dict[str, tuple[float, float]] = field(default_factory=dict)

    def has(self, who: str, now: float | None = None) -> bool:
        """Would ``take`` succeed (without taking)?"""
        now = time.monotonic() if now is None else now
        tokens, last = self._state.get(who, (self.burst, now))
        return min(self.burst, tokens + (now - last) * self.per_second) >= 1

    def take(self, who: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        tokens, last = self._state.get(who, (self.burst, now))
        tokens = min(self.burst, tokens + (now - last) * self.per_second)
        if tokens < 1:
            self._state[who] = (tokens, now)
            return False
        self._state[who] = (tokens - 1, now)
        if len(self._state) > 10_000:  # a flood of addresses: forget the oldest
            for key in list(self._state)[:5_000]:
                del self._state[key]
        return True
