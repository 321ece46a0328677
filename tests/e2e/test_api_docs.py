"""The API docs open through nginx at /api/docs, under the app's Content-Security-Policy
(the `new_page` fixture fails the test on any violation), with nothing from another origin."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, Request, expect

if TYPE_CHECKING:
    from conftest import Stack


def test_api_docs_render_through_nginx(stack: Stack, new_page: Callable[[], Page]) -> None:
    page = new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    failed: list[str] = []
    page.on("requestfailed", lambda request: failed.append(describe(request)))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))

    response = page.goto(stack.url + "/api/docs")
    assert response is not None and response.ok
    assert "Content-Security-Policy" in {name.title() for name in response.headers}
    expect(page.get_by_role("heading", name="Video Rooms")).to_be_visible()
    join = page.locator(".opblock-summary-path", has_text="/api/rooms/{room_id}/join")
    expect(join).to_be_visible()
    expect(page.locator(".btn.authorize")).to_be_visible()  # the bearer scheme is declared

    # Opening an operation shows its declared error responses, in the one error shape.
    join.click()
    not_found = page.locator(".responses-table .response[data-code='404']")
    expect(not_found).to_be_visible()
    expect(not_found).to_contain_text('"error": {')
    expect(not_found).to_contain_text('"code": "string"')

    assert errors == []
    assert failed == []
    assert requested and all(url.startswith(stack.url) for url in requested), requested


def describe(request: Request) -> str:
    return f"{request.url}: {request.failure}"
