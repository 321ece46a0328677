"""Two people in a call, each in their own browser context with a fake camera and microphone,
through nginx, the real backend and a real SFU: every test runs once on livekit-server and
once on the embedded SFU process (the same browser scenario on both providers)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

import httpx
import pytest
from playwright.sync_api import Page, expect
from prometheus_client.parser import text_string_to_metric_families
from vr_testkit.log_lines import wait_for_line
from vr_testkit.room_page import (
    INBOUND,
    MEASURE_FIRST_FRAME,
    create_room,
    join,
    presented_frames,
    tile,
    wait_rising,
)

if TYPE_CHECKING:
    from conftest import Stack


@pytest.fixture(scope="module")
def stack(provider_stack: Stack) -> Stack:
    return provider_stack


@dataclass
class Call:
    stack: Stack
    room_id: str
    alice: Page
    bob: Page
    first_frame_ms: float


@pytest.fixture
def call(stack: Stack, new_page: Callable[[], Page]) -> Iterator[Call]:
    """Alice creates a room and joins; Bob opens the invite link and joins."""
    alice, bob = new_page(), new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    bob.goto(f"{stack.url}/r/{room_id}")
    bob.evaluate(MEASURE_FIRST_FRAME, "Alice")
    join(bob, "Bob")
    first_frame_ms = float(bob.evaluate("window.__firstFrame"))
    yield Call(stack, room_id, alice, bob, first_frame_ms)


def test_each_sees_and_hears_the_other(call: Call) -> None:
    for viewer, other in ((call.alice, "Bob"), (call.bob, "Alice")):
        before, after = presented_frames(viewer, other)
        assert after > before, f"{other}'s video is not advancing: {before} -> {after} frames"
        decoded = wait_rising(viewer, INBOUND, "videoFrames")
        assert decoded[1] > decoded[0] > 0, f"inbound video frames not rising: {decoded}"
        packets = wait_rising(viewer, INBOUND, "audioPackets")
        assert packets[1] > packets[0] > 0, f"inbound audio packets not rising: {packets}"
        energy = viewer.evaluate(INBOUND)["audioEnergy"]
        assert energy > 0, "the fake microphone's beep never arrived: audio energy is 0"
        print(
            f"\n{other} as received: presented frames {before:.0f} -> {after:.0f} in 1 s,"
            f" decoded {decoded[0]:.0f} -> {decoded[1]:.0f}, audio packets"
            f" {packets[0]:.0f} -> {packets[1]:.0f}, audio energy {energy:.2f}"
        )
    print(f"\nBob: join click -> first frame of Alice: {call.first_frame_ms:.0f} ms")
    assert call.first_frame_ms < 5000
    # During the call every /metrics parses and counts the room and both participants.
    scrapes = {
        "backend": f"http://127.0.0.1:{call.stack.backend_port}/metrics",
        "debug": f"{call.stack.debug_url}/metrics",
    }
    if call.stack.embedded_sfu is not None:
        scrapes["sfu"] = f"{call.stack.embedded_sfu.http_url}/metrics"
    else:
        assert call.stack.livekit is not None
        scrapes["livekit"] = call.stack.livekit.metrics_url
    values = {
        name: {
            sample.name: sample.value
            for family in text_string_to_metric_families(httpx.get(url).text)
            for sample in family.samples
        }
        for name, url in scrapes.items()
    }
    assert values["backend"]["video_rooms_rooms"] >= 1
    assert values["backend"]["video_rooms_participants"] >= 2
    assert values["backend"]["video_rooms_channel_connections"] >= 2
    assert values["debug"]["debug_service_ingested_lines_total"] > 0
    if "sfu" in values:
        assert values["sfu"]["embedded_sfu_rooms"] >= 1
        assert values["sfu"]["embedded_sfu_participants"] >= 2
    if "livekit" in values:
        assert values["livekit"]["livekit_room_total"] >= 1
        assert values["livekit"]["livekit_participant_total"] >= 2
    # The SFU's own lines about this call (the embedded SFU's, or livekit-server's parsed
    # ones) are in the debug service under the room and each participant, with the backend's.
    sfu_service = "embedded-sfu" if call.stack.sfu_provider == "embedded" else "livekit"
    room = httpx.get(f"{call.stack.url}/api/rooms/{call.room_id}").json()["room"]
    assert len(room["participants"]) == 2
    for participant in room["participants"]:
        line = wait_for_line(
            call.stack.debug_url,
            call.room_id,
            lambda line, p=participant["id"]: (
                line["service"] == sfu_service and line["metadata"].get("participant_id") == p
            ),
        )
        print(f"\n{sfu_service} on {participant['name']}: {line['message']}")
    wait_for_line(call.stack.debug_url, call.room_id, lambda line: line["service"] == "backend")


def test_mute_and_camera_off_are_seen_by_the_other_side(call: Call) -> None:
    alice_on_bob = call.bob.locator(tile(call.bob, "Alice"))
    expect(alice_on_bob).to_have_attribute("data-mic", "on")
    call.alice.get_by_role("button", name="Microphone").click()
    expect(call.alice.get_by_role("button", name="Microphone")).to_have_attribute(
        "aria-pressed", "false"
    )
    expect(alice_on_bob).to_have_attribute("data-mic", "off")
    expect(call.bob.get_by_role("img", name="Alice is muted")).to_be_visible()

    # The keyboard shortcuts: M toggles the microphone back on, V the camera off.
    call.alice.keyboard.press("m")
    expect(alice_on_bob).to_have_attribute("data-mic", "on")
    call.alice.keyboard.press("v")
    expect(alice_on_bob).to_have_attribute("data-camera", "off")
    expect(alice_on_bob.locator(".avatar")).to_have_text("A")


def test_screen_share_is_shown_large(call: Call) -> None:
    call.alice.get_by_role("button", name="Share screen").click()
    share = call.bob.locator(f".stage-main {tile(call.bob, 'Alice', 'screen')}")
    expect(share).to_be_visible()
    before, after = presented_frames(call.bob, "Alice", "screen")
    assert after > before, f"the screen share is not advancing: {before} -> {after}"
    # Camera tiles move to the side strip while someone shares.
    expect(call.bob.locator(f".stage-strip {tile(call.bob, 'Alice')}")).to_be_visible()

    call.alice.get_by_role("button", name="Share screen").click()
    expect(call.bob.locator(".stage-main")).to_have_count(0)


def test_leaving_updates_the_other_grid(call: Call) -> None:
    expect(call.alice.locator(".grid .tile")).to_have_count(2)
    call.bob.get_by_role("button", name="Leave").click()
    expect(call.bob.get_by_role("heading", name="You left the call")).to_be_visible()
    expect(call.alice.locator(".grid .tile")).to_have_count(1)
    expect(call.alice.locator(tile(call.alice, "Bob"))).to_have_count(0)

    room = httpx.get(f"{call.stack.url}/api/rooms/{call.room_id}").json()["room"]
    assert [p["name"] for p in room["participants"]] == ["Alice"]


def test_joining_from_a_pasted_link(stack: Stack, new_page: Callable[[], Page]) -> None:
    alice, bob = new_page(), new_page()
    room_id = create_room(alice, stack, "Alice")
    join(alice)
    bob.goto(stack.url + "/")
    bob.get_by_label("Invite link or room code").fill(f"https://example.org/r/{room_id}")
    bob.get_by_role("button", name="Join", exact=True).click()
    bob.wait_for_url(f"**/r/{room_id}")
    expect(bob.get_by_role("form", name="Join the call")).to_contain_text("In the call: Alice")


def test_unknown_room_shows_not_found(stack: Stack, new_page: Callable[[], Page]) -> None:
    page = new_page()
    page.goto(f"{stack.url}/r/NoSuchRoom42")
    expect(page.get_by_role("heading", name="This room does not exist")).to_be_visible()
    page.get_by_role("link", name="Create a new room").click()
    expect(page.get_by_role("button", name="Create room")).to_be_visible()
