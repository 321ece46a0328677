"""A colleague on another host (a network namespace) opening the plain-http address is told
on the pre-join screen why camera and microphone are off, and /logs has the line."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Browser, Page, expect
from vr_testkit import netns
from vr_testkit.log_lines import wait_for_line
from vr_testkit.room_page import create_room
from vr_testkit.tcp_forward import forwarded

if TYPE_CHECKING:
    from conftest import Stack

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"]


@pytest.fixture
def lan_port(stack: Stack) -> Iterator[tuple[netns.Namespace, str]]:
    """A namespace and the app's URL as it sees it: the host end of its link, forwarded to
    the stack's loopback nginx (the stack listens on loopback only)."""
    upstream = int(stack.url.rsplit(":", 1)[1])
    with netns.participant_namespace() as ns, forwarded(ns.host_address, upstream) as port:
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
        line = wait_for_line(
            stack.debug_url,
            room_id,
            lambda line: line["metadata"].get("problem") == "insecure_context",
        )
        assert line["metadata"]["room_id"] == room_id
    finally:
        colleague.close()
