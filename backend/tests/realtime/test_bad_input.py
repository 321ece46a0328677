"""Bad input: errors answer what can be answered, and only the offending socket is closed when
a frame cannot be read. After a fuzzing run the server still serves and holds nothing."""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import socket
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import timedelta

import pytest
from video_rooms.settings import Settings
from vr_common.tokens import issue_room_token
from vr_testkit.api import create_room
from vr_testkit.livekit import LiveKitServer
from websockets.client import ClientProtocol
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.frames import Frame
from websockets.protocol import State
from websockets.uri import parse_uri

from .conftest import LiveServer
from .phx import PhxClient

Serve = Callable[[Settings], AbstractAsyncContextManager[LiveServer]]


async def _closed_with(client: PhxClient) -> tuple[int | None, str | None]:
    """Reads (into the inbox) until the server closes; returns its close code and reason."""
    with pytest.raises(ConnectionClosed):
        async with asyncio.timeout(5):
            while True:
                client.inbox.append(json.loads(await client.ws.recv()))
    return client.ws.close_code, client.ws.close_reason


async def _joined(server: LiveServer) -> tuple[PhxClient, str, str]:
    async with server.http() as http:
        room = await create_room(http, "Ada")
    client = await PhxClient.open(server.url)
    topic = f"room:{room['room_id']}"
    join_ref, reply = await client.join(topic, {"token": room["token"]})
    assert reply["status"] == "ok"
    return client, topic, join_ref


async def test_heartbeat_is_answered(server: LiveServer) -> None:
    client = await PhxClient.open(server.url)
    assert await client.push(None, "phoenix", "heartbeat", {}) == {  # type: ignore[arg-type]
        "status": "ok",
        "response": {},
    }
    await client.close()


async def test_unknown_topic_and_unjoined_topic_get_error_replies(server: LiveServer) -> None:
    client = await PhxClient.open(server.url)
    _, reply = await client.join("lobby:main", {})
    assert reply == {"status": "error", "response": {"reason": "unmatched topic"}}
    reply = await client.push("9", "room:abc", "chat", {"text": "hi"})
    assert reply == {"status": "error", "response": {"reason": "unmatched topic"}}
    assert (await client.push(None, "phoenix", "heartbeat", {}))["status"] == "ok"  # type: ignore[arg-type]
    await client.close()


async def test_unknown_event_is_an_error_and_the_channel_lives_on(server: LiveServer) -> None:
    client, topic, join_ref = await _joined(server)
    reply = await client.push(join_ref, topic, "dance", {})
    assert reply["status"] == "error" and reply["response"]["reason"] == "unknown_event"
    for bad in ({}, {"text": 5}, {"text": "   "}):
        reply = await client.push(join_ref, topic, "chat", bad)
        assert reply["status"] == "error" and reply["response"]["reason"] == "invalid_message"
    assert (await client.push(join_ref, topic, "chat", {"text": "still here"}))["status"] == "ok"
    await client.close()


async def test_chat_over_2000_characters_is_refused(server: LiveServer) -> None:
    client, topic, join_ref = await _joined(server)
    reply = await client.push(join_ref, topic, "chat", {"text": "x" * 2001})
    assert reply["status"] == "error" and reply["response"]["reason"] == "message_too_long"
    assert (await client.push(join_ref, topic, "chat", {"text": "x" * 2000}))["status"] == "ok"
    await client.close()


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("not json", 1007),
        ("{}", 1007),
        ('["1", "1", "room:x", "phx_join"]', 1007),
        ('["1", "1", "room:x", "phx_join", []]', 1007),
        ('["1", "1", 42, "phx_join", {}]', 1007),
        ('["1", "1", "room:x", "", {}]', 1007),
        ('[{"a": 1}, "1", "room:x", "phx_join", {}]', 1007),
        (b"\x00\x01binary", 1003),
        ('["1", "1", "room:x", "chat", {"text": "' + "x" * 20_000 + '"}]', 1009),
    ],
)
async def test_unreadable_frames_close_only_that_socket(
    server: LiveServer, frame: str | bytes, code: int
) -> None:
    bystander, topic, join_ref = await _joined(server)
    offender = await PhxClient.open(server.url)
    await offender.ws.send(frame)
    received_code, reason = await _closed_with(offender)
    assert received_code == code and reason
    reply = await bystander.push(join_ref, topic, "chat", {"text": "unaffected"})
    assert reply["status"] == "ok"
    await bystander.close()


async def test_refused_joins(server: LiveServer, livekit: LiveKitServer) -> None:
    async with server.http() as http:
        room = await create_room(http, "Ada")
        other = await create_room(http, "Bo")
    topic = f"room:{room['room_id']}"
    expired = issue_room_token(
        api_key=livekit.api_key,
        api_secret=livekit.api_secret,
        room_id=room["room_id"],
        participant_id=room["participant_id"],
        participant_name="Ada",
        ttl=timedelta(seconds=-120),
    )
    forged = issue_room_token(
        api_key=livekit.api_key,
        api_secret="not-the-secret-" * 3,
        room_id=room["room_id"],
        participant_id=room["participant_id"],
        participant_name="Ada",
        ttl=timedelta(minutes=5),
    )
    client = await PhxClient.open(server.url)
    cases = {
        "missing": ({}, "Join with"),
        "not a string": ({"token": 12}, "Join with"),
        "garbage": ({"token": "abc.def.ghi"}, "malformed"),
        "expired": ({"token": expired}, "expired"),
        "forged": ({"token": forged}, "signature"),
        "other room": ({"token": other["token"]}, "another room"),
    }
    for name, (payload, message) in cases.items():
        _, reply = await client.join(topic, payload)
        assert reply["status"] == "error", name
        assert reply["response"]["reason"] == "unauthorized", name
        assert message in reply["response"]["message"], name
    _, reply = await client.join("room:no-such-room", {"token": room["token"]})
    assert reply["response"]["reason"] == "unauthorized"  # the token is for another room
    assert server.realtime.pubsub.topic_count() == 0
    _, reply = await client.join(topic, {"token": room["token"]})
    assert reply["status"] == "ok"
    await client.close()


async def test_unknown_room_is_refused(
    serve: Serve, make_settings: Callable[..., Settings], livekit: LiveKitServer, sqlite_url: str
) -> None:
    token = issue_room_token(
        api_key=livekit.api_key,
        api_secret=livekit.api_secret,
        room_id="ghost",
        participant_id="p_ghost",
        participant_name="Casper",
        ttl=timedelta(minutes=5),
    )
    async with serve(make_settings(livekit, sqlite_url)) as server:
        client = await PhxClient.open(server.url)
        _, reply = await client.join("room:ghost", {"token": token})
        assert reply["response"]["reason"] == "room_not_found"
        await client.close()
        assert server.realtime.pubsub.topic_count() == 0


async def test_flood_is_rate_limited_then_disconnected(server: LiveServer) -> None:
    client, topic, join_ref = await _joined(server)
    limits = server.realtime.limits
    refs = [await client.send(join_ref, topic, "reaction", {"emoji": "👍"}) for _ in range(10)]
    for ref in refs:
        assert (await client.reply(ref))["status"] == "ok"  # a burst within the limit
    flood = limits.rate_burst * 3
    with contextlib.suppress(ConnectionClosed):
        for n in range(flood):
            await client.ws.send(
                json.dumps([join_ref, f"f{n}", topic, "reaction", {"emoji": "👍"}])
            )
    code, reason = await _closed_with(client)
    assert (code, reason) == (1008, "rate limit exceeded")
    replies = [f[4] for f in client.inbox if f[3] == "phx_reply" and f[1].startswith("f")]
    refused = [r for r in replies if r["status"] == "error"]
    assert refused and all(r["response"]["reason"] == "rate_limited" for r in refused)
    assert len(replies) < flood  # the rest of the flood was never handled


async def test_silent_socket_is_dropped_after_the_heartbeat_timeout(
    serve: Serve, make_settings: Callable[..., Settings], livekit: LiveKitServer, sqlite_url: str
) -> None:
    settings = make_settings(livekit, sqlite_url, realtime_heartbeat_timeout_seconds=1.0)
    async with serve(settings) as server:
        client = await PhxClient.open(server.url)
        code, reason = await _closed_with(client)
        assert (code, reason) == (4000, "heartbeat timeout")
        await _until(lambda: not server.realtime.connections)


async def test_other_serializer_versions_are_refused(server: LiveServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        await PhxClient.open(server.url, query="vsn=1.0.0")
    assert refused.value.response.status_code == 403


async def _until(condition: Callable[[], bool], within: float = 5.0) -> None:
    async with asyncio.timeout(within):
        while True:
            if condition():
                return
            await asyncio.sleep(0.05)


def _fuzz_frame(rng: random.Random, topic: str, token: str) -> str | bytes:
    atoms: list[object] = [None, 0, -1, 1.5, True, "", "x" * 300, [], {}, {"a": [1]}, "room:"]
    valid_events = ["phx_join", "phx_leave", "chat", "hand", "reaction", "end_room", "heartbeat"]
    choice = rng.randrange(6)
    if choice == 0:
        return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
    if choice == 1:
        return "".join(chr(rng.randrange(32, 0x2FF)) for _ in range(rng.randrange(1, 60)))
    fields: list[object] = [
        rng.choice(["1", None, "x", 7]),
        str(rng.randrange(100)),
        rng.choice([topic, "phoenix", "room:other", "nope", *atoms]),
        rng.choice([*valid_events, *atoms]),
        rng.choice(
            [
                {"token": token},
                {"token": rng.choice(atoms)},
                {"text": rng.choice(atoms)},
                {"raised": rng.choice(atoms)},
                {"emoji": rng.choice(atoms)},
                *atoms,
            ]
        ),
    ]
    if choice == 2:
        del fields[rng.randrange(5)]
    return json.dumps(fields)


async def test_fuzzing_leaves_a_serving_server_with_nothing_leaked(server: LiveServer) -> None:
    async with server.http() as http:
        room = await create_room(http, "Ada")
    topic = f"room:{room['room_id']}"
    rng = random.Random(5)

    async def fuzz_one(seed: int) -> None:
        local = random.Random(seed)
        client = await PhxClient.open(server.url)
        try:
            for _ in range(60):
                await client.ws.send(_fuzz_frame(local, topic, room["token"]))
        except ConnectionClosed:
            return
        finally:
            await client.close()

    await asyncio.gather(*(fuzz_one(rng.randrange(1 << 30)) for _ in range(40)))
    await _until(lambda: not server.realtime.connections)
    await _until(lambda: server.realtime.pubsub.topic_count() == 0)
    assert await server.realtime.presence.state(topic) == {}

    client, topic, join_ref = await _joined(server)
    assert (await client.push(join_ref, topic, "chat", {"text": "alive"}))["status"] == "ok"
    await client.close()


async def test_a_client_that_stops_reading_is_disconnected(
    serve: Serve, make_settings: Callable[..., Settings], livekit: LiveKitServer, sqlite_url: str
) -> None:
    settings = make_settings(
        livekit,
        sqlite_url,
        realtime_max_pending_frames=20,
        realtime_rate_per_second=10_000,
        realtime_rate_burst=10_000,
    )
    async with serve(settings) as server:
        talker, topic, join_ref = await _joined(server)
        room_id = topic.removeprefix("room:")
        async with server.http() as http:
            guest = await http.post(f"/api/rooms/{room_id}/join", json={"participant_name": "Z"})
        talker_conn = set(server.realtime.connections)
        # A tiny receive buffer, and never a read: the server's queue for it has to grow.
        sleeper = await _never_reading_member(server, topic, guest.json()["token"])
        (sleeper_conn,) = server.realtime.connections - talker_conn

        try:
            async with asyncio.timeout(30):
                while sleeper_conn in server.realtime.connections:
                    refs = [
                        await talker.send(join_ref, topic, "chat", {"text": "y" * 2000})
                        for _ in range(50)
                    ]
                    for ref in refs:
                        assert (await talker.reply(ref))["status"] == "ok"
                    talker.inbox.clear()
        finally:
            sleeper.close()
        assert sleeper_conn.close_request == (1013, "client is not reading its messages")
        # The talker is still served; the sleeper's presence is gone.
        assert (await talker.push(join_ref, topic, "chat", {"text": "still on"}))["status"] == "ok"
        state = await server.realtime.presence.state(topic)
        assert guest.json()["participant_id"] not in state and len(state) == 1
        await talker.close()


async def _never_reading_member(server: LiveServer, topic: str, token: str) -> socket.socket:
    """A raw socket that completes the handshake and a join, then never reads again."""
    loop = asyncio.get_running_loop()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.setblocking(False)
    await loop.sock_connect(sock, ("127.0.0.1", int(server.url.rsplit(":", 1)[1])))
    protocol = ClientProtocol(parse_uri(server.url.replace("http", "ws") + "/ws/websocket"))
    protocol.send_request(protocol.connect())
    await loop.sock_sendall(sock, b"".join(protocol.data_to_send()))
    while protocol.state is not State.OPEN:
        protocol.receive_data(await loop.sock_recv(sock, 4096))
        assert protocol.handshake_exc is None
    protocol.send_text(json.dumps(["1", "1", topic, "phx_join", {"token": token}]).encode())
    await loop.sock_sendall(sock, b"".join(protocol.data_to_send()))
    async with asyncio.timeout(5):
        while not any(
            isinstance(event, Frame) and json.loads(event.data)[3] == "phx_reply"
            for event in protocol.events_received()
        ):
            protocol.receive_data(await loop.sock_recv(sock, 4096))
    return sock
