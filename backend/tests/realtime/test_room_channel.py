"""The room topic over real sockets: join with a token, presence, chat and its history,
hands, reactions, token renewal, and the host ending the room."""

from __future__ import annotations

from typing import Any

from vr_common.tokens import verify_room_token
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .phx import PhxClient


async def _enter(server: LiveServer, room_id: str, token: str) -> tuple[PhxClient, str, Any]:
    client = await PhxClient.open(server.url)
    join_ref, reply = await client.join(f"room:{room_id}", {"token": token})
    assert reply["status"] == "ok", reply
    return client, join_ref, reply["response"]


async def test_join_reply_presence_state_then_diffs(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
    topic = f"room:{host['room_id']}"

    ada, _, reply = await _enter(server, host["room_id"], host["token"])
    assert reply["participant_id"] == host["participant_id"]
    assert reply["is_host"] is True
    assert reply["messages"] == []
    state = await ada.event(topic, "presence_state")
    assert list(state) == [host["participant_id"]]
    (meta,) = state[host["participant_id"]]["metas"]
    assert meta["name"] == "Ada" and meta["hand_raised"] is False and meta["phx_ref"]
    # Her own join is announced too (held until after presence_state; phoenix.js dedupes it).
    own = await ada.event(topic, "presence_diff")
    assert own["joins"][host["participant_id"]]["metas"] == [meta]

    grace, _, reply = await _enter(server, host["room_id"], guest["token"])
    assert reply["is_host"] is False
    state = await grace.event(topic, "presence_state")
    assert set(state) == {host["participant_id"], guest["participant_id"]}
    joined = await ada.event(topic, "presence_diff")
    assert list(joined["joins"]) == [guest["participant_id"]] and joined["leaves"] == {}

    await grace.close()
    left = await ada.event(topic, "presence_diff")
    assert list(left["leaves"]) == [guest["participant_id"]] and left["joins"] == {}
    await ada.close()


async def test_chat_reaches_everyone_and_is_in_the_next_join_reply(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
    topic = f"room:{host['room_id']}"
    ada, ada_ref, _ = await _enter(server, host["room_id"], host["token"])
    grace, _, _ = await _enter(server, host["room_id"], guest["token"])

    reply = await ada.push(ada_ref, topic, "chat", {"text": "héllo 👋"})
    assert reply["status"] == "ok"
    sent = reply["response"]
    assert sent["text"] == "héllo 👋" and sent["name"] == "Ada"
    assert sent["participant_id"] == host["participant_id"]
    assert isinstance(sent["id"], int) and sent["sent_at"]
    assert await grace.event(topic, "chat") == sent
    assert await ada.event(topic, "chat") == sent
    await grace.close()

    late, _, reply = await _enter(server, host["room_id"], guest["token"])
    assert reply["messages"] == [sent]
    await late.close()
    await ada.close()


async def test_history_is_the_last_200_messages_oldest_first(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
    store = server.realtime.store
    for n in range(205):
        await store.add_message(host["room_id"], host["participant_id"], "Ada", f"m{n}")
    client, _, reply = await _enter(server, host["room_id"], host["token"])
    texts = [m["text"] for m in reply["messages"]]
    assert texts == [f"m{n}" for n in range(5, 205)]
    await client.close()


async def test_raised_hand_updates_presence_and_is_announced(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
    topic = f"room:{host['room_id']}"
    ada, _, _ = await _enter(server, host["room_id"], host["token"])
    grace, grace_ref, _ = await _enter(server, host["room_id"], guest["token"])
    await ada.event(topic, "presence_diff")  # her own join
    await ada.event(topic, "presence_diff")  # Grace's join

    assert (await grace.push(grace_ref, topic, "hand", {"raised": True}))["status"] == "ok"
    change = await ada.event(topic, "presence_diff")
    (new,) = change["joins"][guest["participant_id"]]["metas"]
    (old,) = change["leaves"][guest["participant_id"]]["metas"]
    assert new["hand_raised"] is True and old["hand_raised"] is False
    assert new["phx_ref_prev"] == old["phx_ref"]
    hand = await ada.event(topic, "hand")
    assert hand == {"participant_id": guest["participant_id"], "name": "Grace", "raised": True}

    late, _, _ = await _enter(server, host["room_id"], host["token"])
    state = await late.event(topic, "presence_state")
    assert state[guest["participant_id"]]["metas"][0]["hand_raised"] is True
    for client in (ada, grace, late):
        await client.close()


async def test_a_participants_own_path_is_announced_in_presence(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
    topic = f"room:{host['room_id']}"
    ada, _, _ = await _enter(server, host["room_id"], host["token"])
    grace, grace_ref, _ = await _enter(server, host["room_id"], guest["token"])
    await ada.event(topic, "presence_diff")  # her own join
    (joined,) = (await ada.event(topic, "presence_diff"))["joins"][guest["participant_id"]]["metas"]
    assert joined["path"] is None

    reply = await grace.push(grace_ref, topic, "path", {"path": "turn-tls"})
    assert reply == {"status": "ok", "response": {"path": "turn-tls"}}
    change = await ada.event(topic, "presence_diff")
    (new,) = change["joins"][guest["participant_id"]]["metas"]
    assert new["path"] == "turn-tls" and new["name"] == "Grace"

    for bad in ({"path": "carrier-pigeon"}, {"path": None}, {}):
        refused = await grace.push(grace_ref, topic, "path", bad)
        assert refused["status"] == "error" and refused["response"]["reason"] == "invalid_path"
    late, _, _ = await _enter(server, host["room_id"], host["token"])
    state = await late.event(topic, "presence_state")
    assert state[guest["participant_id"]]["metas"][0]["path"] == "turn-tls"
    for client in (ada, grace, late):
        await client.close()


async def test_reactions_are_broadcast(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
    topic = f"room:{host['room_id']}"
    ada, ada_ref, _ = await _enter(server, host["room_id"], host["token"])
    grace, _, _ = await _enter(server, host["room_id"], guest["token"])
    assert (await ada.push(ada_ref, topic, "reaction", {"emoji": "🎉"}))["status"] == "ok"
    reaction = await grace.event(topic, "reaction")
    assert reaction["emoji"] == "🎉" and reaction["participant_id"] == host["participant_id"]
    refused = await ada.push(ada_ref, topic, "reaction", {"emoji": "not one"})
    assert refused == {
        "status": "error",
        "response": {"reason": "invalid_reaction", "message": refused["response"]["message"]},
    }
    await ada.close()
    await grace.close()


async def test_renewed_token_is_valid_and_joins_again(
    server: LiveServer, livekit: LiveKitServer
) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
    topic = f"room:{host['room_id']}"
    ada, ada_ref, reply = await _enter(server, host["room_id"], host["token"])
    assert reply["token_expires_at"]
    renewed = await ada.push(ada_ref, topic, "renew_token", {})
    assert renewed["status"] == "ok"
    token = renewed["response"]["token"]
    claims = verify_room_token(
        token, api_key=livekit.api_key, api_secret=livekit.api_secret, room_id=host["room_id"]
    )
    assert claims.participant_id == host["participant_id"] and claims.name == "Ada"
    assert renewed["response"]["expires_at"] >= reply["token_expires_at"]
    await ada.close()
    again, _, reply = await _enter(server, host["room_id"], token)
    assert reply["participant_id"] == host["participant_id"]
    await again.close()
