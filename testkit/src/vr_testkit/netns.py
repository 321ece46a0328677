"""Network namespaces for tests: a participant on "another host", optionally behind NAT.

    with participant_namespace(nat=True) as ns:
        ns.drop_udp()                       # or ns.add_loss(0.1) / ns.limit_rate("1mbit")
        chromium = ns.chromium_wrapper(tmp_path)   # Playwright's executable_path
        ns.run(["curl", f"http://{ns.host_address}:{port}/"])

The namespace reaches this machine at `ns.host_address` (the host end of a veth pair), so a
server under test must listen on that address (or 0.0.0.0), not only on loopback. With
`nat=True` a second namespace sits between them as a router that masquerades: the host sees
the router's address, never the participant's, as behind a home router.

Addresses come from 10.X.Y.0/24 with X.Y derived from the pid, one /30 per link, so parallel
runs do not collide. Every rule lives inside the namespaces, so deleting them (always, on
exit of the context manager) removes everything; `remove_leftovers()` deletes namespaces of
earlier runs whose process is gone (a crashed or killed run). Needs root, `ip`, `iptables`, `tc`.
"""

from __future__ import annotations

import contextlib
import ipaddress
import itertools
import os
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

PREFIX = "vrt-"
_counter = itertools.count()


def _sh(args: Sequence[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(list(args), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: {result.stderr.strip()}")
    return result


def _link_addresses(index: int) -> tuple[str, str]:
    """The two usable addresses of this run's /30 number `index` (64 per run)."""
    pid = os.getpid()
    base = ipaddress.IPv4Address(f"10.{100 + (pid >> 8) % 150}.{pid % 256}.0")
    first = base + 4 * (index % 64)
    return str(first + 1), str(first + 2)


@dataclass
class Namespace:
    """A participant's namespace; `host_address` is where it reaches this machine."""

    name: str
    address: str
    host_address: str
    interface: str
    _others: list[str] = field(default_factory=list)

    def exec_args(self, args: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.name, *args]

    def run(self, args: Sequence[str]) -> subprocess.CompletedProcess[str]:
        """Run a command inside the namespace; raises when it fails."""
        return _sh(self.exec_args(args))

    def drop_udp(self) -> None:
        """Drop every UDP packet from and to the participant (TCP still works)."""
        for chain in ("INPUT", "OUTPUT"):
            self.run(["iptables", "-A", chain, "-p", "udp", "-j", "DROP"])

    def allow_only_tcp_to(self, ports: Sequence[int]) -> None:
        """Refuse every TCP connection the participant opens except to `ports` (a firewall
        that lets only web traffic out); with `drop_udp`, a corporate network at its worst."""
        allowed = ",".join(str(port) for port in ports)
        self.run(
            [
                *("iptables", "-A", "OUTPUT", "!", "-o", "lo", "-p", "tcp", "-m", "multiport"),
                *("!", "--dports", allowed, "-j", "REJECT", "--reject-with", "tcp-reset"),
            ]
        )

    def redirect_tcp(self, address: str, port: int, to_port: int) -> None:
        """In the NAT router: connections to `address:port` go to `address:to_port` (so a
        server on a free port looks like one on, e.g., 443 to the participant)."""
        if not self._others:
            raise RuntimeError("redirect_tcp needs the router of participant_namespace(nat=True)")
        _in(
            self._others[0],
            [
                *("iptables", "-t", "nat", "-A", "PREROUTING", "-p", "tcp", "-d", address),
                *("--dport", str(port), "-j", "DNAT", "--to-destination", f"{address}:{to_port}"),
            ],
        )

    def allow_udp(self) -> None:
        """Undo `drop_udp`."""
        for chain in ("INPUT", "OUTPUT"):
            self.run(["iptables", "-D", chain, "-p", "udp", "-j", "DROP"])

    def add_loss(self, probability: float) -> None:
        """Drop each packet in and out of the participant at random (the kernel has no netem)."""
        for chain in ("INPUT", "OUTPUT"):
            self.run(
                [
                    *("iptables", "-A", chain, "-m", "statistic", "--mode", "random"),
                    *("--probability", f"{probability:.4f}", "-j", "DROP"),
                ]
            )

    def limit_rate(self, rate: str, burst: str = "32kbit", latency: str = "100ms") -> None:
        """Cap what the participant sends (token bucket on its interface), e.g. rate="1mbit"."""
        self.run(
            [
                *("tc", "qdisc", "replace", "dev", self.interface, "root", "tbf"),
                *("rate", rate, "burst", burst, "latency", latency),
            ]
        )

    def chromium_wrapper(self, directory: Path, binary: str = "/usr/bin/chromium") -> Path:
        """An executable running Chromium inside the namespace: Playwright's executable_path."""
        path = directory / f"chromium-{self.name}"
        path.write_text(f'#!/bin/sh\nexec ip netns exec {self.name} {binary} "$@"\n')
        path.chmod(0o755)
        return path

    def remove(self) -> None:
        for name in (self.name, *self._others):
            subprocess.run(["ip", "netns", "delete", name], capture_output=True, check=False)


def _pid_of(name: str) -> int | None:
    with contextlib.suppress(ValueError, IndexError):
        return int(name[len(PREFIX) :].split("-")[0])
    return None


def remove_leftovers() -> list[str]:
    """Delete namespaces of this kit's earlier runs whose process is gone; returns their names."""
    listing = _sh(["ip", "netns", "list"]).stdout.split()
    removed = []
    for name in listing:
        pid = _pid_of(name) if name.startswith(PREFIX) else None
        if pid is None or pid == os.getpid() or Path(f"/proc/{pid}").exists():
            continue
        subprocess.run(["ip", "netns", "delete", name], capture_output=True, check=False)
        removed.append(name)
    return removed


def _veth(outer_ns: str | None, inner_ns: str, outer: str, inner: str) -> None:
    """A veth pair `outer` (in `outer_ns`, or the host) <-> `inner` (in `inner_ns`), both up."""
    _sh(["ip", "link", "add", outer, "type", "veth", "peer", "name", inner])
    _sh(["ip", "link", "set", inner, "netns", inner_ns])
    if outer_ns is not None:
        _sh(["ip", "link", "set", outer, "netns", outer_ns])


def _in(ns: str | None, args: Sequence[str]) -> None:
    _sh(["ip", "netns", "exec", ns, *args] if ns else list(args))


def _address(ns: str | None, interface: str, address: str) -> None:
    _in(ns, ["ip", "addr", "add", f"{address}/30", "dev", interface])
    _in(ns, ["ip", "link", "set", interface, "up"])


@contextlib.contextmanager
def participant_namespace(nat: bool = False) -> Iterator[Namespace]:
    """A fresh namespace linked to this machine (through a masquerading router if `nat`)."""
    remove_leftovers()
    n = next(_counter)
    pid = os.getpid()
    name = f"{PREFIX}{pid}-{n}"
    router = f"{name}-r"
    host_if, link_if = f"vrt{pid}h{n}", f"vrt{pid}n{n}"
    host_side, far_side = _link_addresses(2 * n)
    namespace = Namespace(name, far_side, host_side, link_if)
    try:
        _sh(["ip", "netns", "add", name])
        _in(name, ["ip", "link", "set", "lo", "up"])
        if not nat:
            _veth(None, name, host_if, link_if)
            _address(None, host_if, host_side)
            _address(name, link_if, far_side)
            _in(name, ["ip", "route", "add", "default", "via", host_side])
            yield namespace
            return
        namespace._others.append(router)
        _sh(["ip", "netns", "add", router])
        router_up = f"vrt{pid}u{n}"
        _veth(None, router, host_if, router_up)
        _address(None, host_if, host_side)
        _address(router, router_up, far_side)
        _in(router, ["ip", "route", "add", "default", "via", host_side])
        inside_router, inside = _link_addresses(2 * n + 1)
        router_down = f"vrt{pid}d{n}"
        _veth(router, name, router_down, link_if)
        _address(router, router_down, inside_router)
        _address(name, link_if, inside)
        _in(name, ["ip", "route", "add", "default", "via", inside_router])
        _in(router, ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        masquerade = ["-t", "nat", "-A", "POSTROUTING", "-o", router_up, "-j", "MASQUERADE"]
        _in(router, ["iptables", *masquerade])
        namespace.address = inside
        yield namespace
    finally:
        namespace.remove()
