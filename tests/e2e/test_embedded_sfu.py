"""What only the embedded SFU is tested for, in real Chromium through the real SFU process,
backend and nginx: three people (each decodes and hears the other two, mute and screen share
reach both others, the active speaker follows the only open microphone, leave and rejoin),
a camera turned off released and turned on again, 3 % loss on a subscriber's downlink
repaired by NACK/RTX, and a rejoin after the SFU crashed. The two-person scenario on both
providers is test_call.py; a rejoin after the join token expired is test_embedded_rejoin.py."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
import pytest
from livekit.api import AccessToken, VideoGrants
from playwright.sync_api import Page, expect
from vr_testkit.room_page import create_room, join, presented_frames, tile

if TYPE_CHECKING:
    from conftest import Stack

# Inbound RTP streams of every live peer connection: (kind, packets received, frames decoded).
INBOUND_STREAMS = """
async () => {
  const out = [];
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp') return;
      out.push([`${window.__pcs.indexOf(pc)}/${s.id}`, s.kind, s.packetsReceived || 0,
                s.framesDecoded || 0]);
    });
  }
  return out;
}
"""

NAMES = ("Alice", "Bob", "Carol")

# Chromium's fake microphone beeps briefly once a second: over the SFU's 0.3 s windows its mean
# level stays below the speaking threshold. A steady tone (as continuous as speech) replaces
# the microphone track; the camera stays Chromium's fake one.
STEADY_TONE_MICROPHONE = """
(() => {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  devices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    if (!constraints || !constraints.audio) return stream;
    const context = new AudioContext();
    const tone = context.createOscillator();
    const gain = context.createGain();
    gain.gain.value = 0.3;
    const sink = context.createMediaStreamDestination();
    tone.connect(gain).connect(sink);
    tone.start();
    for (const track of stream.getAudioTracks()) { stream.removeTrack(track); track.stop(); }
    stream.addTrack(sink.stream.getAudioTracks()[0]);
    return stream;
  };
})();
"""


@pytest.fixture
def stack(embedded_stack: Stack) -> Stack:
    return embedded_stack


def streams_flowing(page: Page) -> dict[str, int]:
    """How many inbound audio streams received packets, and video streams decoded frames,
    over one second."""
    before = {key: (packets, frames) for key, _, packets, frames in page.evaluate(INBOUND_STREAMS)}
    page.wait_for_timeout(1000)
    rising = {"audio": 0, "video": 0}
    for key, kind, packets, frames in page.evaluate(INBOUND_STREAMS):
        old_packets, old_frames = before.get(key, (0, 0))
        if packets > old_packets and (kind == "audio" or frames > old_frames):
            rising[kind] += 1
    return rising


def open_room(stack: Stack, new_page: Callable[[], Page]) -> dict[str, Page]:
    pages = {name: new_page() for name in NAMES}
    for page in pages.values():
        page.add_init_script(STEADY_TONE_MICROPHONE)
    room_id = create_room(pages["Alice"], stack, "Alice")
    join(pages["Alice"])
    for name in NAMES[1:]:
        pages[name].goto(f"{stack.url}/r/{room_id}")
        join(pages[name], name)
    return pages


def assert_sees_the_others(pages: dict[str, Page], viewer: str) -> None:
    page = pages[viewer]
    for other in NAMES:
        if other == viewer:
            continue
        before, after = presented_frames(page, other)
        assert after > before, f"{viewer}: {other}'s video is stuck at {before} frames"
    deadline = time.monotonic() + 15
    flowing = streams_flowing(page)
    while flowing != {"audio": 2, "video": 2} and time.monotonic() < deadline:
        flowing = streams_flowing(page)
    print(f"\n{viewer}: inbound streams advancing {flowing}")
    assert flowing == {"audio": 2, "video": 2}, f"{viewer} receives {flowing}"


def test_three_people_see_hear_mute_share_speak_and_rejoin(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    pages = open_room(stack, new_page)
    for viewer in NAMES:
        expect(pages[viewer].locator(".grid .tile")).to_have_count(3)
        assert_sees_the_others(pages, viewer)

    # Connection quality from the browser's own stats (the SFU sends none): loopback is clean.
    quality = pages["Alice"].get_by_role("img", name=re.compile(r"^Connection (excellent|good)$"))
    expect(quality).to_have_count(3, timeout=10_000)

    # Mute seen by both others.
    pages["Alice"].get_by_role("button", name="Microphone").click()
    for viewer in ("Bob", "Carol"):
        expect(pages[viewer].locator(tile(pages[viewer], "Alice"))).to_have_attribute(
            "data-mic", "off"
        )

    # Only Bob's microphone open: Bob is the active speaker for the others; then only Carol's.
    pages["Carol"].get_by_role("button", name="Microphone").click()
    alice_view = pages["Alice"]
    expect(alice_view.locator(tile(alice_view, "Bob"))).to_have_attribute(
        "data-speaking", "true", timeout=10_000
    )
    expect(alice_view.locator(tile(alice_view, "Carol"))).to_have_attribute(
        "data-speaking", "false"
    )
    pages["Bob"].get_by_role("button", name="Microphone").click()
    pages["Carol"].get_by_role("button", name="Microphone").click()
    expect(alice_view.locator(tile(alice_view, "Carol"))).to_have_attribute(
        "data-speaking", "true", timeout=10_000
    )
    expect(alice_view.locator(tile(alice_view, "Bob"))).to_have_attribute("data-speaking", "false")

    # Screen share seen by both others, moving.
    pages["Bob"].get_by_role("button", name="Share screen").click()
    for viewer in ("Alice", "Carol"):
        page = pages[viewer]
        expect(page.locator(f".stage-main {tile(page, 'Bob', 'screen')}")).to_be_visible()
        before, after = presented_frames(page, "Bob", "screen")
        assert after > before, f"{viewer}: Bob's screen is stuck at {before} frames"
    pages["Bob"].get_by_role("button", name="Share screen").click()
    for viewer in ("Alice", "Carol"):
        expect(pages[viewer].locator(".stage-main")).to_have_count(0)

    # Every microphone on again, then Carol leaves: the others' grids shrink; she rejoins
    # and everyone sees everyone again.
    for name in ("Alice", "Bob"):
        pages[name].get_by_role("button", name="Microphone").click()
        expect(pages["Carol"].locator(tile(pages["Carol"], name))).to_have_attribute(
            "data-mic", "on"
        )
    pages["Carol"].get_by_role("button", name="Leave").click()
    expect(pages["Carol"].get_by_role("heading", name="You left the call")).to_be_visible()
    for viewer in ("Alice", "Bob"):
        expect(pages[viewer].locator(".grid .tile")).to_have_count(2)
    pages["Carol"].get_by_role("button", name="Rejoin").click()
    join(pages["Carol"])
    for viewer in NAMES:
        expect(pages[viewer].locator(".grid .tile")).to_have_count(3)
        assert_sees_the_others(pages, viewer)


# Keeps every camera track the page ever captured (pre-join preview included), so a test can
# tell whether the camera is still in use: its light is on while any of them is live.
RECORD_CAMERA_TRACKS = """
(() => {
  const devices = navigator.mediaDevices;
  const original = devices.getUserMedia.bind(devices);
  window.__cameraTracks = [];
  devices.getUserMedia = async (constraints) => {
    const stream = await original(constraints);
    window.__cameraTracks.push(...stream.getVideoTracks());
    return stream;
  };
})();
"""
CAMERA_TRACK_STATES = "() => window.__cameraTracks.map((track) => track.readyState)"


def video_frames_decoded(page: Page) -> int:
    return sum(frames for _, kind, _, frames in page.evaluate(INBOUND_STREAMS) if kind == "video")


def test_camera_off_releases_the_camera_and_on_brings_the_video_back(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    """As with LiveKit: turning the camera off stops its track (the light goes off) and the
    other side's video stops; turning it on captures a new one and the video plays again."""
    alice, bob = new_page(), new_page()
    alice.add_init_script(RECORD_CAMERA_TRACKS)
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    bob.goto(f"{stack.url}/r/{room_id}")
    join(bob, "Bob")
    before, after = presented_frames(bob, "Alice")
    assert after > before
    assert "live" in alice.evaluate(CAMERA_TRACK_STATES)

    camera = alice.get_by_role("button", name="Camera")
    camera.click()
    alice_at_bob = bob.locator(tile(bob, "Alice"))
    expect(alice_at_bob).to_have_attribute("data-camera", "off")
    expect(alice_at_bob.locator("video")).to_be_hidden()
    expect(alice.locator(tile(alice, "Alice"))).to_have_attribute("data-camera", "off")
    states = alice.evaluate(CAMERA_TRACK_STATES)
    assert states and all(state == "ended" for state in states), states
    # Nothing is sent any more: Bob's decoder gets no new frame of Alice.
    bob.wait_for_timeout(1000)
    stopped_at = video_frames_decoded(bob)
    bob.wait_for_timeout(2000)
    assert video_frames_decoded(bob) == stopped_at, "Alice's video arrives with her camera off"

    camera.click()
    expect(alice_at_bob).to_have_attribute("data-camera", "on")
    before, after = presented_frames(bob, "Alice")
    assert after > before, f"Alice's video is stuck at {before} frames after her camera came back"
    assert video_frames_decoded(bob) > stopped_at
    states = alice.evaluate(CAMERA_TRACK_STATES)
    assert states.count("live") == 1, states
    before, after = presented_frames(alice, "Alice")
    assert after > before, "Alice's own preview is stuck after her camera came back"


# Chromium's own view of the repair: NACKs it sent and packets it received for the video.
INBOUND_VIDEO_REPAIR = """
async () => {
  const out = { nacks: 0, lost: 0, frames: 0 };
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type !== 'inbound-rtp' || s.kind !== 'video') return;
      out.nacks += s.nackCount || 0;
      out.frames += s.framesDecoded || 0;
    });
  }
  return out;
}
"""


def test_three_percent_downlink_loss_is_repaired_by_nack_and_rtx(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    alice, bob = new_page(), new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    bob.goto(f"{stack.url}/r/{room_id}")
    join(bob, "Bob")
    presented_frames(bob, "Alice")
    bob_id = bob.locator('[data-local="true"][data-source="camera"]').get_attribute(
        "data-participant-id"
    )
    sfu = stack.embedded_sfu
    assert sfu is not None and bob_id
    # An admin token as the backend's provider makes one (docs/embedded-sfu.md, Admin API).
    token = (
        AccessToken(sfu.api_key, sfu.api_secret)
        .with_identity("e2e-admin")
        .with_ttl(timedelta(minutes=5))
        .with_grants(VideoGrants(room_admin=True))
        .to_jwt()
    )
    with httpx.Client(
        base_url=sfu.http_url, headers={"authorization": f"Bearer {token}"}, timeout=5
    ) as admin:
        participant = f"/admin/rooms/{room_id}/participants/{bob_id}"
        response = admin.put(f"{participant}/downlink-loss", json={"rate": 0.03})
        assert response.status_code == 204, response.text
        start = bob.evaluate(INBOUND_VIDEO_REPAIR)
        video: dict[str, int] = {}
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            time.sleep(1)
            stats = admin.get(f"{participant}/stats").json()
            video = next(s for s in stats["subscriptions"] if s["source"] == "camera")
            if video["dropped"] >= 10 and video["retransmitted"] >= 10:
                break
        before, after = presented_frames(bob, "Alice")
        end = bob.evaluate(INBOUND_VIDEO_REPAIR)
    print(
        f"\n3 % loss to Bob: SFU {video}; Chromium NACKs {start['nacks']} -> {end['nacks']},"
        f" presented frames {before} -> {after}"
    )
    assert video["dropped"] >= 10 and video["retransmitted"] >= 10, video
    assert video["retransmit_misses"] == 0, video
    assert end["nacks"] > start["nacks"]
    assert after > before, "Alice's video froze under 3 % loss"

    # The adapter's getStats reached the debug service in the same shape as LiveKit's
    # (every 5 s; a bitrate needs two reports of the same stream).
    wanted = ("inbound", "video", "camera")
    received: list[dict[str, object]] = []
    deadline = time.monotonic() + 20
    while not any(s["width"] and s["bitrateKbps"] for s in received):
        assert time.monotonic() < deadline, f"no received camera with a bitrate in {received}"
        time.sleep(1)
        logs = httpx.get(
            f"{stack.debug_url}/api/logs", params={"q": "webrtc stats", "limit": 100}
        ).json()["logs"]
        # The query also finds other lines that mention it (e.g. nginx's for webrtc-stats-*.js).
        reports = [entry for entry in logs if entry["message"] == "webrtc stats"]
        streams = [s for entry in reports for s in entry["metadata"]["streams"]]
        received = [s for s in streams if (s["direction"], s["kind"], s["source"]) == wanted]
    shipped = next(s for s in received if s["width"] and s["bitrateKbps"])
    print(f"shipped stats of a received camera: {shipped}")
    # Nothing blocks UDP on loopback and the embedded SFU offers UDP only: a direct path.
    assert shipped["path"] == "udp", shipped


def test_a_crashed_sfu_is_rejoined_when_it_comes_back(
    stack: Stack, new_page: Callable[[], Page]
) -> None:
    """The embedded SFU has no session resumption: after the media server drops everyone
    (killed without a goodbye, as a crash or a network cut looks to the browser), each
    browser says it is reconnecting, rejoins when the server is back, and media flows again."""
    alice, bob = new_page(), new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    bob.goto(f"{stack.url}/r/{room_id}")
    join(bob, "Bob")
    before, after = presented_frames(bob, "Alice")
    assert after > before

    sfu = stack.embedded_sfu
    assert sfu is not None
    sfu.kill()
    for page in (alice, bob):
        expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_be_visible()
    started = time.monotonic()
    sfu.start_and_wait()
    for page, other in ((alice, "Bob"), (bob, "Alice")):
        expect(page.get_by_role("status").filter(has_text="Reconnecting")).to_have_count(
            0, timeout=20_000
        )
        before, after = presented_frames(page, other)
        assert after > before, f"{other}'s video is stuck at {before} frames after the rejoin"
    print(f"\nSFU restarted; both see each other again after {time.monotonic() - started:.1f} s")
    expect(alice.locator(".grid .tile")).to_have_count(2)
