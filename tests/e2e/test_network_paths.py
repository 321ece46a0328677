"""A participant on another host behind NAT (a network namespace with a masquerading router)
calls one on this machine, on both SFU providers: first with UDP allowed (a direct path), then
behind a corporate firewall at its worst, with all UDP dropped and TCP only to the app's port
and 443. There the call goes through the provider's TURN relay over TLS (coturn for the
embedded SFU, LiveKit's own TURN), both people still see and hear each other, and the path
shows in the stats lines in /logs. The embedded SFU's UDP sockets stay in its configured range
all along."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Locator, Page, expect
from vr_testkit import netns
from vr_testkit.certs import self_signed
from vr_testkit.coturn import Coturn
from vr_testkit.e2e_stack import Stack, started
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.livekit import LiveKitServer, LiveKitTurn
from vr_testkit.processes import free_udp_range
from vr_testkit.room_page import (
    CHROMIUM_ARGS,
    TRACK_PEER_CONNECTIONS,
    create_room,
    join,
    presented_frames,
    tile,
)
from vr_testkit.sockets import udp_sockets

SFU_UDP_PORTS = 40
TURN_TLS_PORT = 443  # what the participant's firewall lets out, besides the app's own port

INBOUND_AUDIO_BYTES = """
async () => {
  let bytes = 0;
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'audio') bytes += s.bytesReceived || 0;
    });
  }
  return bytes;
}
"""


@dataclass
class Network:
    stack: Stack
    ns: netns.Namespace
    app_url: str  # the app as the namespace's browser opens it
    sfu_ports: range | None  # the embedded SFU's media range


@pytest.fixture(scope="module", params=["embedded", "livekit"])
def network(frontend_dist: Path, request: pytest.FixtureRequest) -> Iterator[Network]:
    """The app listening where a namespace behind NAT reaches it, with the provider's TURN
    relay on TLS at the namespace's 443 (a redirect in its router to the relay's free port)."""
    provider: str = request.param
    with netns.participant_namespace(nat=True) as ns:
        host = ns.host_address
        stack = Stack(static_root=frontend_dist, sfu_provider=provider, listen_address="0.0.0.0")
        coturn: Coturn | None = None
        sfu_ports: range | None = None
        if provider == "embedded":
            coturn = Coturn(address=host, allowed_peer=host).start()
            first = free_udp_range(SFU_UDP_PORTS)
            sfu_ports = range(first, first + SFU_UDP_PORTS)
            urls = [
                f"turn:{host}:{coturn.port}?transport=udp",
                f"turn:{host}:{coturn.port}?transport=tcp",
                f"turns:{host}:{TURN_TLS_PORT}?transport=tcp",
            ]
            stack.sfu_env = {
                "EMBEDDED_SFU_UDP_PORTS": f"{first}-{first + SFU_UDP_PORTS - 1}",
                "EMBEDDED_SFU_TURN_URLS": ",".join(urls),
                "EMBEDDED_SFU_TURN_SECRET": coturn.secret,
            }
            tls_port = coturn.tls_port
        else:
            # LiveKit tells browsers turns:<domain>:443; the domain here is the host's address.
            certificate = self_signed(stack.workdir / "turn-cert", host, ip=host)
            turn = LiveKitTurn(domain=host, certificate=certificate)
            stack.livekit = LiveKitServer(
                address="0.0.0.0", node_ip=host, turn=turn, workdir=stack.workdir / "livekit"
            )
            tls_port = turn.tls_port
        ns.redirect_tcp(host, TURN_TLS_PORT, tls_port)
        try:
            with started(stack):
                yield Network(stack, ns, f"http://{host}:{stack.http_port}", sfu_ports)
        finally:
            if coturn is not None:
                coturn.stop()


@pytest.fixture
def remote_page(network: Network, browser: Browser, tmp_path: Path) -> Iterator[Callable[[], Page]]:
    """Pages of a Chromium running inside the namespace (another host, behind NAT)."""
    launched = browser.browser_type.launch(
        executable_path=str(network.ns.chromium_wrapper(tmp_path)),
        args=[
            *CHROMIUM_ARGS,
            # Camera and microphone on the plain-http address, as on an https one.
            f"--unsafely-treat-insecure-origin-as-secure={network.app_url}",
            # The relays' test certificates are self-signed; production has real ones.
            "--ignore-certificate-errors",
        ],
    )

    def open_page() -> Page:
        context = launched.new_context(permissions=["camera", "microphone"])
        context.add_init_script(TRACK_PEER_CONNECTIONS)
        page = context.new_page()
        page.set_default_timeout(30_000)
        return page

    try:
        yield open_page
    finally:
        launched.close()


def _sees_and_hears(viewer: Page, name: str) -> None:
    # A loaded machine and a relayed path make the first subscription slow: wait for it.
    video = viewer.locator(f"{tile(viewer, name)} video")
    expect(video).to_be_visible(timeout=30_000)
    viewer.wait_for_function("(v) => v.videoWidth > 0", arg=video.element_handle(), timeout=30_000)
    before, after = presented_frames(viewer, name)
    assert after > before, f"{name}'s video does not play"
    deadline = time.monotonic() + 20
    first = viewer.evaluate(INBOUND_AUDIO_BYTES)
    while viewer.evaluate(INBOUND_AUDIO_BYTES) <= first:
        assert time.monotonic() < deadline, f"no audio from {name}"
        time.sleep(0.5)


def _shipped_path(network: Network, room_id: str, page: Page) -> str:
    """The path in the stats lines page's browser shipped to /logs for its own streams."""
    local = page.locator('[data-local="true"][data-source="camera"]')
    participant_id = local.get_attribute("data-participant-id")
    stack = network.stack
    deadline = time.monotonic() + 30
    while True:
        logs = httpx.get(
            f"{stack.debug_url}/api/logs",
            params={"room_id": room_id, "q": "webrtc stats", "limit": 500},
        ).json()["logs"]
        paths = [
            stream["path"]
            for line in logs
            if line["message"] == "webrtc stats"
            for stream in line["metadata"]["streams"]
            if stream["participantId"] == participant_id and stream["direction"] == "outbound"
        ]
        if any(paths):
            return str(next(p for p in paths if p))
        assert time.monotonic() < deadline, f"no stats line with a path for {participant_id}"
        time.sleep(1)


def _path_label(page: Page, name: str) -> Locator:
    """The connection path shown in `name`'s camera tile (its connection-quality details)."""
    return page.locator(f"{tile(page, name)} .tile-path")


def _assert_sfu_ports(network: Network) -> None:
    sfu = network.stack.embedded_sfu
    if network.sfu_ports is None or not isinstance(sfu, EmbeddedSfuProcess):
        return
    held = udp_sockets(sfu.pid)
    assert held, "the embedded SFU holds no UDP socket during the call"
    outside = [s for s in held if s[1] not in network.sfu_ports]
    assert not outside, f"UDP sockets outside {network.sfu_ports}: {outside}"


def _call(
    network: Network, new_page: Callable[[], Page], remote_page: Callable[[], Page]
) -> tuple[str, Page, Page]:
    alice = new_page()
    room_id = create_room(alice, network.stack, "Alice")
    join(alice)
    bob = remote_page()
    bob.goto(f"{network.app_url}/r/{room_id}")
    # Over a relay, ICE tries the direct candidates first: allow it time to give up on them.
    join(bob, "Bob", connect_timeout_ms=30_000)
    _sees_and_hears(alice, "Bob")
    _sees_and_hears(bob, "Alice")
    _assert_sfu_ports(network)
    return room_id, alice, bob


def test_behind_nat_with_udp_the_path_is_direct(
    network: Network, new_page: Callable[[], Page], remote_page: Callable[[], Page]
) -> None:
    room_id, _alice, bob = _call(network, new_page, remote_page)
    assert _shipped_path(network, room_id, bob) == "udp"
    expect(_path_label(bob, "Bob")).to_have_attribute("data-path", "udp")


def test_without_udp_and_only_web_ports_the_call_is_relayed_over_tls(
    network: Network, new_page: Callable[[], Page], remote_page: Callable[[], Page]
) -> None:
    network.ns.drop_udp()
    network.ns.allow_only_tcp_to([network.stack.http_port, TURN_TLS_PORT])
    room_id, alice, bob = _call(network, new_page, remote_page)
    assert _shipped_path(network, room_id, bob) == "turn-tls"
    # Each tile says in words how that person reaches the SFU, as their own browser measured
    # it: Bob is relayed on both screens, Alice (on this machine) is direct on both, although
    # Alice receives Bob's media straight over UDP from the SFU.
    for page in (alice, bob):
        expect(_path_label(page, "Bob")).to_have_text("Relayed over TLS")
        expect(_path_label(page, "Alice")).to_have_text("Direct (UDP)")
    # Still flowing a while later, and still inside the range.
    _sees_and_hears(alice, "Bob")
    _assert_sfu_ports(network)
