"""One host control in its two forms, REST and the room channel, each answering the same
`Outcome`, and the room the control tests share (a host, two guests, another room)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
from vr_common.webhooks import Event, sign_webhook, webhook_body
from vr_testkit.api import create_room, join_room

from .phx import PhxClient

if TYPE_CHECKING:
    from .conftest import LiveServer

# (succeeded, error code or None, the success body or None)
Outcome = tuple[bool, str | None, Any]


@dataclass
class People:
    room_id: str
    host: dict[str, Any]
    guest: dict[str, Any]
    third: dict[str, Any]
    # The host of another room: valid token, wrong room.
    other: dict[str, Any]


@dataclass
class HostForms:
    server: LiveServer
    http: httpx.AsyncClient
    clients: list[PhxClient] = field(default_factory=list)

    async def rest(self, actor: dict[str, Any], path: str, body: Any = None) -> Outcome:
        response = await self.http.post(
            path, json=body, headers={"authorization": f"Bearer {actor['token']}"}
        )
        if response.status_code < 300:
            return True, None, response.json() if response.content else None
        return False, response.json()["error"]["code"], None

    async def channel(
        self, actor: dict[str, Any], event: str, payload: Any, room_id: str | None = None
    ) -> Outcome:
        """Joins the room's channel (by default the actor's) and pushes `event`."""
        client = await PhxClient.open(self.server.url)
        self.clients.append(client)
        topic = f"room:{room_id or actor['room_id']}"
        ref, joined = await client.join(topic, {"token": actor["token"]})
        if joined["status"] != "ok":
            return False, joined["response"]["reason"], None
        reply = await client.push(ref, topic, event, payload)
        if reply["status"] == "ok":
            return True, None, reply["response"]
        return False, reply["response"]["reason"], None

    async def control(
        self,
        form: str,
        actor: dict[str, Any],
        path: str,
        event: str,
        payload: Any,
        room_id: str | None = None,
    ) -> Outcome:
        """The control at `/api/rooms/{room_id}/{path}` (by default the actor's room) or as
        the channel's `event` on `room:{room_id}`."""
        if form == "rest":
            room = room_id or actor["room_id"]
            return await self.rest(actor, f"/api/rooms/{room}/{path}", payload)
        return await self.channel(actor, event, payload, room_id)

    async def webhook(self, event: Event, room_id: str, participant_id: str) -> None:
        """What the SFU posts when someone's media connects or leaves, signed as it signs."""
        settings = self.server.app.state.settings
        body = webhook_body(event, room_id, participant_id)
        response = await self.http.post(
            "/api/webhooks/sfu",
            content=body,
            headers={
                "Authorization": sign_webhook(body, settings.sfu_api_key, settings.sfu_api_secret),
                "Content-Type": "application/webhook+json",
            },
        )
        assert response.status_code == 204, response.text

    async def close(self) -> None:
        for client in self.clients:
            await client.close()


async def make_people(http: httpx.AsyncClient) -> People:
    host = await create_room(http, "Ada")
    room_id = host["room_id"]
    guest = await join_room(http, room_id, "Grace")
    third = await join_room(http, room_id, "Hal")
    other = await create_room(http, "Eve")
    for person in (guest, third):
        person["room_id"] = room_id
    return People(room_id, host, guest, third, other)
