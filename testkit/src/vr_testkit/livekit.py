"""A real `livekit-server` on loopback, configured per test run."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vr_testkit.processes import TOOLS_BIN, ManagedProcess, free_port, free_udp_range


def livekit_binary() -> str:
    candidate = TOOLS_BIN / "livekit-server"
    if candidate.exists():
        return str(candidate)
    found = shutil.which("livekit-server")
    if found is None:
        raise RuntimeError(
            "livekit-server not found: run `make setup` (it builds it into .tools/bin)"
        )
    return found


@dataclass
class LiveKitServer:
    """One LiveKit node. Keep the ports so the same node can be stopped and started again."""

    api_key: str = "testkey"
    api_secret: str = field(default_factory=lambda: secrets.token_urlsafe(36))
    port: int = field(default_factory=free_port)
    tcp_port: int = field(default_factory=free_port)
    udp_start: int = field(default_factory=lambda: free_udp_range(40))
    webhook_urls: Sequence[str] = ()
    redis_url: str | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vr-livekit-")))
    process: ManagedProcess | None = None

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def config_yaml(self) -> str:
        lines = [
            f"port: {self.port}",
            "bind_addresses: ['127.0.0.1']",
            "rtc:",
            f"  tcp_port: {self.tcp_port}",
            f"  port_range_start: {self.udp_start}",
            f"  port_range_end: {self.udp_start + 39}",
            "  use_external_ip: false",
            "  node_ip: 127.0.0.1",
            # Every peer in a test lives on this machine, so only loopback candidates can connect.
            "  enable_loopback_candidate: true",
            "keys:",
            f"  {self.api_key}: {self.api_secret}",
            "logging:",
            "  level: info",
        ]
        if self.webhook_urls:
            lines += ["webhook:", f"  api_key: {self.api_key}", "  urls:"]
            lines += [f"    - {url}" for url in self.webhook_urls]
        if self.redis_url:
            address = self.redis_url.removeprefix("redis://").split("/")[0]
            lines += ["redis:", f"  address: {address}"]
        return "\n".join(lines) + "\n"

    def start(self) -> LiveKitServer:
        config = self.workdir / "livekit.yaml"
        config.write_text(self.config_yaml())
        self.process = ManagedProcess(
            "livekit",
            [livekit_binary(), "--config", str(config)],
            log_dir=self.workdir,
        ).start()
        self.process.wait_http(self.http_url + "/", timeout=30)
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()


@contextlib.contextmanager
def livekit_server(**kwargs: object) -> Iterator[LiveKitServer]:
    server = LiveKitServer(**kwargs)  # type: ignore[arg-type]
    server.start()
    try:
        yield server
    finally:
        server.stop()
