"""Driving the app's room page in Playwright: the steps every browser test repeats.

A module of the test kit because pytest's importlib mode keeps test modules from importing
each other; the e2e tests and the frontend benchmark share these instead of copying them.
"""

from __future__ import annotations

import re
from typing import Protocol

from playwright.sync_api import Page, expect

# Frames the <video> element itself presented: what the person actually sees.
PRESENTED_FRAMES = "(video) => video.getVideoPlaybackQuality().totalVideoFrames"

# Resolves with the milliseconds from the click on "Join" to the first frame of `name`'s camera
# presented in this page (requestVideoFrameCallback fires when a frame is composited).
MEASURE_FIRST_FRAME = """
(name) => {
  window.__firstFrame = new Promise((resolve) => {
    let clickedAt = null;
    document.addEventListener('click', (event) => {
      if (event.target.closest('button[type=submit]')) clickedAt = performance.now();
    }, { capture: true });
    const look = () => {
      const video = document.querySelector(
        `[data-participant-name="${name}"][data-source="camera"] video`);
      if (clickedAt !== null && video && !video.hidden && video.srcObject) {
        video.requestVideoFrameCallback((now) => resolve(now - clickedAt));
        return;
      }
      requestAnimationFrame(look);
    };
    look();
  });
}
"""


class HasUrl(Protocol):
    @property
    def url(self) -> str: ...


def tile(page: Page, name: str, source: str = "camera") -> str:
    """CSS selector of `name`'s tile for a video source ("camera" or "screen")."""
    return f'[data-participant-name="{name}"][data-source="{source}"]'


def create_room(page: Page, app: HasUrl, name: str) -> str:
    """Creates a room from the home page as `name`; returns its id (the page is at /r/:id)."""
    page.goto(app.url + "/")
    page.get_by_label("Your name").fill(name)
    page.get_by_role("button", name="Create room").click()
    page.wait_for_url(re.compile(r"/r/[A-Za-z0-9_-]+$"))
    return page.url.rsplit("/", 1)[1]


def join(page: Page, name: str | None = None) -> None:
    """From the pre-join screen: wait for the camera preview, then join."""
    form = page.get_by_role("form", name="Join the call")
    expect(form).to_be_visible()
    if name is not None:
        form.get_by_label("Your name").fill(name)
    expect(page.locator(".preview video")).to_be_visible()
    form.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("navigation", name="Call controls")).to_be_visible()


def presented_frames(page: Page, name: str, source: str = "camera") -> tuple[float, float]:
    """The frames `name`'s video presented, read twice a second apart (the second is larger
    while video plays)."""
    video = page.locator(f"{tile(page, name, source)} video")
    expect(video).to_be_visible()
    page.wait_for_function("(v) => v.videoWidth > 0", arg=video.element_handle())
    first = float(video.evaluate(PRESENTED_FRAMES))
    page.wait_for_timeout(1000)
    return first, float(video.evaluate(PRESENTED_FRAMES))
