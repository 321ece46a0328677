"""The whole app on loopback for browser tests: an SFU (livekit-server, or the embedded SFU
process for `sfu_provider="embedded"`), debug service, backend and nginx serving the built
frontend with config/nginx.conf (as `make up` runs it).

In the test kit rather than in tests/e2e/conftest.py so that every browser test starts the
same stack: the pytest fixtures, and the Node tests that drive Firefox through
`python -m vr_testkit.serve_e2e` (tests/e2e/firefox).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from vr_testkit import edge
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.livekit import LiveKitServer
from vr_testkit.loopback_app import LoopbackApp
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port


@contextlib.contextmanager
def built_frontend() -> Iterator[Path]:
    """The frontend built for this run, so no test serves a stale bundle; into a directory of
    the run's own, so a `make up` or another test run rebuilding frontend/dist cannot swap the
    bundle under a page that is loading it. Removed afterwards."""
    out_dir = Path(tempfile.mkdtemp(prefix="vr-e2e-dist-"))
    # nginx's workers (an unprivileged user when the tests run as root) must read it.
    out_dir.chmod(0o755)
    try:
        subprocess.run(
            ["npm", "run", "--silent", "build", "--", "--outDir", str(out_dir), "--emptyOutDir"],
            cwd=REPO_ROOT / "frontend",
            check=True,
            stdout=subprocess.DEVNULL,
        )
        yield out_dir
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


@dataclass
class Stack(LoopbackApp):
    static_root: Path
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vr-e2e-")))
    backend_port: int = field(default_factory=free_port)
    livekit: LiveKitServer | None = None
    sfu_provider: str = "livekit"
    embedded_sfu: EmbeddedSfuProcess | None = None
    backend_env: dict[str, str] = field(default_factory=dict)
    debug_env: dict[str, str] = field(default_factory=dict)
    # The embedded SFU's own settings (EMBEDDED_SFU_*), e.g. a UDP range or a TURN relay.
    sfu_env: dict[str, str] = field(default_factory=dict)
    # Where nginx listens: loopback, or 0.0.0.0 for a browser in a network namespace too.
    listen_address: str = "127.0.0.1"

    def _process(self, name: str, argv: list[str], env: dict[str, str]) -> ManagedProcess:
        return self._started(
            ManagedProcess(name, argv, env=env, cwd=self.workdir, log_dir=self.workdir)
        )

    def start(self) -> Stack:
        backend = f"http://127.0.0.1:{self.backend_port}"
        if self.livekit is None:
            self.livekit = LiveKitServer(workdir=self.workdir / "livekit")
        self.livekit.webhook_urls = [f"{backend}/api/webhooks/livekit"]
        sfu_health_url = self.livekit.http_url + "/"
        sfu_env: dict[str, str] = {}
        # Every server ships its lines with a service token derived from the debug service's
        # DEBUG_TOKEN (vr_common.service_tokens), as the services of a deployment share it.
        shipping = (
            {"DEBUG_TOKEN": self.debug_env["DEBUG_TOKEN"]}
            if "DEBUG_TOKEN" in self.debug_env
            else {}
        )
        if self.sfu_provider == "embedded":
            self.embedded_sfu = EmbeddedSfuProcess(
                api_key=self.livekit.api_key,
                api_secret=self.livekit.api_secret,
                log_dir=self.workdir,
                # Joins and departures reach the backend as LiveKit's webhooks do.
                settings={
                    "EMBEDDED_SFU_WEBHOOK_URL": f"{backend}/api/webhooks/livekit",
                    "DEBUG_SERVICE_URL": self.debug_url,
                    **shipping,
                    **self.sfu_env,
                },
            )
            self.processes.append(self.embedded_sfu)
            self.embedded_sfu.start_and_wait()
            sfu_health_url = self.embedded_sfu.http_url + "/health"
            sfu_upstream = f"127.0.0.1:{self.embedded_sfu.port}"
            # Browsers signal through nginx's /rtc (EMBEDDED_SFU_PUBLIC_URL's default), as
            # in `make up` and production.
            sfu_env = {
                "SFU_PROVIDER": "embedded",
                "EMBEDDED_SFU_URL": self.embedded_sfu.http_url,
            }
        else:
            # Its lines reach the debug service (started below; the shipper retries till then).
            self.livekit.debug_service_url = self.debug_url
            self.livekit.debug_token = shipping.get("DEBUG_TOKEN")
            self.livekit.workdir.mkdir(parents=True, exist_ok=True)
            self.livekit.start()
            sfu_upstream = f"{self.livekit.address}:{self.livekit.port}"

        debug = self._started(
            edge.debug_service(
                self.workdir,
                port=self.debug_port,
                syslog_port=self.debug_syslog_port,
                backend_url=backend,
                sfu_health_url=sfu_health_url,
                frontend_url=self.url,
                # Status changes within a second, so the SFU-down test need not wait long.
                env={
                    # To read which room and participant a browser's room token is for.
                    "SFU_API_KEY": self.livekit.api_key,
                    "SFU_API_SECRET": self.livekit.api_secret,
                    "DEBUG_MONITOR_INTERVAL_S": "1",
                    "DEBUG_MONITOR_TIMEOUT_S": "1",
                    **self.debug_env,
                },
            )
        )
        debug.wait_http(self.debug_url + "/api/health", expect=200)

        server = self._process(
            "backend",
            [sys.executable, "-m", "video_rooms"],
            {
                "PORT": str(self.backend_port),
                "DATABASE_URL": f"sqlite+aiosqlite:///{self.workdir / 'rooms.db'}",
                "LIVEKIT_URL": self.livekit.http_url,
                "LIVEKIT_API_KEY": self.livekit.api_key,
                "LIVEKIT_API_SECRET": self.livekit.api_secret,
                "DEBUG_SERVICE_URL": self.debug_url,
                **shipping,
                "SFU_HEALTH_TTL_SECONDS": "0.5",
                **sfu_env,
                **self.backend_env,
            },
        )
        server.wait_http(backend + "/api/health", expect=200)

        proxy = self._started(
            edge.nginx(
                self.workdir,
                {
                    "LISTEN_PORT": f"{self.listen_address}:{self.http_port}",
                    "STATIC_ROOT": str(self.static_root),
                    "BACKEND_SERVERS": f"server 127.0.0.1:{self.backend_port};",
                    "DEBUG_UPSTREAM": f"127.0.0.1:{self.debug_port}",
                    "DEBUG_SYSLOG": f"127.0.0.1:{self.debug_syslog_port}",
                    "SFU_UPSTREAM": sfu_upstream,
                    "CSP_CONNECT_SRC": "",
                },
            )
        )
        proxy.wait_http(self.url + "/", expect=200)
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        if self.livekit is not None:
            self.livekit.stop()

    def logs(self) -> str:
        """Every server's output, for a failing test's report."""
        parts = [f"--- {p.name} ---\n{p.output()[-3000:]}" for p in self.processes]
        if self.livekit is not None and self.livekit.process is not None:
            parts.append(f"--- livekit ---\n{self.livekit.process.output()[-3000:]}")
        return "\n".join(parts)


@contextlib.contextmanager
def started(stack: Stack) -> Iterator[Stack]:
    """The stack running for the block, stopped after it whatever happens."""
    try:
        yield stack.start()
    finally:
        stack.stop()
