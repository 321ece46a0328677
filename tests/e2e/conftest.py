"""Browser-test fixtures: the whole app on loopback (vr_testkit.e2e_stack) per module or per
SFU provider, and headless Chromium pages with a fake camera and microphone."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from vr_testkit.e2e_stack import Stack, built_frontend, started
from vr_testkit.processes import REPO_ROOT
from vr_testkit.room_page import CHROMIUM_ARGS, TRACK_PEER_CONNECTIONS

__all__ = ["Stack"]  # the tests' type annotations import it from here

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = REPO_ROOT / "test-results" / "e2e"


@pytest.fixture(scope="session")
def frontend_dist() -> Iterator[Path]:
    """The frontend built once per run (vr_testkit.e2e_stack.built_frontend)."""
    with built_frontend() as out_dir:
        yield out_dir


@pytest.fixture(scope="module")
def stack(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """One app for the tests of a module (each test makes its own rooms). A module can set
    BACKEND_ENV (or DEBUG_ENV) to run its backend (or debug service) with other settings."""
    running = Stack(
        static_root=frontend_dist,
        backend_env=getattr(request.module, "BACKEND_ENV", {}),
        debug_env=getattr(request.module, "DEBUG_ENV", {}),
    )
    with started(running):
        yield running


@pytest.fixture(scope="module", params=["livekit", "embedded"])
def provider_stack(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The app on each SFU provider in turn: a module whose tests use this fixture (or alias
    `stack` to it) runs them all once per provider."""
    running = Stack(
        static_root=frontend_dist,
        sfu_provider=request.param,
        backend_env=getattr(request.module, "BACKEND_ENV", {}),
    )
    with started(running):
        yield running


@pytest.fixture(scope="module")
def embedded_stack(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Stack]:
    """The app on the embedded SFU only, for tests of what only it does."""
    running = Stack(
        static_root=frontend_dist,
        sfu_provider="embedded",
        backend_env=getattr(request.module, "BACKEND_ENV", {}),
    )
    with started(running):
        yield running


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Callable[[], Page]]:
    """Opens pages in separate browser contexts (separate people); each ends with a screenshot
    in test-results/e2e/ so a failure can be seen, not just read."""
    contexts: list[BrowserContext] = []
    pages: list[Page] = []

    def open_page() -> Page:
        context = browser.new_context(
            viewport={"width": 1280, "height": 720},
            permissions=["camera", "microphone"],
        )
        context.add_init_script(TRACK_PEER_CONNECTIONS)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        pages.append(page)
        return page

    yield open_page
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    violations: list[str] = []
    for index, page in enumerate(pages):
        with contextlib.suppress(PlaywrightError):
            page.screenshot(path=str(ARTIFACTS / f"{request.node.name}-{index}.png"))
            violations += page.evaluate("window.__cspViolations ?? []")
    for context in contexts:
        with contextlib.suppress(PlaywrightError):
            context.close()
    assert not violations, f"Content-Security-Policy violations: {violations}"
