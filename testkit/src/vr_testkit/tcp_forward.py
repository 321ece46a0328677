"""A TCP forwarder: a port on one address relayed to a port on loopback.

The e2e stack listens on loopback only; a participant in a network namespace reaches this
machine at its link's host address. `forwarded(host, port)` listens there and relays every
connection to 127.0.0.1:port, so the namespace opens the app as a colleague on the LAN would.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with source, target, contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)


@contextlib.contextmanager
def forwarded(address: str, upstream_port: int) -> Iterator[int]:
    """Listens on `address` (a free port, yielded) and relays to 127.0.0.1:`upstream_port`."""
    with socket.create_server((address, 0)) as server:

        def accept() -> None:
            while True:
                try:
                    client, _ = server.accept()
                except OSError:
                    return
                backend = socket.create_connection(("127.0.0.1", upstream_port))
                threading.Thread(target=_pipe, args=(client, backend.dup()), daemon=True).start()
                threading.Thread(target=_pipe, args=(backend, client.dup()), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        yield server.getsockname()[1]
