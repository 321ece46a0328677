"""The lobby in real Chromium on both providers: the host turns it on from the people panel, a
guest who opens the link waits on a screen that says so, the host admits them from the
notification and they are in the call (they see and hear the host); another guest is denied
and their page says why. One stack per provider, one page per person."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from vr_testkit.room_page import INBOUND, create_room, join, presented_frames, wait_rising

if TYPE_CHECKING:
    from conftest import Stack


@pytest.fixture(scope="module")
def stack(provider_stack: Stack) -> Stack:
    return provider_stack


def knock(page: Page, room_url: str, name: str) -> None:
    page.goto(room_url)
    form = page.get_by_role("form", name="Join the call")
    form.get_by_label("Your name").fill(name)
    expect(page.locator(".preview video")).to_be_visible()
    form.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name="Waiting for the host to let you in")).to_be_visible()


def test_a_guest_knocks_and_is_admitted_another_is_denied(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    ada, bob, cy = new_page(), new_page(), new_page()
    room_id = create_room(ada, stack, "Ada")
    room_url = f"{stack.url}/r/{room_id}"
    join(ada)
    ada.get_by_role("button", name="Participants (1)").click()
    switch = ada.get_by_label("Lobby: ask me before letting people in")
    # The switch shows the server's state: it turns checked once the server said the lobby is on.
    switch.click()
    expect(switch).to_be_checked()

    knock(bob, room_url, "Bob")
    # Waiting is not being in: Bob has no call, Ada's grid has her alone.
    expect(bob.get_by_role("navigation", name="Call controls")).to_have_count(0)
    notice = ada.get_by_role("region", name="Waiting in the lobby")
    expect(notice.get_by_text("Someone wants to join")).to_be_visible()
    expect(ada.locator(".grid .tile")).to_have_count(1)
    notice.get_by_role("button", name="Admit Bob").click()

    expect(bob.get_by_role("navigation", name="Call controls")).to_be_visible(timeout=15_000)
    expect(notice).to_have_count(0)
    before, after = presented_frames(bob, "Ada")
    assert after > before, f"Ada's video is not advancing at Bob: {before} -> {after} frames"
    packets = wait_rising(bob, INBOUND, "audioPackets")
    assert packets[1] > packets[0] > 0, f"Bob's inbound audio is not rising: {packets}"
    expect(ada.locator(".grid .tile")).to_have_count(2)

    knock(cy, room_url, "Cy")
    expect(notice.locator('[data-lobby-request="Cy"]')).to_be_visible()
    notice.get_by_role("button", name="Deny Cy").click()
    expect(cy.get_by_role("heading", name="The host did not let you in")).to_be_visible()
    expect(cy.get_by_text("A host of this room declined your request to join.")).to_be_visible()
    expect(notice).to_have_count(0)
    expect(ada.locator(".grid .tile")).to_have_count(2)
