"""Refusals: each bad request gets a clear error, and the SFU keeps serving everyone else."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from vr_common.tokens import issue_room_token
from vr_testkit.embedded_sfu import EmbeddedSfuProcess, new_room_id
from vr_testkit.media import MovingVideoTrack
from vr_testkit.sfu_client import Peers, SfuClient, SfuError, eventually
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosedError


async def _refused(
    sfu: EmbeddedSfuProcess, room: str, token: str, close_code: int = 4001
) -> SfuError:
    client = SfuClient(sfu.ws_url, room, token)
    try:
        with pytest.raises(SfuError) as refused:
            await client.join()
        await eventually(lambda: client.closed_code is not None, what="socket closed")
        assert client.closed_code == close_code
    finally:
        await client.close()
    return refused.value


async def test_a_token_for_another_room_is_refused(
    sfu: EmbeddedSfuProcess, token: Callable[..., str], room_id: str
) -> None:
    error = await _refused(sfu, room_id, token("some-other-room", "mallory"))
    assert error.code == "wrong_room"
    assert "another room" in str(error)


async def test_an_expired_token_is_refused(
    sfu: EmbeddedSfuProcess, token: Callable[..., str], room_id: str
) -> None:
    expired = token(room_id, "late", ttl=timedelta(seconds=-60))
    error = await _refused(sfu, room_id, expired)
    assert error.code == "token_expired"


async def test_a_token_signed_with_another_secret_is_refused(
    sfu: EmbeddedSfuProcess, room_id: str
) -> None:
    forged = issue_room_token(
        api_key=sfu.api_key,
        api_secret="not-the-secret-" + "x" * 32,
        room_id=room_id,
        participant_id="forger",
        participant_name="Forger",
        ttl=timedelta(minutes=5),
    )
    error = await _refused(sfu, room_id, forged)
    assert error.code == "invalid_token"


async def test_a_valid_token_of_a_room_the_backend_never_created_is_refused(
    sfu: EmbeddedSfuProcess, token: Callable[..., str], admin: httpx.AsyncClient
) -> None:
    never_created = new_room_id()
    error = await _refused(sfu, never_created, token(never_created, "eve"), close_code=4004)
    assert error.code == "room_not_found"
    listed = await admin.get(f"/admin/rooms/{never_created}/participants")
    assert listed.status_code == 404  # and the join created nothing


async def test_an_ended_rooms_token_is_refused_by_a_raw_join_on_rtc(
    sfu: EmbeddedSfuProcess,
    token: Callable[..., str],
    room_id: str,
    peers: Peers,
    admin: httpx.AsyncClient,
) -> None:
    alice = await peers("alice")
    guest_token = token(room_id, "guest")
    deleted = await admin.delete(f"/admin/rooms/{room_id}")
    assert deleted.status_code == 204
    closed = await alice.wait_for(lambda m: m["type"] == "closed")
    assert closed["reason"] == "room_deleted"
    # The guest's token is still valid for an hour, yet the raw signalling join is refused.
    async with connect(sfu.ws_url) as ws:
        await ws.send(json.dumps({"type": "join", "room": room_id, "token": guest_token}))
        reply = json.loads(await ws.recv())
        assert (reply["type"], reply["code"], reply["fatal"]) == ("error", "room_not_found", True)
        await ws.wait_closed()
        assert ws.close_code == 4004


async def test_the_first_message_must_be_a_join(sfu: EmbeddedSfuProcess) -> None:
    async with connect(sfu.ws_url) as ws:
        await ws.send(json.dumps({"type": "offer", "sdp": "v=0", "tracks": {}}))
        reply = json.loads(await ws.recv())
        assert reply["type"] == "error"
        assert reply["code"] == "not_joined"
        assert reply["fatal"] is True
        await ws.wait_closed()
        assert ws.close_code == 4000


async def test_garbage_is_refused_with_a_reason(sfu: EmbeddedSfuProcess) -> None:
    async with connect(sfu.ws_url) as ws:
        await ws.send("this is not json")
        reply = json.loads(await ws.recv())
        assert reply["code"] == "bad_message"
        assert reply["message"]


async def test_a_malformed_offer_is_refused_and_the_others_keep_being_served(
    peers: Peers,
) -> None:
    alice = await peers("alice")
    bob = await peers("bob")
    await alice.publish({"camera": MovingVideoTrack()})
    await eventually(lambda: bob.frames("alice", "camera") > 5, what="bob sees alice")

    mallory = await peers("mallory")
    with pytest.raises(SfuError) as refused:
        await mallory.offer("v=0\r\nthis is not sdp\r\n", {"0": "camera"})
    assert refused.value.code == "bad_offer"
    assert refused.value.message["fatal"] is False

    # An offer that parses but names a track that is not in it is refused too.
    with pytest.raises(SfuError) as unknown_mid:
        await mallory.offer(alice.publish_pc.localDescription.sdp, {"7": "camera"})  # type: ignore[union-attr]
    assert unknown_mid.value.code == "bad_offer"

    # Mallory's connection and everyone's media survive: a good offer still works.
    before = bob.frames("alice", "camera")
    await mallory.publish({"camera": MovingVideoTrack()})
    await eventually(lambda: bob.frames("mallory", "camera") > 5, what="bob sees mallory")
    await eventually(lambda: bob.frames("alice", "camera") > before + 10, what="alice flows")
    await eventually(lambda: alice.frames("mallory", "camera") > 5, what="alice sees mallory")


async def test_an_answer_nobody_asked_for_is_refused(peers: Peers) -> None:
    alice = await peers("alice")
    since = len(alice.inbox)
    await alice.send({"type": "answer", "sdp": "v=0\r\n"})
    reply = await alice.wait_for(lambda m: m["type"] == "error", since=since)
    assert reply["code"] == "unexpected_answer"
    await alice.send({"type": "ping"})
    await alice.wait_for(lambda m: m["type"] == "pong", since=since)


def _token(sfu: EmbeddedSfuProcess, identity: str) -> str:
    return issue_room_token(
        api_key=sfu.api_key,
        api_secret=sfu.api_secret,
        room_id="r",
        participant_id=identity,
        participant_name=identity,
        ttl=timedelta(minutes=5),
    )


async def test_a_client_that_never_answers_is_ended_and_the_room_goes_on(
    tmp_path: Path,
) -> None:
    sfu = EmbeddedSfuProcess(log_dir=tmp_path, EMBEDDED_SFU_ANSWER_TIMEOUT_SECONDS="1.5")
    sfu.start_and_wait()
    try:
        sfu.create_room("r")
        alice = SfuClient(sfu.ws_url, "r", _token(sfu, "alice"))
        await alice.join()
        await alice.publish({"camera": MovingVideoTrack()})
        async with connect(sfu.ws_url) as mute_client:
            await mute_client.send(
                json.dumps({"type": "join", "room": "r", "token": _token(sfu, "bob")})
            )
            kinds = []
            with pytest.raises(ConnectionClosedError):
                async for raw in mute_client:  # never answers the offer that comes
                    message = json.loads(raw)
                    kinds.append(message["type"])
                    if message["type"] == "error":
                        assert message["code"] == "answer_timeout"
                        assert message["fatal"] is True
            assert "offer" in kinds and kinds[-1] == "error"
            assert mute_client.close_code == 4000
        left = await alice.wait_for(lambda m: m["type"] == "participant_left")
        assert left["participant"] == "bob"
        await alice.close()
    finally:
        sfu.stop()


async def test_a_removed_identity_is_refused_with_its_old_token(
    sfu: EmbeddedSfuProcess,
    token: Callable[..., str],
    room_id: str,
    peers: Peers,
    admin: httpx.AsyncClient,
) -> None:
    await peers("alice")
    bob_token = token(room_id, "bob")
    bob = SfuClient(sfu.ws_url, room_id, bob_token)
    try:
        await bob.join()
        removed = await admin.delete(f"/admin/rooms/{room_id}/participants/bob")
        assert removed.status_code == 204
        closed = await bob.wait_for(lambda m: m["type"] == "closed", within=2.0)
        assert closed["reason"] == "removed"
    finally:
        await bob.close()
    error = await _refused(sfu, room_id, bob_token, close_code=4002)
    assert error.code == "participant_removed"
