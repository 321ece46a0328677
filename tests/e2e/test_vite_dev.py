"""`npm run dev` joins a call: the Vite dev server (frontend/vite.config.ts) stands in for
nginx, proxying /api, /ws, /debug and the SFU's /rtc to the services, as a developer runs it
beside `make up`. Two Chromium pages opened on the dev server's origin each see the other's
video, on each SFU provider (the embedded SFU process, then livekit-server)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port
from vr_testkit.room_page import create_room, join, presented_frames

if TYPE_CHECKING:
    from conftest import Stack

VITE = REPO_ROOT / "frontend" / "node_modules" / ".bin" / "vite"


class ViteDevServer:
    def __init__(self, url: str, process: ManagedProcess, stack: Stack) -> None:
        self.url = url
        self.process = process
        self.stack = stack

    def logs(self) -> str:
        return f"--- vite ---\n{self.process.output()[-3000:]}\n{self.stack.logs()}"


@pytest.fixture(scope="module")
def dev_server(provider_stack: Stack) -> Iterator[ViteDevServer]:
    """`npm run dev` (vite) on a free port, pointed at the stack's backend, debug service and
    SFU by the variables vite.config.ts reads; nginx is not in the way."""
    stack = provider_stack
    if stack.embedded_sfu is not None:
        sfu_port = stack.embedded_sfu.port
    else:
        assert stack.livekit is not None
        sfu_port = stack.livekit.port
    port = free_port()
    vite = ManagedProcess(
        "vite",
        [str(VITE), "--host", "127.0.0.1", "--port", str(port), "--strictPort"],
        env={
            "BACKEND_URL": f"http://127.0.0.1:{stack.backend_port}",
            "DEBUG_SERVICE_URL": stack.debug_url,
            "SFU_SIGNAL_URL": f"http://127.0.0.1:{sfu_port}",
        },
        cwd=REPO_ROOT / "frontend",
        log_dir=stack.workdir,
    )
    with vite:
        vite.wait_http(f"http://127.0.0.1:{port}/", timeout=60, expect=200)
        yield ViteDevServer(f"http://127.0.0.1:{port}", vite, stack)


def test_two_people_on_the_dev_server_see_each_other(
    dev_server: ViteDevServer, new_page: Callable[[], Page]
) -> None:
    try:
        check_the_call(dev_server, new_page(), new_page())
    except (AssertionError, PlaywrightError):
        print(dev_server.logs())
        raise


def check_the_call(dev_server: ViteDevServer, alice: Page, bob: Page) -> None:
    sockets: list[str] = []
    for page in (alice, bob):
        page.on("websocket", lambda socket: sockets.append(socket.url))
    room_id = create_room(alice, dev_server, "Alice")
    join(alice)
    bob.goto(f"{dev_server.url}/r/{room_id}")
    join(bob, "Bob")
    for page, other in ((alice, "Bob"), (bob, "Alice")):
        before, after = presented_frames(page, other)
        assert after > before, f"{other}'s video is not advancing"
    # The realtime channel and the SFU's signalling both went through the dev server's proxy.
    origin = dev_server.url.replace("http://", "ws://")
    for path in ("/ws/websocket", "/rtc"):
        through = [url for url in sockets if url.startswith(origin + path)]
        assert len(through) >= 2, f"no {path} socket per page through {origin}: {sockets}"
