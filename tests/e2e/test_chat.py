"""The room's realtime channel in two real browsers, through nginx's /ws proxy to the backend:
chat with an unread badge and history after a reload, a raised hand on the tile and in the
participants list, a reaction on the sender's tile, and the host ending the room."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest
from playwright.sync_api import Page, expect
from vr_testkit.processes import REPO_ROOT
from vr_testkit.room_page import create_room, join, tile

if TYPE_CHECKING:
    from conftest import Stack

ARTIFACTS = REPO_ROOT / "test-results" / "e2e"


@pytest.fixture(scope="module")
def stack(provider_stack: Stack) -> Stack:
    """Chat goes through the backend, not the SFU, but ending the room touches both: run the
    test on LiveKit and on the embedded SFU."""
    return provider_stack


def shot(page: Page, stack: Stack, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"test_chat-{stack.sfu_provider}-{name}.png"))


def timed(what: str, check: Callable[[], None], timings: dict[str, float]) -> None:
    started = time.monotonic()
    check()
    timings[what] = (time.monotonic() - started) * 1000


def test_two_people_chat_raise_hands_react_and_the_host_ends_the_room(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    alice, bob = new_page(), new_page()
    timings: dict[str, float] = {}
    create_room(alice, stack, "Alice")
    room_url = alice.url
    join(alice)
    bob.goto(room_url)
    join(bob, "Bob")

    # Presence: each sees two people in the room.
    expect(alice.get_by_role("button", name="Participants (2)")).to_be_visible()
    expect(bob.get_by_role("button", name="Participants (2)")).to_be_visible()
    # Only the creator may end the room.
    expect(alice.get_by_role("button", name="End room for everyone")).to_be_visible()
    expect(bob.get_by_role("button", name="End room for everyone")).to_have_count(0)

    # Alice writes; Bob's chat is closed, so his chat button counts it unread.
    alice.get_by_role("button", name="Chat", exact=True).click()
    chat = alice.get_by_role("complementary", name="Chat")
    chat.get_by_role("textbox", name="Message").fill("Hello from Alice")
    chat.get_by_role("textbox", name="Message").press("Enter")
    expect(chat.locator(".chat-text")).to_have_text(["Hello from Alice"])
    expect(chat.get_by_role("textbox", name="Message")).to_have_value("")
    timed(
        "chat: Enter in A -> unread badge in B",
        lambda: expect(bob.get_by_role("button", name="Chat, 1 unread")).to_be_visible(),
        timings,
    )
    expect(bob.get_by_test_id("unread-count")).to_have_text("1")
    chat.get_by_role("textbox", name="Message").fill("Second line\nwith a newline")
    chat.get_by_role("button", name="Send").click()
    expect(bob.get_by_test_id("unread-count")).to_have_text("2")
    shot(bob, stack, "unread-badge")
    bob.get_by_role("button", name="Chat, 2 unread").click()
    bob_chat = bob.get_by_role("complementary", name="Chat")
    expect(bob_chat.locator(".chat-text")).to_have_text(
        ["Hello from Alice", "Second line\nwith a newline"]
    )
    expect(bob_chat.locator(".chat-name").first).to_have_text("Alice")
    expect(bob.get_by_test_id("unread-count")).to_have_count(0)
    # A reply while the panel is open is read, not counted.
    bob_chat.get_by_role("textbox", name="Message").fill("Hi Alice")
    bob_chat.get_by_role("textbox", name="Message").press("Enter")
    expect(chat.locator(".chat-text")).to_have_text(
        ["Hello from Alice", "Second line\nwith a newline", "Hi Alice"]
    )
    expect(alice.get_by_test_id("unread-count")).to_have_count(0)

    # Bob raises his hand with the keyboard-reachable control: Alice sees it on his tile and
    # in the participants list.
    bob.get_by_role("button", name="Raise hand").focus()
    bob.keyboard.press("Enter")
    expect(bob.get_by_role("button", name="Raise hand")).to_have_attribute("aria-pressed", "true")
    bob_tile = alice.locator(tile(alice, "Bob"))
    timed(
        "hand: raise in B -> tile in A",
        lambda: expect(bob_tile).to_have_attribute("data-hand", "true"),
        timings,
    )
    expect(bob_tile.get_by_role("img", name="Bob raised a hand")).to_be_visible()
    expect(alice.locator(tile(alice, "Alice"))).to_have_attribute("data-hand", "false")
    alice.get_by_role("button", name="Participants (2)").click()
    people = alice.get_by_role("complementary", name="Participants")
    expect(people.get_by_role("listitem")).to_have_count(2)
    expect(people.get_by_role("listitem").first).to_contain_text("Bob")
    expect(people.get_by_role("img", name="Bob raised a hand")).to_be_visible()
    expect(people.get_by_role("img", name="Alice raised a hand")).to_have_count(0)
    shot(alice, stack, "hand-raised")

    # A reaction shows on the sender's tile, for the other, then goes away.
    bob.get_by_role("button", name="Reactions").click()
    bob.get_by_role("group", name="Send a reaction").get_by_role("button", name="Thumbs up").click()
    reaction = bob_tile.get_by_role("img", name="Bob: Thumbs up")
    timed("reaction: click in B -> tile in A", lambda: expect(reaction).to_be_visible(), timings)
    shot(alice, stack, "reaction")
    expect(reaction).to_have_count(0, timeout=8000)

    # Bob lowers his hand with the H shortcut.
    bob.locator("body").click(position={"x": 5, "y": 5})
    bob.keyboard.press("h")
    expect(bob_tile).to_have_attribute("data-hand", "false")
    expect(people.get_by_role("img", name="Bob raised a hand")).to_have_count(0)

    # Bob reloads: he joins again and the chat history comes back in the join reply.
    bob.reload()
    join(bob)
    expect(alice.get_by_role("button", name="Participants (2)")).to_be_visible()
    bob.set_viewport_size({"width": 390, "height": 844})
    bob.get_by_role("button", name="Chat", exact=True).click()
    bob_chat = bob.get_by_role("complementary", name="Chat")
    expect(bob_chat.locator(".chat-text")).to_have_text(
        ["Hello from Alice", "Second line\nwith a newline", "Hi Alice"]
    )
    # At phone width the panel covers the call and its send box is on screen.
    box = bob_chat.get_by_role("textbox", name="Message").bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] + box["height"] <= 844
    shot(bob, stack, "history-after-reload-phone")

    # The host ends the room: a confirmation, then everyone gets the page that says so.
    alice.get_by_role("button", name="End room for everyone").click()
    dialog = alice.get_by_role("alertdialog", name="End the room for everyone?")
    expect(dialog.get_by_role("button", name="Cancel")).to_be_focused()
    started = time.monotonic()
    dialog.get_by_role("button", name="End room").click()
    expect(bob.get_by_role("heading", name="The host ended the room")).to_be_visible()
    timings["end room: click in A -> page in B"] = (time.monotonic() - started) * 1000
    expect(alice.get_by_role("heading", name="You ended the room")).to_be_visible()
    shot(bob, stack, "host-ended")
    print(f"\n{stack.sfu_provider}:")
    for what, ms in timings.items():
        print(f"{what}: {ms:.0f} ms")
