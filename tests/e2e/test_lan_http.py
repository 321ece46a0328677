"""A colleague on another host (a network namespace) opening the plain-http address is told
on the pre-join screen why camera and microphone are off, and /logs has the line."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from vr_testkit import netns
from vr_testkit.room_page import create_room

if TYPE_CHECKING:
    from conftest import Stack

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with source, target:
        while data := source.recv(65536):
            target.sendall(data)


@pytest.fixture
def lan_port(stack: Stack) -> Iterator[tuple[netns.Namespace, str]]:
    """A namespace and the app's URL as it sees it: the host end of its link, forwarded to
    the stack's loopback nginx (the stack listens on loopback only)."""
    with netns.participant_namespace() as ns, socket.create_server((ns.host_address, 0)) as server:
        port = server.getsockname()[1]
        upstream = int(stack.url.rsplit(":", 1)[1])

        def accept() -> None:
            while True:
                try:
                    client, _ = server.accept()
                except OSError:
                    return
                backend = socket.create_connection(("127.0.0.1", upstream))
                threading.Thread(target=_pipe, args=(client, backend.dup()), daemon=True).start()
                threading.Thread(target=_pipe, args=(backend, client.dup()), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        yield ns, f"http://{ns.host_address}:{port}"


def test_plain_http_from_another_host_says_why_media_is_off(
    stack: Stack,
    new_page: Callable[[], Page],
    browser: Browser,
    lan_port: tuple[netns.Namespace, str],
    tmp_path: Path,
) -> None:
    ns, lan_url = lan_port
    room_id = create_room(new_page(), stack, "Alice")
    # The same Playwright that drives the loopback browser launches one inside the namespace.
    colleague = browser.browser_type.launch(
        executable_path=str(ns.chromium_wrapper(tmp_path)), args=CHROMIUM_ARGS
    )
    try:
        page = colleague.new_page()
        page.goto(f"{lan_url}/r/{room_id}")
        notice = page.locator('[data-problem="insecure_context"]')
        expect(notice).to_be_visible(timeout=20_000)
        expect(notice).to_contain_text("https")
        # The page ships its lines in batches: it stays open until the line is stored.
        deadline = time.monotonic() + 15
        found = []
        while not found and time.monotonic() < deadline:
            logs = httpx.get(
                f"{stack.debug_url}/api/logs", params={"room_id": room_id, "limit": 1000}
            ).json()["logs"]
            found = [line for line in logs if line["metadata"].get("problem") == "insecure_context"]
            time.sleep(0.2)
        assert found, "no insecure_context line for the room in /logs"
    finally:
        colleague.close()
