"""The /logs page against the real debug service: lines from the backend and from two browsers
arrive live, the viewer's tail and filters work, and the status panel follows an SFU outage."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
from debug_service.settings import DEVELOPMENT_TOKEN
from playwright.sync_api import Page, expect

if TYPE_CHECKING:
    from conftest import Stack

SERVICES = ("backend", "debug", "frontend", "sfu")


def enter_call(page: Page, stack: Stack, name: str, room_id: str | None) -> str:
    """Creates a room (room_id None) or opens one, joins it, returns the room id."""
    if room_id is None:
        page.goto(stack.url + "/")
        page.get_by_label("Your name").fill(name)
        page.get_by_role("button", name="Create room").click()
        page.wait_for_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
        room_id = page.url.rsplit("/", 1)[1]
    else:
        page.goto(f"{stack.url}/r/{room_id}")
        page.get_by_role("form", name="Join the call").get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("navigation", name="Call controls")).to_be_visible()
    return room_id


def own_id(page: Page) -> str:
    participant_id = page.locator('[data-local="true"][data-source="camera"]').get_attribute(
        "data-participant-id"
    )
    assert participant_id
    return participant_id


def post_line(stack: Stack, message: str, level: str = "info") -> None:
    entry = {
        "timestamp": datetime.now(UTC).isoformat(),
        "service": "e2e",
        "level": level,
        "message": message,
        "metadata": {},
    }
    response = httpx.post(f"{stack.debug_url}/api/logs", json={"logs": [entry]})
    assert response.status_code == 200, response.text


def test_logs_live_from_every_side_and_status_follows_an_outage(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    viewer = new_page()
    viewer.goto(stack.url + "/logs")
    panel = viewer.get_by_role("region", name="Service status")
    for service in SERVICES:
        expect(panel.locator(f'[data-service="{service}"]')).to_have_attribute(
            "data-status", "healthy"
        )
    rows = viewer.locator(".log-line")

    # Two people join a call while the viewer is open: their lines arrive without a reload.
    alice, bob = new_page(), new_page()
    room_id = enter_call(alice, stack, "Alice", None)
    enter_call(bob, stack, "Bob", room_id)
    joined = viewer.locator('.log-line[data-service="frontend"]').filter(has_text="joined the room")
    expect(joined).to_have_count(2)
    # Each browser's line carries its room and participant id (open the metadata to see them).
    for index in range(2):
        joined.nth(index).get_by_role("button").click()
    metadata = viewer.locator(".log-metadata")
    for participant in (alice, bob):
        expect(metadata.filter(has_text=own_id(participant))).to_have_count(1)
    expect(metadata.first).to_contain_text(room_id)
    # Clicking a row scrolls the list, and scrolling up pauses the tail (as for a reader).
    resume = viewer.get_by_role("button", name="Resume")
    if resume.is_visible():
        resume.click()
    # Periodic WebRTC stats from the browsers: routine lines, shown only with the toggle.
    routine = viewer.get_by_label("Show health checks and stats")
    expect(routine).not_to_be_checked()
    routine.check()
    stats = rows.filter(has_text="webrtc stats")
    expect(stats.first).to_be_visible(timeout=20_000)
    routine.uncheck()
    expect(stats).to_have_count(0)
    expect(rows.filter(has_text="joined the room")).to_have_count(2)

    # Pause holds new lines back and counts them; resume shows them.
    viewer.get_by_role("button", name="Pause").click()
    post_line(stack, "line while paused")
    counter = viewer.get_by_role("button", name=re.compile(r"^\d+ new lines?$"))
    expect(counter).to_be_visible()
    expect(rows.filter(has_text="line while paused")).to_have_count(0)
    counter.click()
    expect(rows.filter(has_text="line while paused")).to_have_count(1)

    # Filters: minimum level and text search apply to what is shown and what streams in.
    viewer.get_by_label("Minimum level").select_option("error")
    post_line(stack, "a filtered out warning", "warn")
    post_line(stack, "an error that passes", "error")
    expect(rows.filter(has_text="an error that passes")).to_have_count(1)
    expect(rows.filter(has_text="a filtered out warning")).to_have_count(0)
    for level in rows.evaluate_all("(rows) => rows.map((row) => row.dataset.level)"):
        assert level == "error"
    viewer.get_by_label("Minimum level").select_option("debug")
    viewer.get_by_label("Search").fill("paus")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("line while paused")
    # The filter is in the URL: a reload keeps it and the service's backlog honours it.
    viewer.reload()
    expect(viewer.get_by_label("Search")).to_have_value("paus")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("line while paused")
    viewer.get_by_label("Search").fill("")

    # The SFU goes away: the panel turns it unhealthy by itself (the status is pushed).
    assert stack.livekit is not None
    stack.livekit.stop()
    sfu = panel.locator('[data-service="sfu"]')
    expect(sfu).to_have_attribute("data-status", "unhealthy", timeout=15_000)
    expect(sfu).to_contain_text("connection refused")
    for service in ("backend", "debug", "frontend"):
        expect(panel.locator(f'[data-service="{service}"]')).to_have_attribute(
            "data-status", "healthy"
        )

    # The backend's own lines about this room (shipped to DEBUG_SERVICE_URL) reach the viewer.
    viewer.get_by_label("Room").fill(room_id)
    expect(viewer.locator('.log-line[data-service="backend"]').first).to_be_visible()


def test_scrolling_back_loads_lines_older_than_the_first_page(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    # More lines than the stream's first page (its 1000-line backlog), a second apart, posted
    # newest first so that the order they arrive in is not the order of their times.
    start = datetime.now(UTC).timestamp() - 2000
    lines = [
        {
            "timestamp": start + index,
            "service": "scrollback",
            "level": "info",
            "message": f"scrollback line {index:04d}",
        }
        for index in range(1200)
    ]
    # As the operator: only its lines keep the times they give (others get their receive time).
    operator = {"Authorization": f"Bearer {DEVELOPMENT_TOKEN}"}
    for batch in (lines[600:], lines[:600]):
        response = httpx.post(f"{stack.debug_url}/api/logs", json={"logs": batch}, headers=operator)
        assert response.status_code == 200, response.text

    viewer = new_page()
    viewer.goto(stack.url + "/logs?service=scrollback")
    rows = viewer.locator('.log-line[data-service="scrollback"]')
    expect(rows.last).to_contain_text("scrollback line 1199")
    expect(rows).to_have_count(1000)
    expect(rows.first).to_contain_text("scrollback line 0200")

    viewer.get_by_role("button", name="Load older lines").click()
    expect(rows).to_have_count(1200)
    # In time order, oldest first, although the oldest arrived last.
    expect(rows.first).to_contain_text("scrollback line 0000")
    assert rows.nth(599).inner_text().endswith("scrollback line 0599")
    expect(viewer.get_by_text("No older lines.")).to_be_visible()
