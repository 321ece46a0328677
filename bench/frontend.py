"""Frontend figures: (a) time from clicking "Join" to the first remote video frame presented,
median of 5, beside the physical floor measured in the same Chromium and run: a bare page
with two RTCPeerConnections over loopback, from the offer to the first frame of the same fake
camera presented; and (b) gzipped JavaScript loaded by the home page and by the room page.

Runs the same stack as the browser tests (vr_testkit.e2e_stack: livekit-server, debug
service, backend, nginx with config/nginx.conf serving the frontend built for the run) and
real Chromium with a fake camera. Sizes are what nginx actually sent (gzip level from
config/nginx.conf).
"""

from __future__ import annotations

import importlib.util
import re
import statistics
import sys
from pathlib import Path
from types import ModuleType

from playwright.sync_api import Browser, Page, Request, Route, sync_playwright
from vr_testkit.e2e_stack import Stack, built_frontend, started
from vr_testkit.room_page import MEASURE_FIRST_FRAME, join

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5
JOIN_TARGET_MS = 1000
HOME_JS_TARGET_KB = 80

# The floor: one page, its camera already open (as the host's is in the call), then a sender
# and a receiver RTCPeerConnection negotiate in the page and ICE runs over loopback. Resolves
# with the milliseconds from creating the offer to the first frame presented on the receiver's
# <video> (requestVideoFrameCallback, as MEASURE_FIRST_FRAME times our call).
FLOOR_FIRST_FRAME = """
async () => {
  const camera = await navigator.mediaDevices.getUserMedia({
    video: { width: 1280, height: 720 } });
  const video = document.createElement('video');
  video.muted = true;
  video.autoplay = true;
  video.playsInline = true;
  document.body.append(video);
  const sender = new RTCPeerConnection();
  const receiver = new RTCPeerConnection();
  sender.onicecandidate = (event) => event.candidate && receiver.addIceCandidate(event.candidate);
  receiver.onicecandidate = (event) => event.candidate && sender.addIceCandidate(event.candidate);
  const started = performance.now();
  const presented = new Promise((resolve) => {
    receiver.ontrack = (event) => {
      video.srcObject = new MediaStream([event.track]);
      video.requestVideoFrameCallback((now) => resolve(now - started));
    };
  });
  for (const track of camera.getVideoTracks()) sender.addTrack(track, camera);
  await sender.setLocalDescription();
  await receiver.setRemoteDescription(sender.localDescription);
  await receiver.setLocalDescription();
  await sender.setRemoteDescription(receiver.localDescription);
  const ms = await presented;
  sender.close();
  receiver.close();
  for (const track of camera.getTracks()) track.stop();
  return ms;
}
"""
FLOOR_PATH = "/bench-floor"  # served by the bench itself (a route), on the app's origin


def _e2e_conftest() -> ModuleType:
    """The browser tests' Chromium flags, so the bench measures the same setup."""
    spec = importlib.util.spec_from_file_location(
        "vr_e2e_conftest", ROOT / "tests" / "e2e" / "conftest.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses look their module up in sys.modules while the class is being made.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _js_bytes(requests: list[Request]) -> int:
    total = 0
    for request in requests:
        if request.resource_type == "script" and request.response() is not None:
            total += request.sizes()["responseBodySize"]
    return total


def _new_page(browser: Browser) -> tuple[Page, list[Request]]:
    context = browser.new_context(permissions=["camera", "microphone"])
    page = context.new_page()
    seen: list[Request] = []
    page.on("requestfinished", lambda request: seen.append(request))
    return page, seen


def _our_first_frame(browser: Browser, stack: Stack, round_: int) -> float:
    """A host in a new room, then a guest joins: the guest's click to the host's first frame."""
    host, _ = _new_page(browser)
    host.goto(stack.url + "/")
    host.get_by_label("Your name").fill(f"Host{round_}")
    host.get_by_role("button", name="Create room").click()
    host.wait_for_url(re.compile(r"/r/"))
    join(host, f"Host{round_}")
    guest, _ = _new_page(browser)
    guest.goto(host.url)
    guest.evaluate(MEASURE_FIRST_FRAME, f"Host{round_}")
    join(guest, f"Guest{round_}")
    ms = float(guest.evaluate("window.__firstFrame"))
    host.context.close()
    guest.context.close()
    return ms


def _floor_first_frame(browser: Browser, stack: Stack) -> float:
    page, _ = _new_page(browser)

    def bare(route: Route) -> None:
        route.fulfill(content_type="text/html", body="<!doctype html><title>floor</title>")

    # A page of the app's origin (a secure context on loopback, like the app) with nothing in it.
    page.route(stack.url + FLOOR_PATH, bare)
    page.goto(stack.url + FLOOR_PATH)
    ms = float(page.evaluate(FLOOR_FIRST_FRAME))
    page.context.close()
    return ms


def main(rounds: int = ROUNDS) -> None:
    e2e = _e2e_conftest()
    with (
        built_frontend() as dist,
        started(Stack(static_root=dist)) as stack,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS)
        home, home_requests = _new_page(browser)
        home.goto(stack.url + "/", wait_until="networkidle")
        home_js = _js_bytes(home_requests)
        home.get_by_label("Your name").fill("Bench")
        home.get_by_role("button", name="Create room").click()
        home.wait_for_url(re.compile(r"/r/"))
        fresh, fresh_requests = _new_page(browser)
        fresh.goto(home.url)
        # Network idle alone can come before the room's lazy chunks on a loaded machine: first
        # the pre-join form (the room route loaded, the SFU adapters' preload started).
        fresh.get_by_role("form", name="Join the call").wait_for()
        fresh.wait_for_load_state("networkidle")
        room_js = _js_bytes(fresh_requests)
        home.context.close()
        fresh.context.close()

        # Alternated, so that both see the same moments of a noisy machine.
        ours, floor = [], []
        for round_ in range(rounds):
            ours.append(_our_first_frame(browser, stack, round_))
            floor.append(_floor_first_frame(browser, stack))
        browser.close()

    median, floor_median = statistics.median(ours), statistics.median(floor)
    print(
        f"join -> first remote frame: median {median:.0f} ms of {rounds} "
        f"({', '.join(f'{t:.0f}' for t in ours)}); target < {JOIN_TARGET_MS} ms "
        f"{'OK' if median < JOIN_TARGET_MS else 'MISSED'}"
    )
    print(
        f"floor (two RTCPeerConnections in one page over loopback, same Chromium): median "
        f"{floor_median:.0f} ms ({', '.join(f'{t:.0f}' for t in floor)}); "
        f"ours is {median / floor_median:.1f}x the floor"
    )
    print(
        f"gzipped JS: home page {home_js / 1000:.1f} KB (target < {HOME_JS_TARGET_KB} KB "
        f"{'OK' if home_js / 1000 < HOME_JS_TARGET_KB else 'MISSED'}), "
        f"room page {room_js / 1000:.1f} KB"
    )


if __name__ == "__main__":
    main()
