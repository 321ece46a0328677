"""The whole app on loopback for browser tests: an SFU (livekit-server, or the embedded SFU
process for `sfu_provider="embedded"`), debug service, backend and nginx serving the built
frontend with config/nginx.conf (as `make up` runs it)."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from vr_testkit import edge
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.livekit import LiveKitServer
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port


@dataclass
class Stack:
    static_root: Path
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vr-e2e-")))
    backend_port: int = field(default_factory=free_port)
    debug_port: int = field(default_factory=free_port)
    http_port: int = field(default_factory=free_port)
    debug_syslog_port: int = field(default_factory=lambda: free_port("udp"))
    livekit: LiveKitServer | None = None
    sfu_provider: str = "livekit"
    embedded_sfu: EmbeddedSfuProcess | None = None
    backend_env: dict[str, str] = field(default_factory=dict)
    debug_env: dict[str, str] = field(default_factory=dict)
    processes: list[ManagedProcess] = field(default_factory=list)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def debug_url(self) -> str:
        return f"http://127.0.0.1:{self.debug_port}"

    def _process(self, name: str, argv: list[str], env: dict[str, str]) -> ManagedProcess:
        return self._started(
            ManagedProcess(name, argv, env=env, cwd=self.workdir, log_dir=self.workdir)
        )

    def _started(self, process: ManagedProcess) -> ManagedProcess:
        self.processes.append(process)
        return process.start()

    def start(self) -> Stack:
        backend = f"http://127.0.0.1:{self.backend_port}"
        self.livekit = LiveKitServer(
            webhook_urls=[f"{backend}/api/webhooks/livekit"],
            workdir=self.workdir / "livekit",
        )
        sfu_health_url = self.livekit.http_url + "/"
        sfu_env: dict[str, str] = {}
        if self.sfu_provider == "embedded":
            self.embedded_sfu = EmbeddedSfuProcess(
                api_key=self.livekit.api_key,
                api_secret=self.livekit.api_secret,
                log_dir=self.workdir,
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
            self.livekit.workdir.mkdir(parents=True, exist_ok=True)
            self.livekit.start()
            sfu_upstream = f"127.0.0.1:{self.livekit.port}"

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
                    "LISTEN_PORT": f"127.0.0.1:{self.http_port}",
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


# --------------------------------------------------------------------------- fixtures

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A fake camera (moving test pattern) and microphone (a beep), granted without a prompt.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    # Screen sharing picks the whole screen without the picker dialog.
    "--auto-select-desktop-capture-source=Entire screen",
    # Remote audio may start without a click, as it does for a user who interacted before.
    "--autoplay-policy=no-user-gesture-required",
]
ARTIFACTS = REPO_ROOT / "test-results" / "e2e"

# Counts every RTCPeerConnection a page makes, so tests can read inbound RTP stats no matter
# which SFU adapter made the connection; and records every Content-Security-Policy violation,
# so that any test in which nginx's policy blocks something the app does fails.
TRACK_PEER_CONNECTIONS = """
(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
  });
})();
"""


@contextlib.contextmanager
def started(stack: Stack) -> Iterator[Stack]:
    """The stack running for the block, stopped after it whatever happens."""
    try:
        yield stack.start()
    finally:
        stack.stop()


@pytest.fixture(scope="session")
def frontend_dist() -> Iterator[Path]:
    """Builds the frontend once per run, so the tests never serve a stale bundle; into a
    directory of this run's own, so a `make up` or another test run rebuilding frontend/dist
    cannot swap the bundle under a page that is loading it."""
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


@pytest.fixture(scope="module")
def stack(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """One app for the tests of a module (each test makes its own rooms). A module can set
    BACKEND_ENV (or DEBUG_ENV) to run its backend (or debug service) with other settings."""
    running = Stack(
        static_root=frontend_dist,
        backend_env=getattr(request.module, "BACKEND_ENV", {}),
        debug_env=getattr(request.module, "DEBUG_ENV", {}),
    )
    with started(running):
        yield running


@pytest.fixture(scope="module", params=["livekit", "embedded"])
def provider_stack(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The app on each SFU provider in turn: a module whose tests use this fixture (or alias
    `stack` to it) runs them all once per provider."""
    running = Stack(
        static_root=frontend_dist,
        sfu_provider=request.param,
        backend_env=getattr(request.module, "BACKEND_ENV", {}),
    )
    with started(running):
        yield running


@pytest.fixture(scope="module")
def embedded_stack(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The app on the embedded SFU only, for tests of what only it does."""
    running = Stack(
        static_root=frontend_dist,
        sfu_provider="embedded",
        backend_env=getattr(request.module, "BACKEND_ENV", {}),
    )
    with started(running):
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """Opens pages in separate browser contexts (separate people); each ends with a screenshot
    in test-results/e2e/ so a failure can be seen, not just read."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def open_page() -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 720},
            permissions=["camera", "microphone"],
        )
        context.add_init_script(TRACK_PEER_CONNECTIONS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
        return page

    yield open_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    violations: list[str] = []
    for index, page in enumerate(pages):
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}.png"))
            violations += page.evaluate("window.__cspViolations ?? []")
    for context in contexts:
        with contextlib.suppress(PlaywrightError):
            context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"
