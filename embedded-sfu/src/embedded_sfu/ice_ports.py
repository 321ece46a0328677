"""Where the embedded SFU's media sockets live: a fixed UDP port range, and the address it
advertises when it sits behind 1:1 NAT (a cloud VM whose public address is not on any of its
interfaces).

aioice (0.13) binds each host candidate's socket to port 0, so the kernel picks any ephemeral
port and no firewall rule can be written for the SFU. `IcePolicy.apply` replaces one aioice
`Connection`'s host-candidate step (`get_component_candidates`, a public method of aioice that
`gather_candidates` calls per component) with ours: the same host candidates, each socket bound
to a free port of the range, plus, with an advertised address, a second host candidate per
socket carrying that address (so a browser on the LAN still reaches the private one, and one
outside reaches the public one, which the NAT maps to the same socket). The SFU gathers no
server-reflexive candidates with a range: the advertised address takes their place.
"""

from __future__ import annotations

import asyncio
import copy
import errno
import functools
import ipaddress
import logging
import socket
from dataclasses import dataclass, field

from aioice import Candidate, Connection
from aioice.candidate import candidate_foundation, candidate_priority
from aioice.ice import StunProtocol
from aioice.turn import UDP_SOCKET_BUFFER_SIZE

from embedded_sfu import aiortc_hooks

logger = logging.getLogger(__name__)


class PortRangeExhausted(OSError):
    """Every port of the range is taken on an address (too many participants for the range)."""


@dataclass(frozen=True)
class PortRange:
    first: int
    last: int

    def __post_init__(self) -> None:
        if not 1024 <= self.first <= self.last <= 65535:
            raise ValueError(f"{self.first}-{self.last} is not a port range within 1024-65535")

    @classmethod
    def parse(cls, text: str) -> PortRange:
        """`"50000-50199"` (both ends included) or one port `"50000"`."""
        first, _, last = text.strip().partition("-")
        try:
            return cls(int(first), int(last or first))
        except ValueError as exc:
            raise ValueError(f"{text!r}: expected FIRST-LAST, e.g. 50000-50199 ({exc})") from exc

    def __len__(self) -> int:
        return self.last - self.first + 1

    def __contains__(self, port: object) -> bool:
        return isinstance(port, int) and self.first <= port <= self.last


@dataclass
class IcePolicy:
    """How the SFU's ICE connections bind and advertise host candidates."""

    ports: PortRange | None = None
    advertised_ip: str | None = None
    # Where the next search starts, per local address: ports are handed out round-robin, so a
    # port just released (its old peer's packets may still arrive) is the last one reused.
    _cursor: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.advertised_ip is not None:
            ipaddress.ip_address(self.advertised_ip)  # raises ValueError on a bad address

    @property
    def active(self) -> bool:
        return self.ports is not None or self.advertised_ip is not None

    def apply(self, connection: Connection) -> None:
        """Make `connection` gather its host candidates our way (before it gathers)."""
        if not self.active:
            return
        ranged = functools.partial(self._component_candidates, connection)
        connection.get_component_candidates = ranged  # type: ignore[method-assign]

    async def _component_candidates(
        self,
        connection: Connection,
        component: int,
        addresses: list[str],
        timeout: int = 5,  # noqa: ASYNC109 - aioice's signature, passed on to aioice
    ) -> list[Candidate]:
        candidates: list[Candidate] = []
        if self.ports is None:
            # Ephemeral ports as aioice binds them; only the advertised copies are ours.
            found = await Connection.get_component_candidates(
                connection, component, addresses, timeout
            )
            return found + self._advertised_copies(found)
        for address in addresses:
            try:
                protocol = await self._bind(connection, address)
            except PortRangeExhausted:
                logger.error(
                    "no free UDP port for a participant's media",
                    extra={"address": address, "ports": f"{self.ports.first}-{self.ports.last}"},
                )
                continue
            except OSError as exc:
                logger.info("could not bind %s: %s", address, exc)
                continue
            host, port = protocol.transport.get_extra_info("sockname")[:2]
            protocol.local_candidate = Candidate(
                foundation=candidate_foundation("host", "udp", host),
                component=component,
                transport="udp",
                priority=candidate_priority(component, "host"),
                host=host,
                port=port,
                type="host",
            )
            aiortc_hooks.add_host_protocol(connection, protocol)
            candidates.append(protocol.local_candidate)
        # A TURN server of the SFU's own, if configured, still gives a relayed candidate.
        relayed = await Connection.get_component_candidates(connection, component, [], timeout)
        return candidates + self._advertised_copies(candidates) + relayed

    def _advertised_copies(self, candidates: list[Candidate]) -> list[Candidate]:
        if self.advertised_ip is None:
            return []
        version = ipaddress.ip_address(self.advertised_ip).version
        copies = []
        for candidate in candidates:
            if candidate.type != "host" or ipaddress.ip_address(candidate.host).version != version:
                continue
            advertised = copy.copy(candidate)
            advertised.host = self.advertised_ip
            advertised.foundation = candidate_foundation("host", "udp", self.advertised_ip)
            # Just below the private one: a browser that can reach both prefers the LAN path.
            advertised.priority = candidate.priority - 1
            copies.append(advertised)
        return copies

    async def _bind(self, connection: Connection, address: str) -> StunProtocol:
        assert self.ports is not None
        loop = asyncio.get_running_loop()
        family = socket.AF_INET6 if ":" in address else socket.AF_INET
        start = self._cursor.get(address, 0)
        for step in range(len(self.ports)):
            offset = (start + step) % len(self.ports)
            sock = socket.socket(family, socket.SOCK_DGRAM)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, UDP_SOCKET_BUFFER_SIZE)
                sock.bind((address, self.ports.first + offset))
            except OSError as exc:
                sock.close()
                if exc.errno == errno.EADDRINUSE:
                    continue
                raise
            self._cursor[address] = offset + 1
            _, protocol = await loop.create_datagram_endpoint(
                lambda: StunProtocol(connection), sock=sock
            )
            return protocol
        raise PortRangeExhausted(f"every port of {self.ports.first}-{self.ports.last} is in use")
