"""The sockets a process holds, read from /proc (what `ss -uanp` shows, without parsing ss)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path


def _socket_inodes(pid: int) -> set[str]:
    inodes = set()
    fd_dir = Path(f"/proc/{pid}/fd")
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(fd_dir / fd)
        except FileNotFoundError:  # closed since the listing
            continue
        if target.startswith("socket:["):
            inodes.add(target[len("socket:[") : -1])
    return inodes


def _address(hex_address: str) -> tuple[str, int]:
    host, port = hex_address.split(":")
    raw = bytes.fromhex(host)
    # /proc prints each 32-bit word of the address in the host's (little-endian) order.
    words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return str(ipaddress.ip_address(words)), int(port, 16)


def udp_sockets(pid: int) -> list[tuple[str, int]]:
    """`(local address, local port)` of every UDP socket process `pid` holds (IPv4 and IPv6)."""
    inodes = _socket_inodes(pid)
    found = []
    for table in ("udp", "udp6"):
        path = Path(f"/proc/{pid}/net/{table}")
        if not path.exists():
            continue
        for line in path.read_text().splitlines()[1:]:
            fields = line.split()
            if fields[9] in inodes:
                found.append(_address(fields[1]))
    return found
