"""The laptop's IPv4 addresses, ranked for phones (the ranking itself is pure: domain/network.py).

ifaddr reads the adapter list from the operating system (no network traffic, works with
no internet and no default route). Imported here, inside the function, so nothing pays
for it until the Phones screen or command asks.
"""

from __future__ import annotations

from workshop_tui.domain.network import Adapter, Candidate, rank_addresses


def adapters() -> list[Adapter]:
    """Every IPv4 address of every adapter, in the system's order."""
    import ifaddr

    found: list[Adapter] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            if isinstance(ip.ip, str):  # IPv6 addresses come as tuples
                found.append(Adapter(name=str(adapter.nice_name or adapter.name), ip=ip.ip,
                                     description=str(adapter.name)))
    return found


def address_candidates() -> list[Candidate]:
    """The addresses phones might reach, the likely one first (may be empty: no network)."""
    return rank_addresses(adapters())
