"""Media through a real SFU process between real aiortc peers: what each one decodes."""

from __future__ import annotations

import asyncio

import httpx
from vr_testkit.media import MovingVideoTrack, ToneTrack
from vr_testkit.sfu_client import Peers, SfuClient, eventually, participant_stats


def _sees(viewer: SfuClient, other: str, video: int = 10, audio: int = 10) -> bool:
    return viewer.frames(other, "camera") >= video and viewer.frames(other, "microphone") >= audio


async def test_three_peers_decode_each_others_video_and_audio(peers: Peers) -> None:
    clients = {name: await peers(name) for name in ("alice", "bob", "carol")}
    for client in clients.values():
        await client.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    for name, client in clients.items():
        for other in clients:
            if other != name:
                await eventually(lambda c=client, o=other: _sees(c, o), what=f"{name} <- {other}")
    # Nobody is sent their own media back.
    for name, client in clients.items():
        assert client.frames(name, "camera") == 0


async def test_join_leave_and_rejoin_mid_call(peers: Peers, room_id: str) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    await alice.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    await bob.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    await eventually(lambda: _sees(alice, "bob") and _sees(bob, "alice"), what="first pair")

    # A third participant joins mid-call: everyone renegotiates and decodes everyone.
    carol = await peers("carol")
    await carol.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    await eventually(lambda: _sees(carol, "alice") and _sees(carol, "bob"), what="carol sees")
    await eventually(lambda: _sees(alice, "carol") and _sees(bob, "carol"), what="carol seen")

    # Bob leaves: the others are told, and stop receiving him, and keep each other.
    since = len(alice.inbox)
    await bob.send({"type": "leave"})
    left = await alice.wait_for(lambda m: m["type"] == "participant_left", since=since)
    assert left["participant"] == "bob"
    bob_frames = alice.frames("bob", "camera")
    carol_frames = alice.frames("carol", "camera")
    await eventually(lambda: alice.frames("carol", "camera") > carol_frames + 15, what="carol")
    assert alice.frames("bob", "camera") <= bob_frames + 5  # what was in flight, at most

    # Bob comes back with a new connection and is seen again.
    bob_again = await peers("bob")
    await bob_again.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    await eventually(lambda: alice.frames("bob", "camera") > bob_frames + 10, what="bob back")
    await eventually(lambda: _sees(bob_again, "alice") and _sees(bob_again, "carol"), what="bob")


async def test_screen_share_starts_and_stops_by_renegotiation(peers: Peers) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    await alice.publish({"camera": MovingVideoTrack()})
    await eventually(lambda: bob.frames("alice", "camera") > 5, what="camera")

    since = len(bob.inbox)
    await alice.publish({"screen": MovingVideoTrack(width=480, height=270)})
    await eventually(lambda: bob.frames("alice", "screen") > 10, what="screen share")
    updated = await bob.wait_for(
        lambda m: (
            m["type"] == "participant_updated"
            and {t["source"] for t in m["participant"]["tracks"]} == {"camera", "screen"}
        ),
        since=since,
    )
    assert updated["participant"]["id"] == "alice"

    # Stop sharing: the screen's transceiver goes inactive and is left out of `tracks`.
    assert alice.publish_pc is not None
    alice.transceivers["screen"].direction = "inactive"
    await alice.publish_pc.setLocalDescription(await alice.publish_pc.createOffer())
    camera_mid = alice.transceivers["camera"].mid
    assert camera_mid is not None
    since = len(bob.inbox)
    await alice.offer(alice.publish_pc.localDescription.sdp, {camera_mid: "camera"})
    await bob.wait_for(
        lambda m: (
            m["type"] == "participant_updated"
            and [t["source"] for t in m["participant"]["tracks"]] == ["camera"]
        ),
        since=since,
    )
    camera = bob.frames("alice", "camera")
    await eventually(lambda: bob.frames("alice", "camera") > camera + 15, what="camera goes on")


async def test_mute_is_announced_to_the_others(peers: Peers) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    await alice.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
    since = len(bob.inbox)
    await alice.send({"type": "mute", "source": "microphone", "muted": True})
    update = await bob.wait_for(
        lambda m: (
            m["type"] == "participant_updated"
            and any(t["source"] == "microphone" and t["muted"] for t in m["participant"]["tracks"])
        ),
        since=since,
    )
    assert update["participant"]["id"] == "alice"
    since = len(alice.inbox)
    await alice.send({"type": "mute", "source": "screen", "muted": True})
    refused = await alice.wait_for(lambda m: m["type"] == "error", since=since)
    assert refused["code"] == "unknown_source"


async def test_the_active_speaker_is_whoever_has_sound(peers: Peers) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    alice_voice = ToneTrack(silent=False)
    bob_voice = ToneTrack(silent=True)
    await alice.publish({"microphone": alice_voice})
    await bob.publish({"microphone": bob_voice})

    def speakers_now(message: dict[str, object]) -> list[object]:
        return [s["participant"] for s in message["speakers"]]  # type: ignore[attr-defined]

    first = await bob.wait_for(lambda m: m["type"] == "speakers" and bool(m["speakers"]))
    assert speakers_now(first) == ["alice"]

    alice_voice.silent, bob_voice.silent = True, False
    since = len(alice.inbox)
    await alice.wait_for(
        lambda m: m["type"] == "speakers" and speakers_now(m) == ["bob"], since=since
    )


async def test_repair_of_injected_loss_by_nack_and_rtx(
    peers: Peers, room_id: str, admin: httpx.AsyncClient
) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    # 3 % of everything forwarded to bob is dropped by the SFU's test hook.
    response = await admin.put(
        f"/admin/rooms/{room_id}/participants/bob/downlink-loss", json={"rate": 0.03}
    )
    assert response.status_code == 204
    await alice.publish({"camera": MovingVideoTrack(width=640, height=360)})

    counters: dict[str, int] = {}

    async def repaired() -> bool:
        nonlocal counters
        counters = (await participant_stats(admin, room_id, "bob"))["subscriptions"][0]
        return counters["dropped"] >= 5 and counters["retransmitted"] >= 5

    deadline = asyncio.get_running_loop().time() + 60
    while not await repaired():
        assert asyncio.get_running_loop().time() < deadline, counters
        await asyncio.sleep(0.5)
    assert counters["nacks_received"] > 0
    # Every dropped packet that bob asked for again was still in the history.
    assert counters["retransmit_misses"] == 0
    frames = bob.frames("alice", "camera")
    await eventually(lambda: bob.frames("alice", "camera") > frames + 30, what="video plays on")


async def test_publishers_get_receiver_reports(peers: Peers) -> None:
    alice = await peers("alice")
    await alice.publish({"camera": MovingVideoTrack()})
    sender = alice.transceivers["camera"].sender
    remote: list[object] = []

    async def reported() -> bool:
        stats = await sender.getStats()
        remote[:] = [s for s in stats.values() if s.type == "remote-inbound-rtp"]
        return bool(remote)

    deadline = asyncio.get_running_loop().time() + 20
    while not await reported():
        assert asyncio.get_running_loop().time() < deadline, "no receiver report"
        await asyncio.sleep(0.5)
    report = remote[0]
    assert report.packetsReceived > 0  # type: ignore[attr-defined]
    assert report.packetsLost == 0  # type: ignore[attr-defined]


async def test_uplink_loss_is_repaired_by_nack_and_rtx_from_the_publisher(
    peers: Peers, room_id: str, admin: httpx.AsyncClient
) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    # Camera and screen both: two VP8 + RTX streams on one transport, so each retransmission
    # must reach the right publication by its RTX SSRC.
    await alice.publish({"camera": MovingVideoTrack(), "screen": MovingVideoTrack(480, 270)})
    response = await admin.put(
        f"/admin/rooms/{room_id}/participants/alice/uplink-loss", json={"rate": 0.05}
    )
    assert response.status_code == 204

    publications: list[dict[str, int]] = []

    async def repaired() -> bool:
        nonlocal publications
        publications = (await participant_stats(admin, room_id, "alice"))["publications"]
        return all(p["dropped"] >= 3 and p["repaired"] >= 3 for p in publications)

    deadline = asyncio.get_running_loop().time() + 60
    while not await repaired():
        assert asyncio.get_running_loop().time() < deadline, publications
        await asyncio.sleep(0.5)
    assert all(p["nacks_sent"] > 0 for p in publications)
    camera, screen = bob.frames("alice", "camera"), bob.frames("alice", "screen")
    await eventually(
        lambda: (
            bob.frames("alice", "camera") > camera + 20
            and bob.frames("alice", "screen") > screen + 20
        ),
        what="both keep playing",
    )


async def test_a_host_mute_stops_forwarding_and_tells_the_owner_who_may_unmute(
    peers: Peers, admin: httpx.AsyncClient, room_id: str
) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    await alice.publish({"microphone": ToneTrack()})
    await eventually(lambda: bob.frames("alice", "microphone") > 20, what="bob hears alice")

    muted = await admin.put(
        f"/admin/rooms/{room_id}/participants/alice/mute", json={"source": "microphone"}
    )
    assert muted.status_code == 204, muted.text
    told = await alice.wait_for(lambda m: m["type"] == "muted_by_host")
    assert told["source"] == "microphone"
    await asyncio.sleep(0.5)  # what was in flight arrives
    stopped = bob.frames("alice", "microphone")
    await asyncio.sleep(1.5)
    assert bob.frames("alice", "microphone") == stopped, "audio still forwarded while muted"

    await alice.send({"type": "mute", "source": "microphone", "muted": False})
    await eventually(lambda: bob.frames("alice", "microphone") > stopped + 20, what="resumed")
    unknown = await admin.put(
        f"/admin/rooms/{room_id}/participants/alice/mute", json={"source": "camera"}
    )
    assert unknown.status_code == 404
