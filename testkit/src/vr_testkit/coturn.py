"""A real coturn (`turnserver`, Debian's package) for a test, on config/turnserver.conf."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vr_testkit.certs import self_signed
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port, free_udp_range, render_config

TLS_NAME = "turn.video-rooms.test"


def turnserver_binary() -> str:
    found = shutil.which("turnserver") or "/usr/bin/turnserver"
    if not Path(found).exists():
        raise RuntimeError("turnserver not found: run `make setup` (apt package coturn)")
    return found


def rest_credentials(secret: str, user: str, ttl_seconds: int) -> tuple[str, str]:
    """coturn's shared-secret REST scheme, written out independently of the SFU's code so a
    test can hold the SFU's credentials to it: username `expiry:user`, password
    base64(HMAC-SHA1(secret, username))."""
    username = f"{int(time.time()) + ttl_seconds}:{user}"
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return username, base64.b64encode(digest).decode()


@dataclass
class Coturn:
    """coturn listening on `address` (TURN/UDP and TURN/TCP on `port`, TURN/TLS on `tls_port`),
    relaying only to `allowed_peer`."""

    address: str = "127.0.0.1"
    allowed_peer: str = "127.0.0.1"
    external_ip: str | None = None
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    port: int = field(default_factory=free_port)
    tls_port: int = field(default_factory=free_port)
    relay_start: int = field(default_factory=lambda: free_udp_range(20))
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vr-coturn-")))
    process: ManagedProcess | None = None

    def config(self) -> str:
        cert = self_signed(self.workdir, TLS_NAME, ip=self.address)
        env = {
            "TURN_LISTEN_ADDRESS": self.address,
            "TURN_EXTERNAL_IP": self.external_ip or self.address,
            "TURN_PORT": str(self.port),
            "TURN_TLS_PORT": str(self.tls_port),
            "TURN_CERT_FILE": str(cert.cert_file),
            "TURN_KEY_FILE": str(cert.key_file),
            "TURN_RELAY_PORT_START": str(self.relay_start),
            "TURN_RELAY_PORT_END": str(self.relay_start + 19),
            "TURN_REALM": "video-rooms.test",
            "TURN_SECRET": self.secret,
            "TURN_ALLOWED_PEER_IP": self.allowed_peer,
            "TURN_PID_FILE": str(self.workdir / "turnserver.pid"),
            "TURN_DB_FILE": str(self.workdir / "turndb"),
        }
        return render_config(REPO_ROOT / "config" / "turnserver.conf", env)

    def urls(self) -> list[str]:
        """The URLs an SFU hands browsers: UDP, then TCP, then TLS (the browser's fallbacks)."""
        return [
            f"turn:{self.address}:{self.port}?transport=udp",
            f"turn:{self.address}:{self.port}?transport=tcp",
            f"turns:{self.address}:{self.tls_port}?transport=tcp",
        ]

    def start(self) -> Coturn:
        conf = self.workdir / "turnserver.conf"
        conf.write_text(self.config())
        self.process = ManagedProcess(
            "coturn", [turnserver_binary(), "-c", str(conf)], log_dir=self.workdir
        ).start()
        self.process.wait_port(self.port, host=self.address, timeout=20)
        self.process.wait_port(self.tls_port, host=self.address, timeout=20)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@contextlib.contextmanager
def coturn(**kwargs: object) -> Iterator[Coturn]:
    server = Coturn(**kwargs)  # type: ignore[arg-type]
    server.start()
    try:
        yield server
    finally:
        server.stop()
