"""A colleague whose network drops UDP (a network namespace, `ns.drop_udp()`) joins a call on
the embedded SFU: signalling works (TCP, through nginx), media cannot reach the SFU. Within
10 s the colleague's page says "Can't reach the media server" on the other's tile and in the
connection details, and /logs has the line with its participant and room; when UDP is allowed
again, media arrives and the message goes away by itself. The same on LiveKit, whose page
keeps the call after signalling and retries while media cannot connect (its ICE/TCP port is
refused too there, as LiveKit would otherwise fall back to it)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from vr_testkit import netns
from vr_testkit.e2e_stack import Stack, started
from vr_testkit.livekit import LiveKitServer
from vr_testkit.log_lines import wait_for_line
from vr_testkit.room_page import CHROMIUM_ARGS, create_room, join, presented_frames, tile
from vr_testkit.tcp_forward import forwarded

UNREACHABLE = re.compile(r"Can.t reach the media server . your network may block it")


@pytest.fixture(scope="module")
def stack(embedded_stack: Stack) -> Stack:
    return embedded_stack


def test_dropped_udp_says_the_media_server_is_unreachable_until_media_arrives(
    stack: Stack, new_page: Callable[[], Page], browser: Browser, tmp_path: Path
) -> None:
    alice = new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    upstream = int(stack.url.rsplit(":", 1)[1])
    with netns.participant_namespace() as ns, forwarded(ns.host_address, upstream) as port:
        lan_url = f"http://{ns.host_address}:{port}"
        ns.drop_udp()
        colleague = browser.browser_type.launch(
            executable_path=str(ns.chromium_wrapper(tmp_path)),
            # Camera and microphone as over the https address (the secure-context test is
            # test_lan_http's): here only the media path is in question.
            args=[*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={lan_url}"],
        )
        try:
            bob = colleague.new_page()
            bob.set_default_timeout(20_000)
            bob.goto(f"{lan_url}/r/{room_id}")
            join(bob, "Bob")
            joined = time.monotonic()
            alice_tile = bob.locator(tile(bob, "Alice"))
            expect(alice_tile).to_be_visible()
            on_tile = alice_tile.locator('[data-problem="media_unreachable"]')
            expect(on_tile).to_be_visible(timeout=10_000)
            assert time.monotonic() - joined < 10
            expect(on_tile).to_contain_text(UNREACHABLE)
            details = bob.get_by_role("region", name="Connection details")
            expect(details).to_contain_text(UNREACHABLE)
            link = details.get_by_role("link", name="What the network must allow")
            assert link.get_attribute("href") == "/help/connectivity"
            bob_id = bob.locator('[data-local="true"]').get_attribute("data-participant-id")

            line = wait_for_line(
                stack.debug_url,
                room_id,
                lambda line: line["metadata"].get("problem") == "media_unreachable",
            )
            assert line["level"] == "warn"
            assert line["metadata"]["participant_id"] == bob_id
            assert line["metadata"]["provider"] == "embedded"

            ns.allow_udp()
            # ICE finds the path on its next checks, or the adapter rejoins after it failed.
            expect(on_tile).to_be_hidden(timeout=60_000)
            expect(details).to_be_hidden()
            first, second = presented_frames(bob, "Alice")
            assert second > first, "no video from Alice once UDP is allowed again"
            wait_for_line(
                stack.debug_url,
                room_id,
                lambda line: (
                    line["metadata"].get("problem_cleared") == "media_unreachable"
                    and line["metadata"].get("participant_id") == bob_id
                ),
            )
        finally:
            colleague.close()

    # The link leads to the deploy guide's connectivity section, served by the app itself.
    alice.goto(f"{stack.url}/help/connectivity")
    expect(alice.locator('[data-help="connectivity"]')).to_contain_text("### Connectivity")
    expect(alice.locator('[data-help="connectivity"]')).to_contain_text("UDP")


@dataclass
class LanLiveKit:
    stack: Stack
    ns: netns.Namespace
    app_url: str


@pytest.fixture(scope="module")
def lan_livekit(frontend_dist: Path) -> Iterator[LanLiveKit]:
    """The app on LiveKit, listening where a namespace reaches it, candidates on that address."""
    with netns.participant_namespace() as ns:
        host = ns.host_address
        stack = Stack(static_root=frontend_dist, sfu_provider="livekit", listen_address="0.0.0.0")
        stack.livekit = LiveKitServer(address="0.0.0.0", node_ip=host, workdir=stack.workdir / "lk")
        with started(stack):
            yield LanLiveKit(stack, ns, f"http://{host}:{stack.http_port}")


def test_livekit_media_blocked_says_so_and_clears_when_udp_is_allowed(
    lan_livekit: LanLiveKit, new_page: Callable[[], Page], browser: Browser, tmp_path: Path
) -> None:
    stack, ns = lan_livekit.stack, lan_livekit.ns
    alice = new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    ns.drop_udp()
    ns.allow_only_tcp_to([stack.http_port])
    colleague = browser.browser_type.launch(
        executable_path=str(ns.chromium_wrapper(tmp_path)),
        args=[*CHROMIUM_ARGS, f"--unsafely-treat-insecure-origin-as-secure={lan_livekit.app_url}"],
    )
    try:
        bob = colleague.new_page()
        bob.set_default_timeout(20_000)
        bob.goto(f"{lan_livekit.app_url}/r/{room_id}")
        join(bob, "Bob")
        on_tile = bob.locator(f'{tile(bob, "Alice")} [data-problem="media_unreachable"]')
        expect(on_tile).to_be_visible(timeout=10_000)
        details = bob.get_by_role("region", name="Connection details")
        expect(details).to_contain_text(UNREACHABLE)
        bob_id = bob.locator('[data-local="true"]').get_attribute("data-participant-id")
        line = wait_for_line(
            stack.debug_url,
            room_id,
            lambda line: line["metadata"].get("problem") == "media_unreachable",
        )
        assert line["metadata"]["participant_id"] == bob_id
        assert line["metadata"]["provider"] == "livekit"

        ns.allow_udp()
        expect(on_tile).to_be_hidden(timeout=60_000)
        first, second = presented_frames(bob, "Alice")
        assert second > first, "no video from Alice once UDP is allowed again"
        before, after = presented_frames(alice, "Bob")
        assert after > before, "Alice gets no video from Bob once UDP is allowed again"
    finally:
        colleague.close()
