"""A room at its participant limit turns the next person away with a page that says so."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Stack

BACKEND_ENV = {"ROOM_MAX_PARTICIPANTS": "2"}


# Both providers: the embedded SFU reports joins through the same webhook handler as LiveKit.
@pytest.fixture
def stack(provider_stack: Stack) -> Stack:
    return provider_stack


def join(page: Page, name: str | None) -> None:
    form = page.get_by_role("form", name="Join the call")
    if name:
        form.get_by_label("Your name").fill(name)
    form.get_by_role("button", name="Join", exact=True).click()


def test_third_person_sees_the_room_is_full(stack: Stack, new_page: Callable[[], Page]) -> None:
    alice, bob, carol = new_page(), new_page(), new_page()
    alice.goto(stack.url + "/")
    alice.get_by_label("Your name").fill("Alice")
    alice.get_by_role("button", name="Create room").click()
    alice.wait_for_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    room_url, room_id = alice.url, alice.url.rsplit("/", 1)[1]
    join(alice, None)
    bob.goto(room_url)
    join(bob, "Bob")
    expect(alice.locator(".grid .tile")).to_have_count(2)
    # The backend counts who is connected from the SFU's webhooks: wait until it has handled
    # both joins (it logs each webhook after recording it, with its kind and id as fields).
    deadline = time.monotonic() + 10
    joined = 0
    while joined < 2 and time.monotonic() < deadline:
        logs = httpx.get(
            f"{stack.debug_url}/api/logs", params={"room_id": room_id, "limit": 1000}
        ).json()["logs"]
        joined = sum(
            line["service"] == "backend"
            and line["metadata"].get("event") == "participant_joined"
            and "webhook_id" in line["metadata"]
            for line in logs
        )
        time.sleep(0.1)
    assert joined == 2, "the backend never heard from the SFU that both joined"

    carol.goto(room_url)
    join(carol, "Carol")
    expect(carol.get_by_role("heading", name="This room is full")).to_be_visible()
    expect(carol.get_by_role("link", name="Back to home")).to_be_visible()
    expect(alice.locator(".grid .tile")).to_have_count(2)
