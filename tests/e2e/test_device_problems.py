"""Camera and microphone that cannot be used, said in words with what to do, and logged: on
the pre-join screen when the browser denies the permission or has no device at all, and in
the call (on both providers) when the permission is taken back between the preview and the
join, so the adapter's own capture fails. Real Chromium in each state: without the fake
prompt (a permission not granted is denied), or without the fake devices (none found)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, BrowserType, expect
from vr_testkit.e2e_stack import Stack
from vr_testkit.log_lines import LogLine, wait_for_line
from vr_testkit.room_page import CHROMIUM_ARGS, TRACK_PEER_CONNECTIONS, create_room, join

CHROMIUM = "/usr/bin/chromium"
FAKE_PROMPT = "--use-fake-ui-for-media-stream"
FAKE_DEVICES = "--use-fake-device-for-media-stream"


@pytest.fixture(scope="module")
def stack(provider_stack: Stack) -> Stack:
    return provider_stack


def launched(chromium: BrowserType, without: str) -> Browser:
    args = [arg for arg in CHROMIUM_ARGS if arg != without]
    return chromium.launch(executable_path=CHROMIUM, args=args)


@pytest.fixture(scope="module")
def asking_browser(browser: Browser) -> Iterator[Browser]:
    """Fake devices, but a real permission check: what the context was not granted is denied."""
    launched_browser = launched(browser.browser_type, FAKE_PROMPT)
    yield launched_browser
    launched_browser.close()


@pytest.fixture(scope="module")
def deviceless_browser(browser: Browser) -> Iterator[Browser]:
    """Permission granted, but no camera or microphone on this machine at all."""
    launched_browser = launched(browser.browser_type, FAKE_DEVICES)
    yield launched_browser
    launched_browser.close()


@pytest.fixture
def context_of() -> Iterator[Callable[..., BrowserContext]]:
    contexts: list[BrowserContext] = []

    def open_context(browser: Browser, permissions: list[str] | None = None) -> BrowserContext:
        context = browser.new_context(permissions=permissions or [])
        context.add_init_script(TRACK_PEER_CONNECTIONS)
        contexts.append(context)
        return context

    yield open_context
    for context in contexts:
        context.close()


def problem(code: str, device: str) -> str:
    return f'[data-problem="{code}"][data-device="{device}"]'


def logged(code: str, device: str, where: str) -> Callable[[LogLine], bool]:
    def matches(line: LogLine) -> bool:
        metadata = line["metadata"]
        return (metadata.get("problem"), metadata.get("device"), metadata.get("where")) == (
            code,
            device,
            where,
        )

    return matches


def test_denied_permission_says_which_device_and_how_to_allow_it(
    stack: Stack, asking_browser: Browser, context_of: Callable[..., BrowserContext]
) -> None:
    page = context_of(asking_browser).new_page()
    room_id = create_room(page, stack, "Alice")
    for device, label in (("camera", "Camera"), ("microphone", "Microphone")):
        notice = page.locator(problem("permission_denied", device))
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"{label}: permission was denied")
        expect(notice).to_contain_text(re.compile("address bar.*Allow.*reload"))
        denied = logged("permission_denied", device, "prejoin")
        line = wait_for_line(stack.debug_url, room_id, denied)
        assert line["level"] == "warn"


def test_no_device_says_which_is_missing(
    stack: Stack, deviceless_browser: Browser, context_of: Callable[..., BrowserContext]
) -> None:
    page = context_of(deviceless_browser, ["camera", "microphone"]).new_page()
    room_id = create_room(page, stack, "Alice")
    for device in ("camera", "microphone"):
        notice = page.locator(problem("no_device", device))
        expect(notice).to_be_visible()
        expect(notice).to_contain_text(f"no {device} was found")
        wait_for_line(stack.debug_url, room_id, logged("no_device", device, "prejoin"))


def test_permission_taken_back_before_the_join_is_said_in_the_call(
    stack: Stack, asking_browser: Browser, context_of: Callable[..., BrowserContext]
) -> None:
    context = context_of(asking_browser, ["camera", "microphone"])
    page = context.new_page()
    room_id = create_room(page, stack, "Alice")
    # The preview had the camera; the person then blocks it in the site settings and joins.
    expect(page.locator(".preview video")).to_be_visible()
    context.clear_permissions()
    join(page)
    details = page.get_by_role("region", name="Connection details")
    expect(details.locator(problem("permission_denied", "camera"))).to_contain_text(
        "Camera: permission was denied"
    )
    expect(details.locator(problem("permission_denied", "microphone"))).to_be_visible()
    me = page.locator('[data-local="true"]')
    expect(me).to_have_attribute("data-camera", "off")
    line = wait_for_line(stack.debug_url, room_id, logged("permission_denied", "camera", "call"))
    assert line["metadata"]["participant_id"] == me.get_attribute("data-participant-id")
    # Turning the camera on again in the call says the same, not the browser's error name.
    controls = page.get_by_role("navigation", name="Call controls")
    controls.get_by_role("button", name="Camera").click()
    expect(page.locator(".toast")).to_contain_text("Camera: permission was denied")
    expect(me).to_have_attribute("data-camera", "off")
