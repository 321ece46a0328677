"""The scaled shape on loopback (docker-compose.scaled.yml without Docker): two Chromium
participants who reached different backend replicas and signal to different LiveKit nodes are
in one call. Each decodes the other's video, they chat and see each other in the people list,
and the rooms API through nginx lists both. Everything is real: PostgreSQL and Redis shared by
two backend processes and two livekit-server nodes, the debug service, and nginx with
config/nginx.conf balancing between the replicas."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Response, WebSocket, expect
from vr_testkit.livekit import LiveKitServer
from vr_testkit.room_page import create_room, join, presented_frames, tile
from vr_testkit.scaled import ScaledStack, scaled_stack

# nginx round-robins, so each attempt reaches either replica: bound the tries (the chance of
# missing the other replica every time is 2^-ATTEMPTS).
ATTEMPTS = 12

# Keeps every WebSocket a page opens, so the test can drop the realtime one (as a network
# blip would) and let phoenix.js reconnect through nginx to the other replica.
TRACK_WEBSOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = class extends Native {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
})();
"""
DROP_REALTIME_SOCKET = """
() => window.__sockets
  .filter((s) => s.url.includes('/ws/websocket') && s.readyState === WebSocket.OPEN)
  .forEach((s) => s.close(4000, 'test: network blip'))
"""

DECODED_VIDEO_FRAMES = """
async () => {
  let frames = 0;
  for (const pc of window.__pcs) {
    if (pc.connectionState === 'closed') continue;
    (await pc.getStats()).forEach((s) => {
      if (s.type === 'inbound-rtp' && s.kind === 'video') frames += s.framesDecoded || 0;
    });
  }
  return frames;
}
"""


@dataclass
class Person:
    """One browser participant, with every create/join answer and WebSocket of its page."""

    name: str
    page: Page
    answers: list[Response] = field(default_factory=list)
    sockets: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.page.context.add_init_script(TRACK_WEBSOCKETS)
        self.page.on("response", self._on_response)
        self.page.on("websocket", self._on_websocket)

    def _on_response(self, response: Response) -> None:
        path = urlsplit(response.url).path
        if response.request.method == "POST" and (
            path == "/api/rooms" or (path.startswith("/api/rooms/") and path.endswith("/join"))
        ):
            self.answers.append(response)

    def _on_websocket(self, socket: WebSocket) -> None:
        self.sockets.append(socket.url)

    def answer(self) -> dict[str, Any]:
        """The last create/join answer this page got (the one its call runs on)."""
        assert self.answers, f"{self.name} got no create/join answer"
        body: dict[str, Any] = self.answers[-1].json()
        return body

    def last_socket(self, path: str) -> str:
        matching = [url for url in self.sockets if urlsplit(url).path.startswith(path)]
        assert matching, f"{self.name} opened no WebSocket to {path}: {self.sockets}"
        return matching[-1]


def eventually(check: Callable[[], bool], what: str, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def decoded_frames_rising(page: Page) -> tuple[float, float]:
    """Inbound video frames decoded, read a second apart once the first has arrived."""
    eventually(lambda: float(page.evaluate(DECODED_VIDEO_FRAMES)) > 0, "a decoded frame", 15)
    first = float(page.evaluate(DECODED_VIDEO_FRAMES))
    time.sleep(1.0)
    return first, float(page.evaluate(DECODED_VIDEO_FRAMES))


@pytest.fixture(scope="module")
def scaled(frontend_dist: Path) -> Iterator[ScaledStack]:
    with scaled_stack(frontend_dist) as stack:
        yield stack


def test_people_on_different_replicas_and_livekit_nodes_share_one_call(
    scaled: ScaledStack, new_page: Callable[[], Page]
) -> None:
    try:
        check_the_scaled_call(scaled, Person("Alice", new_page()), Person("Bob", new_page()))
    except (AssertionError, PlaywrightError):
        print(scaled.logs())
        raise


def check_the_scaled_call(scaled: ScaledStack, alice: Person, bob: Person) -> None:
    started = time.monotonic()
    room_id = create_room(alice.page, scaled, "Alice")
    join(alice.page)
    alice_replica = scaled.replica_of(alice.answer())

    # Bob joins until nginx has sent his join to the other replica (leaving the page leaves
    # the room, so each earlier attempt is gone from it).
    attempts = 0
    bob_replica = alice_replica
    while bob_replica == alice_replica:
        assert attempts < ATTEMPTS, f"all Bob's joins reached replica {alice_replica + 1}"
        attempts += 1
        bob.page.goto(f"{scaled.url}/r/{room_id}")
        join(bob.page, "Bob")
        bob_replica = scaled.replica_of(bob.answer())
    alice_id, bob_id = alice.answer()["participant_id"], bob.answer()["participant_id"]
    print(
        f"\nAlice joined through replica {alice_replica + 1}, Bob through replica"
        f" {bob_replica + 1} (join attempt {attempts})"
    )

    # Each browser signals to the LiveKit node its replica handed out.
    for person, replica in ((alice, alice_replica), (bob, bob_replica)):
        node = scaled.livekit_nodes[replica]
        rtc = person.last_socket("/rtc")
        assert rtc.startswith(node.ws_url + "/rtc"), f"{person.name} signalled to {rtc}"

    # The realtime sockets (/ws) are balanced by nginx independently of the joins: drop
    # Bob's until phoenix.js reconnects it to another backend process than Alice's, so that
    # chat and presence have to cross replicas through Redis.
    def presence_of(participant_id: str) -> tuple[str, str] | None:
        """(backend process, phx_ref) of the participant's one presence, if exactly one."""
        mine = scaled.presences(room_id).get(participant_id, set())
        return next(iter(mine)) if len(mine) == 1 else None

    def moved(participant_id: str, old: tuple[str, str]) -> bool:
        return presence_of(participant_id) not in (None, old)

    eventually(lambda: None not in (presence_of(alice_id), presence_of(bob_id)), "presences")
    alice_presence, bob_presence = presence_of(alice_id), presence_of(bob_id)
    assert alice_presence is not None and bob_presence is not None
    reconnects = 0
    while bob_presence[0] == alice_presence[0]:
        assert reconnects < ATTEMPTS, f"Bob's realtime socket never left {bob_presence[0]}"
        reconnects += 1
        old = bob_presence
        bob.page.evaluate(DROP_REALTIME_SOCKET)
        eventually(partial(moved, bob_id, old), "Bob's realtime socket to reconnect")
        bob_presence = presence_of(bob_id)
        assert bob_presence is not None
    print(
        f"realtime: Alice on backend process {alice_presence[0]}, Bob on {bob_presence[0]}"
        f" ({reconnects} reconnects)"
    )

    # Presence across replicas: each counts two people and lists the other.
    for person, other in ((alice, "Bob"), (bob, "Alice")):
        people_button = person.page.get_by_role("button", name="Participants (2)")
        expect(people_button).to_be_visible()
        people_button.click()
        people = person.page.get_by_role("complementary", name="Participants")
        expect(people.get_by_role("listitem")).to_have_count(2)
        expect(people.get_by_role("listitem").filter(has_text=other)).to_have_count(1)

    # Media across nodes: each presents and decodes the other's camera. Bob's earlier
    # attempts are gone from the call, but LiveKit may still be telling Alice's page so (a
    # participant who left a moment ago keeps a tile, camera off, until the node's update
    # arrives): wait for exactly one tile per person, the one of the participant in the call.
    ids = {"Alice": alice_id, "Bob": bob_id}
    for person, other in ((alice, "Bob"), (bob, "Alice")):
        tiles = person.page.locator(tile(person.page, other))
        expect(tiles).to_have_count(1, timeout=20_000)
        expect(tiles).to_have_attribute("data-participant-id", ids[other])
        before, after = presented_frames(person.page, other)
        assert after > before, f"{other}'s video is not advancing for {person.name}"
        decoded = decoded_frames_rising(person.page)
        assert decoded[1] > decoded[0] > 0, f"{person.name}: decoded frames {decoded}"
        print(f"{person.name} decodes {other}: {decoded[0]:.0f} -> {decoded[1]:.0f} frames in 1 s")

    # Chat across replicas, both ways.
    for person in (alice, bob):
        person.page.get_by_role("button", name="Chat", exact=True).click()
    for sender, receiver in ((alice, bob), (bob, alice)):
        text = f"Hello from {sender.name}"
        box = sender.page.get_by_role("complementary", name="Chat").get_by_role(
            "textbox", name="Message"
        )
        box.fill(text)
        box.press("Enter")
        received = receiver.page.get_by_role("complementary", name="Chat").locator(".chat-text")
        expect(received.filter(has_text=text)).to_have_count(1)

    # One room on both LiveKit nodes: each reports both identities.
    def lists_both(node: LiveKitServer) -> bool:
        return scaled.livekit_identities(node, room_id) == {alice_id, bob_id}

    for node in scaled.livekit_nodes:
        eventually(partial(lists_both, node), f"LiveKit node :{node.port} to list Alice and Bob")

    # The rooms API through nginx, whichever replica answers: both participants, once each
    # (Bob's earlier attempts left the room).
    def listed() -> set[str]:
        response = httpx.get(f"{scaled.url}/api/rooms/{room_id}", timeout=5.0)
        assert response.status_code == 200, response.text
        room = response.json()["room"]
        ids = {p["id"] for p in room["participants"]}
        assert room["participant_count"] == len(room["participants"]), room
        return ids

    eventually(lambda: listed() == {alice_id, bob_id}, "the room to list Alice and Bob")
    for _ in range(4):
        assert listed() == {alice_id, bob_id}

    # The host ends the room. Bob, whose realtime socket is on the other replica, is told
    # through Redis; and from then on neither replica lets anyone in, not even the one that
    # let someone join a moment before (and so holds the open room in its join cache).
    for replica in scaled.backends:
        assert join_directly(replica.url, room_id).status_code == 200
    alice.page.get_by_role("button", name="End room for everyone").click()
    dialog = alice.page.get_by_role("alertdialog", name="End the room for everyone?")
    dialog.get_by_role("button", name="End room").click()
    expect(bob.page.get_by_role("heading", name="The host ended the room")).to_be_visible()
    for replica in scaled.backends:
        response = join_directly(replica.url, room_id)
        assert response.status_code == 410, f"{replica.name}: {response.text}"
    print(f"scaled call checked in {time.monotonic() - started:.1f} s")


def join_directly(backend_url: str, room_id: str) -> httpx.Response:
    return httpx.post(
        f"{backend_url}/api/rooms/{room_id}/join", json={"participant_name": "Carol"}, timeout=5.0
    )
