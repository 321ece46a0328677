"""The namespaces tests put participants in: reachability, NAT, dropped UDP, loss, rate, cleanup."""

from __future__ import annotations

import ipaddress
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from vr_testkit import netns


@pytest.fixture
def udp_echo() -> Iterator[socket.socket]:
    """A UDP socket on all addresses that answers each datagram with the sender's address."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("0.0.0.0", 0))
        yield sock


def _send_udp(ns: netns.Namespace, address: str, port: int, count: int) -> int:
    """Datagrams sent from inside the namespace; a dropped one fails with EPERM, which is fine."""
    code = (
        "import socket,sys\n"
        "s=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
        f"for _ in range({count}):\n"
        f" try: s.sendto(b'x',('{address}',{port}))\n"
        " except PermissionError: pass\n"
    )
    return subprocess.run(ns.exec_args(["python3", "-c", code]), check=True).returncode


def _received(sock: socket.socket, timeout: float = 1.0) -> list[str]:
    sock.settimeout(timeout)
    senders = []
    with_timeout = True
    while with_timeout:
        try:
            senders.append(sock.recvfrom(16)[1][0])
        except TimeoutError:
            with_timeout = False
    return senders


def test_namespace_reaches_host_from_its_own_address(udp_echo: socket.socket) -> None:
    with netns.participant_namespace() as ns:
        _send_udp(ns, ns.host_address, udp_echo.getsockname()[1], 3)
        assert _received(udp_echo) == [ns.address] * 3
        assert ns.address != ns.host_address


def test_nat_hides_the_participant_address(udp_echo: socket.socket) -> None:
    with netns.participant_namespace(nat=True) as ns:
        _send_udp(ns, ns.host_address, udp_echo.getsockname()[1], 2)
        senders = _received(udp_echo)
        assert len(senders) == 2
        assert ns.address not in senders
        # The router's host-facing address, on the host's own link, is all the host sees.
        link = ipaddress.IPv4Network(f"{ns.host_address}/30", strict=False)
        assert all(ipaddress.IPv4Address(sender) in link for sender in senders)


def test_drop_udp_blocks_udp_until_allowed(udp_echo: socket.socket) -> None:
    port = udp_echo.getsockname()[1]
    with netns.participant_namespace() as ns:
        ns.drop_udp()
        _send_udp(ns, ns.host_address, port, 3)
        assert _received(udp_echo) == []
        ns.allow_udp()
        _send_udp(ns, ns.host_address, port, 3)
        assert len(_received(udp_echo)) == 3


def test_random_loss_drops_some_not_all(udp_echo: socket.socket) -> None:
    with netns.participant_namespace() as ns:
        ns.add_loss(0.5)
        _send_udp(ns, ns.host_address, udp_echo.getsockname()[1], 400)
        received = len(_received(udp_echo))
        # Binomial(400, 0.5): outside 120..280 has probability far below 1e-15.
        assert 120 < received < 280


def test_rate_limit_installs_a_token_bucket() -> None:
    with netns.participant_namespace() as ns:
        ns.limit_rate("1mbit")
        qdisc = ns.run(["tc", "qdisc", "show", "dev", ns.interface]).stdout
        assert "tbf" in qdisc and "rate 1Mbit" in qdisc


def test_chromium_wrapper_runs_inside_the_namespace(tmp_path: Path) -> None:
    with netns.participant_namespace() as ns:
        wrapper = ns.chromium_wrapper(tmp_path, binary="/usr/bin/ip")
        shown = subprocess.run(
            [str(wrapper), "-4", "addr"], capture_output=True, text=True, check=True
        )
        assert ns.address in shown.stdout


def test_teardown_removes_namespaces_even_after_a_failure() -> None:
    names = []
    with pytest.raises(RuntimeError), netns.participant_namespace(nat=True) as ns:
        names = [ns.name, f"{ns.name}-r"]
        raise RuntimeError("test failed")
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    assert not set(names) & set(listed.stdout.split())


def test_leftovers_of_a_dead_run_are_removed() -> None:
    # A pid far above pid_max's default cannot belong to a live process.
    name = f"{netns.PREFIX}99999999-0"
    subprocess.run(["ip", "netns", "add", name], check=True)
    try:
        assert name in netns.remove_leftovers()
    finally:
        subprocess.run(["ip", "netns", "delete", name], capture_output=True, check=False)
    listed = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True, check=True)
    assert name not in listed.stdout.split()
