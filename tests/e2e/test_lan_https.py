"""`make up` as a colleague on another machine meets it: scripts/up.sh itself (on free ports)
prints the LAN https address; a participant in a network namespace opens it, trusting the
local CA's root as the README tells people to (no --ignore-certificate-errors, so the
certificate must really be valid for the LAN address), gets camera and microphone, and both
sides decode each other's video, on each SFU provider. The invite link copied on this
machine's http://localhost page is that https address; the colleague on the plain-http
address is told why media is off, with a link to the https page."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from vr_testkit import netns
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port, free_udp_range
from vr_testkit.room_page import create_room, join, presented_frames

UP_SH = REPO_ROOT / "scripts" / "up.sh"
PRINTED_LOCAL = re.compile(r"Video Rooms is running:\s+(http://\S+)")
PRINTED_LAN = re.compile(r"From other machines:\s+(https://\S+)")
COLLEAGUE_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--use-fake-ui-for-media-stream",
    "--use-fake-device-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]


@dataclass
class MakeUp:
    """What `make up` printed, and where it keeps its certificates."""

    url: str
    lan_url: str
    tls_dir: Path


@pytest.fixture(scope="module")
def lan() -> Iterator[netns.Namespace]:
    with netns.participant_namespace() as ns:
        yield ns


@pytest.fixture(scope="module", params=["embedded", "livekit"])
def make_up(
    request: pytest.FixtureRequest,
    frontend_dist: Path,
    lan: netns.Namespace,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[MakeUp]:
    workdir = tmp_path_factory.mktemp(f"make-up-{request.param}")
    # nginx's workers (an unprivileged user when the tests run as root) serve the root
    # certificate from it, so not under pytest's private temporary directory.
    data_dir = Path(tempfile.mkdtemp(prefix="vr-make-up-data-"))
    data_dir.chmod(0o755)
    tcp = ["HTTP_PORT", "HTTPS_PORT", "BACKEND_PORT", "DEBUG_PORT", "EMBEDDED_SFU_PORT"]
    livekit = ["LIVEKIT_PORT", "LIVEKIT_TCP_PORT", "LIVEKIT_PROMETHEUS_PORT"]
    env = {name: str(free_port()) for name in [*tcp, *livekit]}
    env |= {name: str(free_port("udp")) for name in ["DEBUG_SYSLOG_PORT", "LIVEKIT_UDP_PORT"]}
    media = free_udp_range(20)  # the embedded SFU's media ports, read by it from the environment
    env["EMBEDDED_SFU_UDP_PORTS"] = f"{media}-{media + 19}"
    env |= {
        "SFU_PROVIDER": request.param,
        # This machine's address on the colleague's network (the default would be the
        # machine's own LAN address, which the namespace reaches too, but less directly).
        "LAN_HOST": lan.host_address,
        "DATA_DIR": str(data_dir),
        "FRONTEND_DIST": str(frontend_dist),
    }
    up = ManagedProcess("make-up", ["bash", str(UP_SH)], env=env, cwd=REPO_ROOT, log_dir=workdir)
    with contextlib.ExitStack() as cleanup, up:
        cleanup.callback(shutil.rmtree, data_dir, ignore_errors=True)
        deadline = time.monotonic() + 180
        while not PRINTED_LAN.search(up.output()):
            assert up.running, f"make up exited:\n{up.output()[-4000:]}"
            assert time.monotonic() < deadline, f"make up printed no LAN URL:\n{up.output()}"
            time.sleep(0.2)
        printed = up.output()
        local, lan_url = PRINTED_LOCAL.search(printed), PRINTED_LAN.search(printed)
        assert local is not None and lan_url is not None, printed
        yield MakeUp(url=local.group(1), lan_url=lan_url.group(1), tls_dir=data_dir / "tls")


def _trusting_home(lan: netns.Namespace, make_up: MakeUp, home: Path) -> Path:
    """A home directory whose NSS database (Chromium's on Linux) trusts the local CA's root,
    fetched from the other machine as the README says and installed with its certutil line."""
    root = home / "local-ca.crt"
    home.mkdir(parents=True)
    plain = make_up.url.replace("localhost", lan.host_address)
    lan.run(["curl", "-fsS", "-o", str(root), f"{plain}/local-ca.crt"])
    assert root.read_bytes() == (make_up.tls_dir / "ca.crt").read_bytes()
    nssdb = home / ".pki" / "nssdb"
    nssdb.mkdir(parents=True)
    database = f"sql:{nssdb}"
    subprocess.run(["certutil", "-d", database, "-N", "--empty-password"], check=True)
    subprocess.run(
        [
            *("certutil", "-d", database, "-A", "-t", "C,,"),
            *("-n", "Video Rooms local CA", "-i", str(root)),
        ],
        check=True,
    )
    return home


def _sees_video(page: Page, name: str) -> None:
    deadline = time.monotonic() + 30
    while True:
        first, second = presented_frames(page, name)
        if second > first:
            return
        assert time.monotonic() < deadline, f"{name}'s video presents no new frames"


def test_colleague_on_the_lan_https_address_gets_media_and_both_see_video(
    make_up: MakeUp,
    lan: netns.Namespace,
    new_page: Callable[[], Page],
    browser: Browser,
    tmp_path: Path,
) -> None:
    assert make_up.lan_url.startswith(f"https://{lan.host_address}:")
    alice = new_page()
    alice.context.grant_permissions(["clipboard-read", "clipboard-write"])
    room_id = create_room(alice, make_up, "Alice")
    join(alice)
    # The invite link Alice copies on http://localhost is the LAN https one.
    alice.get_by_role("button", name="Copy invite link").click()
    expect(alice.get_by_text("Invite link copied")).to_be_visible()
    invite = alice.evaluate("navigator.clipboard.readText()")
    assert invite == f"{make_up.lan_url}/r/{room_id}"

    home = _trusting_home(lan, make_up, tmp_path / "home")
    colleague = browser.browser_type.launch(
        executable_path=str(lan.chromium_wrapper(tmp_path)),
        args=COLLEAGUE_ARGS,
        env={**os.environ, "HOME": str(home)},
    )
    try:
        bob = colleague.new_page()
        bob.set_default_timeout(20_000)
        # Plain http from another machine: no camera, and the notice links to the https page.
        plain = make_up.url.replace("localhost", lan.host_address)
        bob.goto(f"{plain}/r/{room_id}")
        link = bob.locator('[data-problem="insecure_context"] a')
        expect(link).to_have_attribute("href", f"{make_up.lan_url}/r/{room_id}")
        link.click()
        bob.wait_for_url(invite)
        assert bob.evaluate("window.isSecureContext")
        expect(bob.locator('[data-problem="insecure_context"]')).to_have_count(0)
        join(bob, "Bob")
        _sees_video(alice, "Bob")
        _sees_video(bob, "Alice")
    finally:
        colleague.close()
