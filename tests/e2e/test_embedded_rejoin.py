"""Rejoining the embedded SFU after the join token expired, in real Chromium through the real
SFU process, backend and nginx. The SFU has no session resumption and never renews a token:
a browser that lost its connection joins again, and by then the token it joined with has
expired (TOKEN_TTL_SECONDS, the shortest the backend allows). It must rejoin with a newer one
(the realtime channel's renewed token keeps the same participant) instead of giving up."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Locator, Page, expect
from vr_testkit.room_page import create_room, join, presented_frames

if TYPE_CHECKING:
    from conftest import Stack

TOKEN_TTL_SECONDS = 60
BACKEND_ENV = {"TOKEN_TTL_SECONDS": str(TOKEN_TTL_SECONDS)}

# The module's stack: the embedded SFU only, with the short-lived tokens of BACKEND_ENV.
pytestmark = pytest.mark.parametrize("provider_stack", ["embedded"], indirect=True)


@pytest.fixture
def stack(provider_stack: Stack) -> Stack:
    return provider_stack


def local_id(page: Page) -> str | None:
    return page.locator('[data-local="true"][data-source="camera"]').get_attribute(
        "data-participant-id"
    )


def reconnecting(page: Page) -> Locator:
    return page.get_by_role("status").filter(has_text="Reconnecting")


def call_of_two(stack: Stack, new_page: Callable[[], Page]) -> tuple[Page, Page, float]:
    """Alice and Bob in a call, seeing each other; returns when their tokens expire."""
    alice, bob = new_page(), new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    bob.goto(f"{stack.url}/r/{room_id}")
    join(bob, "Bob")
    # Alice's token was made before Bob's: the later one expires last.
    expires = time.monotonic() + TOKEN_TTL_SECONDS
    for page, other in ((alice, "Bob"), (bob, "Alice")):
        before, after = presented_frames(page, other)
        assert after > before, f"{other}'s video is stuck at {before} frames"
    return alice, bob, expires


def wait_past(deadline: float) -> None:
    time.sleep(max(0.0, deadline - time.monotonic()) + 2)


def assert_back_in_the_call(pages: dict[str, Page], ids: dict[str, str | None]) -> None:
    """Both see each other with video flowing both ways, as the same participants."""
    for name, page in pages.items():
        expect(reconnecting(page)).to_have_count(0, timeout=30_000)
        expect(page.locator(".grid .tile")).to_have_count(2)
        other = next(other for other in pages if other != name)
        before, after = presented_frames(page, other)
        assert after > before, f"{name}: {other}'s video is stuck at {before} frames"
        assert local_id(page) == ids[name], f"{name} came back as another participant"


def test_rejoin_after_the_sfu_restarted_past_the_token_expiry(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    alice, bob, expires = call_of_two(stack, new_page)
    pages = {"Alice": alice, "Bob": bob}
    ids = {name: local_id(page) for name, page in pages.items()}
    wait_past(expires)

    sfu = stack.embedded_sfu
    assert sfu is not None
    sfu.kill()
    for page in pages.values():
        expect(reconnecting(page)).to_be_visible()
    sfu.start_and_wait()
    assert_back_in_the_call(pages, ids)


def test_rejoin_after_a_network_drop_past_the_token_expiry(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    alice, bob, expires = call_of_two(stack, new_page)
    pages = {"Alice": alice, "Bob": bob}
    ids = {name: local_id(page) for name, page in pages.items()}
    wait_past(expires)

    bob.context.set_offline(True)
    # The SFU's socket is dead: Bob's adapter notices the missing pongs and starts rejoining.
    expect(reconnecting(bob)).to_be_visible(timeout=20_000)
    bob.wait_for_timeout(2000)
    bob.context.set_offline(False)
    assert_back_in_the_call(pages, ids)
