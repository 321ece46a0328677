"""The seed's original clients against today's API, in Chromium through nginx.

The original React frontend passed `livekit_url` from the create/join answer to
livekit-client's `Room.connect` unchanged, and polled `/api/status` knowing four words only.
`original_client/` does exactly that, served by the same nginx (and CSP) as our own app, in
front of the backend on `SFU_PROVIDER=livekit` and a real livekit-server.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from vr_testkit.e2e_stack import Stack, started
from vr_testkit.processes import REPO_ROOT

CLIENT_DIR = Path(__file__).parent / "original_client"
LIVEKIT_CLIENT_UMD = REPO_ROOT / "frontend/node_modules/livekit-client/dist/livekit-client.umd.js"
STATUS_WORDS = {"healthy", "degraded", "unhealthy", "unconfigured"}


@pytest.fixture(scope="module")
def client_root() -> Iterator[Path]:
    """The original client's page and the livekit-client build the frontend installs, in a
    directory nginx's workers can read (an unprivileged user when the tests run as root;
    pytest's own temporary directories are private)."""
    root = Path(tempfile.mkdtemp(prefix="vr-original-client-"))
    root.chmod(0o755)
    for source in [*CLIENT_DIR.iterdir(), LIVEKIT_CLIENT_UMD]:
        shutil.copy(source, root / source.name)
        (root / source.name).chmod(0o644)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@contextlib.contextmanager
def running_stack(root: Path, **backend_env: str) -> Iterator[Stack]:
    with started(Stack(static_root=root, sfu_provider="livekit", backend_env=backend_env)) as stack:
        yield stack


@pytest.fixture(scope="module")
def stack(client_root: Path) -> Iterator[Stack]:
    with running_stack(client_root) as running:
        yield running


def original(page: Page) -> dict[str, Any]:
    state: dict[str, Any] = page.evaluate("window.original")
    return state


def wait_for_phase(page: Page, phase: str) -> dict[str, Any]:
    page.wait_for_function(
        "phase => ['failed', phase].includes(window.original?.phase)", arg=phase, timeout=20_000
    )
    state = original(page)
    assert state["phase"] == phase, state["error"]
    return state


def wait_for_remote_video(page: Page, identity: str) -> None:
    """A video track of `identity` subscribed, attached, and decoding frames."""
    page.wait_for_function(
        """identity => {
            const video = document.querySelector(
                `video[data-identity="${identity}"][data-kind="video"]`);
            return video !== null && video.videoWidth > 0 && video.currentTime > 0;
        }""",
        arg=identity,
        timeout=20_000,
    )


def test_livekit_client_connects_with_livekit_url_and_gets_the_other_track(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    alice, bob = new_page(), new_page()
    alice.goto(stack.url + "/?name=Alice")
    created = wait_for_phase(alice, "publishing")["joined"]
    # Absolute, on the one origin nginx serves: livekit-client signals through its /rtc.
    assert created["livekit_url"] == f"ws://127.0.0.1:{stack.http_port}/"

    bob.goto(f"{stack.url}/?name=Bob&room={created['room_id']}")
    joined = wait_for_phase(bob, "publishing")["joined"]
    assert joined["livekit_url"] == created["livekit_url"]

    wait_for_remote_video(alice, joined["participant_id"])
    wait_for_remote_video(bob, created["participant_id"])
    for page, other in ((alice, joined), (bob, created)):
        kinds = {
            t["kind"]
            for t in original(page)["remoteTracks"]
            if t["identity"] == other["participant_id"]
        }
        assert kinds == {"audio", "video"}
        assert original(page)["error"] is None


def statuses_seen(page: Page, until: str, timeout_ms: float = 20_000) -> list[dict[str, Any]]:
    """The poller's answers up to the first whose `overall` is `until`."""
    page.wait_for_function(
        """until => window.original?.phase === 'failed'
            || window.original?.statuses.some(s => s.overall === until)""",
        arg=until,
        timeout=timeout_ms,
    )
    state = original(page)
    assert state["error"] is None, state["error"]
    seen: list[dict[str, Any]] = state["statuses"]
    for answer in seen:
        assert {answer["overall"], *answer["services"].values()} <= STATUS_WORDS, answer
    return seen


def test_status_poller_reads_healthy_degraded_and_unhealthy(
    client_root: Path, new_page: Callable[[], Page]
) -> None:
    """A stack of its own: the test stops the debug service, then livekit-server."""
    with running_stack(client_root) as running:
        poller = new_page()
        poller.goto(running.url + "/?mode=status&interval_ms=200")
        healthy = statuses_seen(poller, "healthy")[-1]
        assert healthy == {
            "http": 200,
            "overall": "healthy",
            "services": {"backend": "healthy", "sfu": "healthy", "debug": "healthy"},
        }

        next(p for p in running.processes if p.name == "debug-service").stop()
        degraded = statuses_seen(poller, "degraded")[-1]
        assert degraded["http"] == 200  # calls still work without the debug service
        assert degraded["services"]["debug"] == "unhealthy"

        assert running.livekit is not None
        running.livekit.stop()
        unhealthy = statuses_seen(poller, "unhealthy")[-1]
        assert unhealthy["http"] == 503
        assert unhealthy["services"]["sfu"] == "unhealthy"


def test_status_poller_reads_unconfigured(client_root: Path, new_page: Callable[[], Page]) -> None:
    with running_stack(client_root, DEBUG_SERVICE_URL="") as running:
        poller = new_page()
        poller.goto(running.url + "/?mode=status&interval_ms=200")
        answer = statuses_seen(poller, "healthy")[-1]
        assert answer["services"]["debug"] == "unconfigured"
        assert answer["http"] == 200
