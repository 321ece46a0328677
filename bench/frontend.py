"""Frontend figures: (a) time from clicking "Join" to the first decoded remote video frame,
median of 5, and (b) gzipped JavaScript loaded by the home page and by the room page.

Runs the same stack as the browser tests (tests/e2e/conftest.py: livekit-server, debug
service, backend, nginx with config/nginx.conf serving the built app) and real Chromium with
a fake camera. Sizes are what nginx actually sent (gzip level from config/nginx.conf).
"""

from __future__ import annotations

import importlib.util
import re
import statistics
import subprocess
import sys
from pathlib import Path
from types import ModuleType

from playwright.sync_api import Page, Request, sync_playwright
from vr_testkit.room_page import MEASURE_FIRST_FRAME, join

ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 5
JOIN_TARGET_MS = 1000
HOME_JS_TARGET_KB = 80


def _e2e_conftest() -> ModuleType:
    """The browser tests' stack and Chromium flags, so the bench measures the same setup."""
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


def main() -> None:
    e2e = _e2e_conftest()
    subprocess.run(
        ["npm", "run", "--silent", "build"],
        cwd=ROOT / "frontend",
        check=True,
        stdout=subprocess.DEVNULL,
    )
    stack = e2e.Stack().start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=e2e.CHROMIUM, args=e2e.CHROMIUM_ARGS
            )

            def new_page() -> tuple[Page, list[Request]]:
                context = browser.new_context(permissions=["camera", "microphone"])
                page = context.new_page()
                seen: list[Request] = []
                page.on("requestfinished", lambda request: seen.append(request))
                return page, seen

            home, home_requests = new_page()
            home.goto(stack.url + "/", wait_until="networkidle")
            home_js = _js_bytes(home_requests)
            home.get_by_label("Your name").fill("Bench")
            home.get_by_role("button", name="Create room").click()
            home.wait_for_url(re.compile(r"/r/"))
            room_url = home.url

            fresh, fresh_requests = new_page()
            fresh.goto(room_url, wait_until="networkidle")
            room_js = _js_bytes(fresh_requests)

            timings = []
            for round_ in range(ROUNDS):
                host, _ = new_page()
                host.goto(stack.url + "/")
                host.get_by_label("Your name").fill(f"Host{round_}")
                host.get_by_role("button", name="Create room").click()
                host.wait_for_url(re.compile(r"/r/"))
                join(host, f"Host{round_}")
                guest, _ = new_page()
                guest.goto(host.url)
                guest.evaluate(MEASURE_FIRST_FRAME, f"Host{round_}")
                join(guest, f"Guest{round_}")
                timings.append(float(guest.evaluate("window.__firstFrame")))
                host.context.close()
                guest.context.close()
            browser.close()
    finally:
        stack.stop()

    median = statistics.median(timings)
    print(
        f"join -> first remote frame: median {median:.0f} ms of {ROUNDS} "
        f"({', '.join(f'{t:.0f}' for t in timings)}); target < {JOIN_TARGET_MS} ms "
        f"{'OK' if median < JOIN_TARGET_MS else 'MISSED'}"
    )
    print(
        f"gzipped JS: home page {home_js / 1000:.1f} KB (target < {HOME_JS_TARGET_KB} KB "
        f"{'OK' if home_js / 1000 < HOME_JS_TARGET_KB else 'MISSED'}), "
        f"room page {room_js / 1000:.1f} KB"
    )


if __name__ == "__main__":
    main()
