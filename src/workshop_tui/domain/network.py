"""Which of the laptop's addresses phones should be sent to: a pure ranking.

The laptop usually has several IPv4 addresses (Wi-Fi, Ethernet, Docker, a VPN). Phones
can reach only the one on the network they joined, so the facilitator picks; this
orders the list so the likely one comes first. The addresses come from the operating
system's adapter list (services/network.py), never from the host name (Debian answers
127.0.1.1) nor from a UDP "connect" (fails with no default route on an offline hotspot).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Iterable

# The address an operating system gives itself when it runs the hotspot: Windows Mobile
# Hotspot, macOS Internet Sharing. NetworkManager's shared mode is 10.42.<n>.1.
HOTSPOT_ADDRESSES = {"192.168.137.1": "Windows hotspot", "192.168.2.1": "macOS Internet Sharing"}
NETWORKMANAGER_SHARED = ipaddress.IPv4Network("10.42.0.0/16")

# Adapters phones never sit on: containers, virtual machines, VPNs and overlays.
VIRTUAL_PREFIXES = ("docker", "br-", "virbr", "vethernet", "vboxnet", "vmnet", "veth", "tun", "tap",
                    "wg", "utun", "tailscale", "zerotier", "zt", "lxcbr", "lxdbr", "podman", "cni")
CGNAT = ipaddress.IPv4Network("100.64.0.0/10")  # Tailscale and carrier NAT: not a room network

# Tiers, best first.
HOTSPOT, WIFI, PRIVATE, OTHER, VIRTUAL = range(5)
TIER_NOTES = {
    HOTSPOT: "this laptop's hotspot",
    WIFI: "Wi-Fi",
    PRIVATE: "local network",
    OTHER: "not a usual local address",
    VIRTUAL: "virtual adapter (containers, VPN): phones cannot reach it",
}


@dataclass(frozen=True)
class Adapter:
    """One IPv4 address of one network adapter, as the operating system names it."""

    name: str  # e.g. wlan0, en0, "Wi-Fi", docker0
    ip: str
    description: str = ""  # the system's other name for it (on Windows a GUID), also matched


@dataclass(frozen=True)
class Candidate:
    ip: str
    adapter: str
    tier: int

    @property
    def note(self) -> str:
        return TIER_NOTES[self.tier]

    @property
    def label(self) -> str:
        return f"{self.ip}  ({self.adapter}: {self.note})"


def _is_virtual(names: Iterable[str]) -> bool:
    return any(n.lower().replace(" ", "").startswith(VIRTUAL_PREFIXES) for n in names if n)


def _is_wifi(names: Iterable[str]) -> bool:
    for n in names:
        low = (n or "").lower()
        if low.startswith("wl") or low == "en0" or "wi-fi" in low or "wifi" in low or "wireless" in low:
            return True
    return False


def tier_of(adapter: Adapter, ip: ipaddress.IPv4Address) -> int:
    names = (adapter.name, adapter.description)
    if _is_virtual(names) or ip in CGNAT:
        return VIRTUAL
    text = str(ip)
    if text in HOTSPOT_ADDRESSES or (ip in NETWORKMANAGER_SHARED and text.endswith(".1")):
        return HOTSPOT
    if _is_wifi(names) and ip.is_private:
        return WIFI
    return PRIVATE if ip.is_private else OTHER


def usable(ip_text: str) -> ipaddress.IPv4Address | None:
    """The address when phones could ever reach it: IPv4, not loopback, link-local, multicast or 0.0.0.0."""
    try:
        ip = ipaddress.IPv4Address(ip_text)
    except ValueError:
        return None
    if ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return None
    return ip


def rank_addresses(adapters: Iterable[Adapter]) -> list[Candidate]:
    """The usable addresses, the likely one first; each address once (its best adapter)."""
    best: dict[str, tuple[int, int, Candidate]] = {}
    for order, adapter in enumerate(adapters):
        ip = usable(adapter.ip)
        if ip is None:
            continue
        tier = tier_of(adapter, ip)
        candidate = Candidate(str(ip), adapter.name or adapter.description or "?", tier)
        key = (tier, order, candidate)
        if str(ip) not in best or key[:2] < best[str(ip)][:2]:
            best[str(ip)] = key
    # Tier first; within a tier, the order the system listed them (stable, so ties are fair).
    return [c for _t, _o, c in sorted(best.values(), key=lambda k: (k[0], k[1]))]


def choose(candidates: list[Candidate], remembered: str | None) -> Candidate | None:
    """The remembered address when the laptop still has it (a restart keeps the QR valid), else the first."""
    for c in candidates:
        if c.ip == remembered:
            return c
    return candidates[0] if candidates else None
