"""The lobby over REST and the room channel (one result for both forms): a host turns it on,
a join then waits as a request only hosts hear of, and only an admission gives a token;
denials, expiry, other rooms' tokens, non-hosts and ended rooms are refused or said so."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from video_rooms.settings import Settings
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .phx import PhxClient

Result = tuple[bool, Any]  # (done, the reply's body or the error code)


@dataclass
class Forms:
    """A host control in its REST or its channel form, for the same assertions on both."""

    form: str
    server: LiveServer
    http: httpx.AsyncClient
    room_id: str
    clients: list[PhxClient] = field(default_factory=list)

    async def _rest(self, method: str, path: str, actor: dict[str, Any], **body: Any) -> Result:
        response = await self.http.request(
            method,
            f"/api/rooms/{self.room_id}/lobby{path}",
            headers={"authorization": f"Bearer {actor['token']}"},
            json=body or None,
        )
        if response.status_code >= 400:
            return False, response.json()["error"]["code"]
        return True, response.json() if response.content else {}

    async def _channel(self, event: str, actor: dict[str, Any], **payload: Any) -> Result:
        client = await PhxClient.open(self.server.url)
        self.clients.append(client)
        topic = f"room:{self.room_id}"  # another room's token is refused here
        ref, joined = await client.join(topic, {"token": actor["token"]})
        if joined["status"] != "ok":
            return False, joined["response"]["reason"]
        reply = await client.push(ref, topic, event, payload)
        return reply["status"] == "ok", reply["response"].get("reason", reply["response"])

    async def set(self, actor: dict[str, Any], enabled: bool) -> Result:
        if self.form == "rest":
            return await self._rest("PUT", "", actor, enabled=enabled)
        return await self._channel("lobby_set", actor, enabled=enabled)

    async def admit(self, actor: dict[str, Any], request_id: str | None) -> Result:
        if self.form == "rest":
            return await self._rest(
                "POST", f"/{request_id}/admit" if request_id else "/admit", actor
            )
        if request_id is None:
            return await self._channel("lobby_admit_all", actor)
        return await self._channel("lobby_admit", actor, request_id=request_id)

    async def deny(self, actor: dict[str, Any], request_id: str) -> Result:
        if self.form == "rest":
            return await self._rest("POST", f"/{request_id}/deny", actor)
        return await self._channel("lobby_deny", actor, request_id=request_id)


@contextlib.asynccontextmanager
async def forms(
    server: LiveServer, http: httpx.AsyncClient, form: str, room_id: str
) -> AsyncIterator[Forms]:
    made = Forms(form, server, http, room_id)
    try:
        yield made
    finally:
        for client in made.clients:
            await client.close()


async def knock(
    http: httpx.AsyncClient, room_id: str, name: str, token: str | None = None
) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post(
        f"/api/rooms/{room_id}/join", json={"participant_name": name}, headers=headers
    )
    assert response.status_code == 202, response.text
    body: dict[str, Any] = response.json()
    assert set(body) == {"request_id", "secret", "expires_at"}
    return body


async def status(http: httpx.AsyncClient, room_id: str, request: dict[str, Any]) -> dict[str, Any]:
    response = await http.get(
        f"/api/rooms/{room_id}/lobby/{request['request_id']}",
        headers={"authorization": f"Bearer {request['secret']}"},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_a_host_turns_the_lobby_on_and_decides_who_comes_in(
    server: LiveServer, livekit: LiveKitServer, form: str
) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        room_id = host["room_id"]
        guest = await join_room(http, room_id, "Grace")
        other = await create_room(http, "Eve")
        async with forms(server, http, form, room_id) as lobby:
            assert await lobby.set(guest, True) == (False, "not_host")
            refused = await lobby.set(other, True)
            assert not refused[0] and refused[1] == "unauthorized"
            # Off by default: a join is straight in.
            await join_room(http, room_id, "Hal")
            done, view = await lobby.set(host, True)
            assert done and view == {"enabled": True, "requests": []}

            # The host hears of the request at once; a guest does not.
            topic = f"room:{room_id}"
            ada, grace = await PhxClient.open(server.url), await PhxClient.open(server.url)
            lobby.clients += [ada, grace]
            await ada.join(topic, {"token": host["token"]})
            await grace.join(topic, {"token": guest["token"]})
            bob = await knock(http, room_id, "Bob")
            heard = await ada.event(topic, "lobby:request")
            assert heard["id"] == bob["request_id"] and heard["name"] == "Bob"
            assert (await status(http, room_id, bob)) == {"status": "pending", "credentials": None}

            assert await lobby.admit(guest, bob["request_id"]) == (False, "not_host")
            assert await lobby.admit(other, bob["request_id"]) in ((False, "unauthorized"),)
            assert await lobby.admit(host, "lr_nobody") == (False, "lobby_request_not_found")
            assert await lobby.admit(host, bob["request_id"]) == (
                True,
                {"admitted": [bob["request_id"]]},
            )
            resolved = await ada.event(topic, "lobby:resolved")
            assert (
                resolved["request_ids"] == [bob["request_id"]] and resolved["outcome"] == "admitted"
            )
            admitted = await status(http, room_id, bob)
            assert admitted["status"] == "admitted"
            # The admitted guest's token is a member's token: its channel join works.
            bob_client = await PhxClient.open(server.url)
            lobby.clients.append(bob_client)
            _, joined = await bob_client.join(topic, {"token": admitted["credentials"]["token"]})
            assert joined["status"] == "ok" and joined["response"]["name"] == "Bob"
            assert await lobby.admit(host, bob["request_id"]) == (False, "lobby_request_not_found")

            cy = await knock(http, room_id, "Cy")
            assert await lobby.deny(guest, cy["request_id"]) == (False, "not_host")
            assert (await lobby.deny(host, cy["request_id"]))[0]
            assert (await status(http, room_id, cy)) == {"status": "denied", "credentials": None}
            assert await lobby.admit(host, cy["request_id"]) == (False, "lobby_request_not_found")

            dee, eli = await knock(http, room_id, "Dee"), await knock(http, room_id, "Eli")
            done, body = await lobby.admit(host, None)
            assert done and sorted(body["admitted"]) == sorted(
                [dee["request_id"], eli["request_id"]]
            )
            for request in (dee, eli):
                assert (await status(http, room_id, request))["status"] == "admitted"
            # Only hosts heard of the requests and their outcomes.
            assert not [f for f in grace.inbox if f[3].startswith("lobby:request")]
            assert not [f for f in grace.inbox if f[3] == "lobby:resolved"]

            done, view = await lobby.set(host, False)
            assert done and view["enabled"] is False
            await join_room(http, room_id, "Fay")
            done, view = await lobby.set(host, True)
            fred = await knock(http, room_id, "Fred")
            ended = await http.post(
                f"/api/rooms/{room_id}/end", headers={"authorization": f"Bearer {host['token']}"}
            )
            assert ended.status_code == 204
            assert await lobby.set(host, False) == (False, "room_closed")
            assert await lobby.admit(host, fred["request_id"]) == (False, "room_closed")
            closed = await http.post(f"/api/rooms/{room_id}/join", json={"participant_name": "Gus"})
            assert closed.json()["error"]["code"] == "room_closed"


async def test_a_request_proves_its_guest_and_expires(
    serve: Any, make_settings: Any, livekit: LiveKitServer, sqlite_url: str
) -> None:
    settings = make_settings(livekit, sqlite_url, lobby_request_seconds=5)
    async with serve(settings) as server, server.http() as http:
        host = await create_room(http, "Ada")
        room_id = host["room_id"]
        other = await create_room(http, "Eve")
        headers = {"authorization": f"Bearer {host['token']}"}
        put = await http.put(f"/api/rooms/{room_id}/lobby", json={"enabled": True}, headers=headers)
        assert put.status_code == 200
        bob = await knock(http, room_id, "Bob")
        path = f"/api/rooms/{room_id}/lobby/{bob['request_id']}"
        for secret, code in ((None, 401), ("not-the-secret", 401), (host["token"], 401)):
            auth = {"authorization": f"Bearer {secret}"} if secret else {}
            response = await http.get(path, headers=auth)
            assert (
                response.status_code == code and response.json()["error"]["code"] == "unauthorized"
            )
        wrong_room = await http.get(
            f"/api/rooms/{other['room_id']}/lobby/{bob['request_id']}",
            headers={"authorization": f"Bearer {bob['secret']}"},
        )
        assert wrong_room.json()["error"]["code"] == "lobby_request_not_found"
        viewed = await http.get(f"/api/rooms/{room_id}/lobby", headers=headers)
        assert [r["name"] for r in viewed.json()["requests"]] == ["Bob"]

        expires_at = datetime.fromisoformat(bob["expires_at"])
        await asyncio.sleep((expires_at - datetime.now(UTC)).total_seconds() + 0.2)
        assert (await status(http, room_id, bob))["status"] == "expired"
        viewed = await http.get(f"/api/rooms/{room_id}/lobby", headers=headers)
        assert viewed.json()["requests"] == []
        admit = await http.post(f"{path}/admit", headers=headers)
        assert (
            admit.status_code == 404 and admit.json()["error"]["code"] == "lobby_request_not_found"
        )


async def test_a_removed_participant_opening_the_link_again_waits_in_the_lobby(
    server: LiveServer, livekit: LiveKitServer
) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        room_id = host["room_id"]
        guest = await join_room(http, room_id, "Grace")
        headers = {"authorization": f"Bearer {host['token']}"}
        removed = await http.post(
            f"/api/rooms/{room_id}/participants/{guest['participant_id']}/remove", headers=headers
        )
        assert removed.status_code == 204
        # The lobby is off, yet the removed guest's browser (holding its old token) knocks.
        grace = await knock(http, room_id, "Grace", token=guest["token"])
        # Someone else's join, or a token of another person, still goes straight in.
        await join_room(http, room_id, "Hal")
        response = await http.post(
            f"/api/rooms/{room_id}/join",
            json={"participant_name": "Hal"},
            headers={"authorization": f"Bearer {host['token']}"},
        )
        assert response.status_code == 200
        admitted = await http.post(
            f"/api/rooms/{room_id}/lobby/{grace['request_id']}/admit", headers=headers
        )
        assert admitted.status_code == 200
        back = await status(http, room_id, grace)
        assert back["status"] == "admitted"
        assert back["credentials"]["participant_id"] != guest["participant_id"]


async def test_lobby_timing_setting_is_bounded() -> None:
    with pytest.raises(ValueError):
        Settings.model_validate({"lobby_request_seconds": 1})
    assert timedelta(seconds=Settings().lobby_request_seconds) == timedelta(minutes=5)
