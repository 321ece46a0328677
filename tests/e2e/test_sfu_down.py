"""With livekit-server stopped, the app says the media server is down instead of failing."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Stack


@pytest.fixture(scope="module")
def room_then_outage(stack: Stack) -> str:
    """A room made while the SFU was up; then the SFU stops."""
    response = httpx.post(f"{stack.url}/api/rooms", json={"participant_name": "Early"})
    assert response.status_code == 201, response.text
    assert stack.livekit is not None
    stack.livekit.stop()
    return str(response.json()["room_id"])


def test_joining_shows_the_sfu_down_page(
    stack: Stack, room_then_outage: str, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    page.goto(f"{stack.url}/r/{room_then_outage}")
    form = page.get_by_role("form", name="Join the call")
    form.get_by_label("Your name").fill("Late")
    form.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("heading", name="The media server is unavailable")).to_be_visible()
    expect(page.get_by_role("button", name="Try again")).to_be_visible()
    page.get_by_role("link", name="Back to home").click()
    expect(page.get_by_role("button", name="Create room")).to_be_visible()


def test_creating_a_room_says_the_sfu_is_down(
    stack: Stack, room_then_outage: str, new_page: Callable[[], Page]
) -> None:
    page = new_page()
    page.goto(stack.url + "/")
    page.get_by_label("Your name").fill("Someone")
    page.get_by_role("button", name="Create room").click()
    expect(page.get_by_role("alert")).to_contain_text("media server is not reachable")
    expect(page).to_have_url(stack.url + "/")
