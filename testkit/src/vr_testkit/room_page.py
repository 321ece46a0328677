"""Driving the app's room page in Playwright: the steps every browser test repeats.

A module of the test kit because pytest's importlib mode keeps test modules from importing
each other; the e2e tests and the frontend benchmark share these instead of copying them.
"""

from __future__ import annotations

import re
import time
from typing import Protocol

from playwright.sync_api import Page, expect

# Headless Chromium as every browser test runs it (a namespace's browser adds its own flags).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # A fake camera (moving test pattern) and microphone (a beep), granted without a prompt.
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    # Screen sharing picks the whole screen without the picker dialog.
    "--auto-select-desktop-capture-source=Entire screen",
    # Remote audio may start without a click, as it does for a user who interacted before.
    "--autoplay-policy=no-user-gesture-required",
]

# Counts every RTCPeerConnection a page makes, so tests can read inbound RTP stats no matter
# which SFU adapter made the connection; and records every Content-Security-Policy violation,
# so that any test in which nginx's policy blocks something the app does fails.
TRACK_PEER_CONNECTIONS = """
(() => {
  const Native = window.RTCPeerConnection;
  window.__pcs = [];
  window.RTCPeerConnection = class extends Native {
    constructor(...args) { super(...args); window.__pcs.push(this); }
  };
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    window.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
  });
})();
"""

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


def join(page: Page, name: str | None = None, *, connect_timeout_ms: float = 5_000) -> None:
    """From the pre-join screen: wait for the camera preview, then join (and for the call's
    controls, within `connect_timeout_ms`: longer for a browser on a slow or relayed path)."""
    form = page.get_by_role("form", name="Join the call")
    expect(form).to_be_visible()
    if name is not None:
        form.get_by_label("Your name").fill(name)
    expect(page.locator(".preview video")).to_be_visible()
    form.get_by_role("button", name="Join", exact=True).click()
    expect(page.get_by_role("navigation", name="Call controls")).to_be_visible(
        timeout=connect_timeout_ms
    )


def presented_frames(page: Page, name: str, source: str = "camera") -> tuple[float, float]:
    """The frames `name`'s video presented, read twice a second apart (the second is larger
    while video plays)."""
    video = page.locator(f"{tile(page, name, source)} video")
    expect(video).to_be_visible()
    page.wait_for_function("(v) => v.videoWidth > 0", arg=video.element_handle())
    first = float(video.evaluate(PRESENTED_FRAMES))
    page.wait_for_timeout(1000)
    return first, float(video.evaluate(PRESENTED_FRAMES))


# Inbound RTP of every connection the page made (TRACK_PEER_CONNECTIONS): video frames decoded,
# audio packets and energy, whichever SFU adapter made them.
INBOUND = """
async () => {
  const out = { videoFrames: 0, audioPackets: 0, audioEnergy: 0 };
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      if (s.kind === 'video') out.videoFrames += s.framesDecoded || 0;
      if (s.kind === 'audio') {
        out.audioPackets += s.packetsReceived || 0;
        out.audioEnergy += s.totalAudioEnergy || 0;
      }
    });
  }
  return out;
}
"""


def wait_rising(page: Page, script: str, key: str, *, arg: object = None) -> tuple[float, float]:
    """Samples a counter twice, a second apart, after it first becomes positive."""
    deadline = time.monotonic() + 15
    while True:
        value = page.evaluate(script, arg) if arg is not None else page.evaluate(script)
        first = float(value[key] if key else value)
        if first > 0 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    time.sleep(1.0)
    value = page.evaluate(script, arg) if arg is not None else page.evaluate(script)
    return first, float(value[key] if key else value)
