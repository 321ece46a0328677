"""The /logs page against a debug service in production (APP_ENV=production): the live stream
needs the operator token, so the page asks for it, says when it is refused without retrying,
streams once it is right, and keeps it for the tab (sessionStorage) across a reload."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import TYPE_CHECKING

import httpx
from playwright.sync_api import Locator, Page, WebSocket, expect

if TYPE_CHECKING:
    from conftest import Stack

# A fresh secret per run, as production requires (32+ characters); never a literal.
OPERATOR_TOKEN = secrets.token_urlsafe(36)
DEBUG_ENV = {"APP_ENV": "production", "DEBUG_TOKEN": OPERATOR_TOKEN}
# The backend stays in development, but ships its lines with the token as a production one does.
BACKEND_ENV = {"DEBUG_TOKEN": OPERATOR_TOKEN}


def token_input(page: Page) -> Locator:
    return page.get_by_label("Operator token", exact=True)


def stored_token(page: Page) -> str | None:
    return page.evaluate("sessionStorage.getItem('video-rooms:debug-operator-token')")


def submit_token(page: Page, token: str) -> None:
    token_input(page).fill(token)
    page.get_by_role("button", name="Connect").click()


def test_logs_ask_for_the_operator_token_in_production(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    # The service really is in production: reading without the token is refused, even through
    # nginx from loopback, while the status endpoint stays open.
    assert httpx.get(f"{stack.url}/debug/api/logs").status_code == 401
    assert httpx.get(f"{stack.url}/debug/api/services").status_code == 200

    viewer = new_page()
    streams: list[WebSocket] = []
    viewer.on("websocket", lambda ws: streams.append(ws) if "/debug/ws" in ws.url else None)
    viewer.goto(stack.url + "/logs")
    rows = viewer.locator(".log-line")
    panel = viewer.get_by_role("region", name="Service status")

    # Refused without a token: the form, no lines, and the status panel still works.
    expect(viewer.get_by_role("heading", name="Operator token required")).to_be_visible()
    expect(viewer.get_by_text("DEBUG_TOKEN")).to_be_visible()
    expect(token_input(viewer)).to_have_attribute("type", "password")
    expect(rows).to_have_count(0)
    expect(panel.get_by_role("status")).to_have_text("Live stream needs the operator token")
    expect(panel.locator('[data-service="backend"]')).to_have_attribute("data-status", "healthy")
    assert len(streams) == 1
    assert "token=" not in streams[0].url

    # A wrong token: "refused", the form again, and no reconnecting with it by itself.
    submit_token(viewer, secrets.token_urlsafe(36))
    expect(viewer.get_by_role("alert")).to_contain_text("Token refused")
    expect(token_input(viewer)).to_be_visible()
    expect(rows).to_have_count(0)
    # (Waiting through Playwright, so that a stream opened meanwhile would be counted.)
    viewer.wait_for_timeout(3000)
    assert len(streams) == 2
    assert stored_token(viewer) is None

    # The right token: the stream opens and the backend's lines arrive live.
    submit_token(viewer, OPERATOR_TOKEN)
    expect(panel.get_by_role("status")).to_have_text("Live")
    expect(token_input(viewer)).to_have_count(0)
    assert "token=" in streams[-1].url
    created = httpx.post(f"{stack.url}/api/rooms", json={"participant_name": "Operator"})
    assert created.status_code == 201, created.text
    room_id = created.json()["room_id"]
    room_created = viewer.locator('.log-line[data-service="backend"]').filter(
        has_text="room created"
    )
    expect(room_created).to_have_count(1)
    room_created.get_by_role("button").click()
    expect(viewer.locator(".log-metadata").first).to_contain_text(room_id)
    # The token stays in this tab only.
    assert stored_token(viewer) == OPERATOR_TOKEN
    assert viewer.evaluate("localStorage.length") == 0

    # A reload keeps streaming without asking again.
    viewer.reload()
    expect(panel.get_by_role("status")).to_have_text("Live")
    expect(room_created).to_have_count(1)
    expect(token_input(viewer)).to_have_count(0)

    # Another tab (another session) is asked again; "forget token" asks here too.
    other = new_page()
    other.goto(stack.url + "/logs")
    expect(token_input(other)).to_be_visible()
    viewer.get_by_role("button", name="Forget token").click()
    expect(token_input(viewer)).to_be_visible()
    expect(rows).to_have_count(0)
    assert stored_token(viewer) is None
