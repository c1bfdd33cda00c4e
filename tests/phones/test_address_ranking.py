"""Which address phones are sent to: ranked from the adapter list, never from the host name."""

from __future__ import annotations

import ipaddress

from hypothesis import given
from hypothesis import strategies as st

from workshop_tui.domain.network import HOTSPOT, OTHER, PRIVATE, VIRTUAL, WIFI, Adapter, choose, rank_addresses


def ips(adapters):
    return [c.ip for c in rank_addresses(adapters)]


def test_a_linux_laptop_with_docker_and_a_vpn_puts_the_wifi_first():
    listed = [Adapter("lo", "127.0.0.1"), Adapter("eth0", "192.168.1.20"), Adapter("docker0", "172.17.0.1"),
              Adapter("br-3f2a", "172.18.0.1"), Adapter("tailscale0", "100.101.102.103"),
              Adapter("wg0", "10.8.0.2"), Adapter("wlp2s0", "192.168.0.42"), Adapter("virbr0", "192.168.122.1")]
    ranked = rank_addresses(listed)
    assert [c.ip for c in ranked] == ["192.168.0.42", "192.168.1.20", "172.17.0.1", "172.18.0.1",
                                      "100.101.102.103", "10.8.0.2", "192.168.122.1"]
    assert [c.tier for c in ranked[:2]] == [WIFI, PRIVATE] and {c.tier for c in ranked[2:]} == {VIRTUAL}
    assert ranked[0].adapter == "wlp2s0" and "Wi-Fi" in ranked[0].label


def test_hotspot_addresses_come_before_everything():
    # Windows Mobile Hotspot, NetworkManager shared mode, macOS Internet Sharing.
    for hotspot, name in [("192.168.137.1", "Local Area Connection* 10"), ("10.42.0.1", "wlan0"),
                          ("10.42.7.1", "wlx00c0ca"), ("192.168.2.1", "bridge100")]:
        ranked = rank_addresses([Adapter("Wi-Fi", "192.168.1.7"), Adapter(name, hotspot)])
        assert ranked[0].ip == hotspot and ranked[0].tier == HOTSPOT, hotspot
    # 10.42.x.y that is not .1 is a client of someone else's hotspot, not ours.
    assert rank_addresses([Adapter("eth0", "10.42.0.57")])[0].tier == PRIVATE


def test_windows_names_are_matched_on_either_name():
    listed = [Adapter("vEthernet (WSL)", "172.29.64.1", "{8F1A}"), Adapter("Wi-Fi", "192.168.43.5", "{0C2B}"),
              Adapter("Ethernet", "192.168.1.9", "{77AA}"), Adapter("VirtualBox Host-Only", "192.168.56.1", "vboxnet0")]
    ranked = rank_addresses(listed)
    assert [c.ip for c in ranked] == ["192.168.43.5", "192.168.1.9", "172.29.64.1", "192.168.56.1"]
    assert ranked[0].adapter == "Wi-Fi" and ranked[-1].tier == VIRTUAL


def test_macos_en0_and_utun():
    listed = [Adapter("utun3", "10.0.0.2"), Adapter("en5", "192.168.8.10"), Adapter("en0", "192.168.8.11"),
              Adapter("ZeroTier One", "10.147.17.4")]
    assert ips(listed) == ["192.168.8.11", "192.168.8.10", "10.0.0.2", "10.147.17.4"]


def test_loopback_link_local_and_nonsense_are_dropped_and_duplicates_kept_once():
    listed = [Adapter("lo", "127.0.0.1"), Adapter("lo", "127.0.1.1"), Adapter("eth0", "169.254.10.2"),
              Adapter("x", "0.0.0.0"), Adapter("x", "224.0.0.1"), Adapter("x", "fe80::1"), Adapter("x", "300.1.1.1"),
              Adapter("docker0", "192.168.5.5"), Adapter("wlan0", "192.168.5.5")]
    ranked = rank_addresses(listed)
    assert [(c.ip, c.adapter, c.tier) for c in ranked] == [("192.168.5.5", "wlan0", WIFI)]
    assert rank_addresses([]) == []


def test_a_public_address_is_offered_below_private_ones():
    assert [c.tier for c in rank_addresses([Adapter("eth1", "81.2.69.160"), Adapter("eth0", "10.1.2.3")])] == [
        PRIVATE, OTHER]


def test_the_remembered_address_wins_while_the_laptop_still_has_it():
    ranked = rank_addresses([Adapter("wlan0", "192.168.0.42"), Adapter("eth0", "192.168.1.20")])
    assert choose(ranked, "192.168.1.20").ip == "192.168.1.20"
    assert choose(ranked, "10.9.9.9").ip == "192.168.0.42"  # gone (other room): the best one
    assert choose([], "10.9.9.9") is None


names = st.sampled_from(["wlan0", "eth0", "docker0", "Wi-Fi", "en0", "tun0", "vEthernet (Default)", "bridge100"])
addresses = st.ip_addresses(v=4).map(str)


@given(st.lists(st.builds(Adapter, names, addresses), max_size=12))
def test_ranking_is_a_sorted_unique_subset_of_the_usable_addresses(listed):
    ranked = rank_addresses(listed)
    assert len({c.ip for c in ranked}) == len(ranked)
    assert [c.tier for c in ranked] == sorted(c.tier for c in ranked)
    for c in ranked:
        ip = ipaddress.IPv4Address(c.ip)
        assert not (ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast)
        assert any(a.ip == c.ip for a in listed)
    usable = {a.ip for a in listed if not any(getattr(ipaddress.IPv4Address(a.ip), p) for p in (
        "is_loopback", "is_link_local", "is_unspecified", "is_multicast", "is_reserved"))}
    assert {c.ip for c in ranked} == usable
