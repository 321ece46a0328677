"""A real `livekit-server` on loopback, configured per test run."""

from __future__ import annotations

import contextlib
import secrets
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from vr_testkit.certs import Certificate
from vr_testkit.processes import (
    REPO_ROOT,
    TOOLS_BIN,
    ManagedProcess,
    free_port,
    free_udp_range,
    render_config,
)


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


@dataclass(frozen=True)
class LiveKitTurn:
    """LiveKit's embedded TURN: UDP on `udp_port`, TLS on `tls_port` with `certificate` for
    `domain` (LiveKit tells browsers `turns:<domain>:443`, so something must map 443 to it)."""

    domain: str
    certificate: Certificate
    tls_port: int = field(default_factory=free_port)
    udp_port: int = field(default_factory=lambda: free_port("udp"))


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
    # Where it listens (HTTP, ICE/TCP, TURN) and the address it advertises for media.
    address: str = "127.0.0.1"
    node_ip: str = "127.0.0.1"
    turn: LiveKitTurn | None = None
    # LiveKit's own Prometheus metrics (config/livekit.yaml's prometheus_port).
    prometheus_port: int = field(default_factory=free_port)
    # Where its log lines are shipped (JSON lines, through `vr-ship-output`), as `make up` does.
    debug_service_url: str | None = None
    # The debug service's DEBUG_TOKEN, from which the shipper derives its service token.
    debug_token: str | None = None
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vr-livekit-")))
    process: ManagedProcess | None = None

    @property
    def http_url(self) -> str:
        return f"http://{self.address}:{self.port}"

    @property
    def metrics_url(self) -> str:
        return f"http://127.0.0.1:{self.prometheus_port}/metrics"

    @property
    def ws_url(self) -> str:
        return f"ws://{self.address}:{self.port}"

    def config_yaml(self) -> str:
        """The repository's config/livekit.yaml, rendered as production renders it."""
        env = {
            "LIVEKIT_PORT": str(self.port),
            "LIVEKIT_BIND_ADDRESS": self.address,
            "LIVEKIT_API_KEY": self.api_key,
            "LIVEKIT_API_SECRET": self.api_secret,
            "LIVEKIT_TCP_PORT": str(self.tcp_port),
            "LIVEKIT_UDP_PORT_START": str(self.udp_start),
            "LIVEKIT_UDP_PORT_END": str(self.udp_start + 39),
            "LIVEKIT_USE_EXTERNAL_IP": "false",
            "LIVEKIT_NODE_IP": self.node_ip,
            # Every peer in a test lives on this machine, so only loopback candidates connect.
            "LIVEKIT_LOOPBACK_CANDIDATE": "true",
            "LIVEKIT_REDIS_ADDRESS": self.redis_url.removeprefix("redis://").split("/")[0]
            if self.redis_url
            else "",
            **self._turn_env(),
            "LIVEKIT_MAX_PARTICIPANTS": "100",
            # LiveKit needs a webhook URL in the config; a port nothing listens on when the
            # test does not care about webhooks.
            "LIVEKIT_WEBHOOK_URL": self.webhook_urls[0]
            if self.webhook_urls
            else f"http://127.0.0.1:{free_port()}/unused",
            "LIVEKIT_LOG_JSON": "true" if self.debug_service_url else "false",
            "LIVEKIT_PROMETHEUS_PORT": str(self.prometheus_port),
        }
        return render_config(REPO_ROOT / "config" / "livekit.yaml", env)

    def _turn_env(self) -> dict[str, str]:
        if self.turn is None:
            # Off: a test run must not take the fixed TURN ports.
            return {
                "LIVEKIT_TURN_ENABLED": "false",
                "LIVEKIT_TURN_DOMAIN": "",
                "LIVEKIT_TURN_TLS_PORT": "0",
                "LIVEKIT_TURN_CERT_FILE": "",
                "LIVEKIT_TURN_KEY_FILE": "",
                "LIVEKIT_TURN_UDP_PORT": "0",
            }
        return {
            "LIVEKIT_TURN_ENABLED": "true",
            "LIVEKIT_TURN_DOMAIN": self.turn.domain,
            "LIVEKIT_TURN_TLS_PORT": str(self.turn.tls_port),
            "LIVEKIT_TURN_CERT_FILE": str(self.turn.certificate.cert_file),
            "LIVEKIT_TURN_KEY_FILE": str(self.turn.certificate.key_file),
            "LIVEKIT_TURN_UDP_PORT": str(self.turn.udp_port),
        }

    def start(self) -> LiveKitServer:
        self.workdir.mkdir(parents=True, exist_ok=True)
        config = self.workdir / "livekit.yaml"
        config.write_text(self.config_yaml())
        argv = [livekit_binary(), "--config", str(config)]
        env = {}
        if self.debug_service_url:
            shipper = [sys.executable, "-m", "vr_common.output_shipping"]
            argv = [*shipper, "--service", "livekit", "--format", "livekit", "--", *argv]
            env = {"DEBUG_SERVICE_URL": self.debug_service_url}
            if self.debug_token:
                env["DEBUG_TOKEN"] = self.debug_token
        self.process = ManagedProcess("livekit", argv, env=env, log_dir=self.workdir).start()
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
