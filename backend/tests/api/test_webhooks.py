"""LiveKit's webhooks keep the connected count, and a join right after one sees the new count.

The webhooks here are built and signed the way livekit-server signs them (a JWT with the body's
SHA-256, the API key as issuer), so the backend's verification runs for real.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from google.protobuf.json_format import MessageToJson
from livekit import api
from video_rooms.settings import Settings
from vr_testkit.livekit import LiveKitServer


def signed_webhook(settings: Settings, event: str, room_id: str, identity: str) -> tuple[str, str]:
    body = MessageToJson(
        api.WebhookEvent(
            event=event,
            id=f"EV_{event}_{identity}",
            room=api.Room(name=room_id),
            participant=api.ParticipantInfo(identity=identity),
        )
    )
    digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
    token = (
        api.AccessToken(settings.sfu_api_key, settings.sfu_api_secret).with_sha256(digest).to_jwt()
    )
    return body, token


# LiveKit is configured with /livekit; /sfu is the same handler under the provider-neutral name.
@pytest.mark.parametrize("path", ["/api/webhooks/livekit", "/api/webhooks/sfu"])
async def test_a_full_room_refuses_the_next_join_right_after_the_webhook(
    path: str,
    livekit: LiveKitServer,
    sqlite_url: str,
    make_settings: Callable[..., Settings],
    client_for: Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]],
) -> None:
    settings = make_settings(livekit, sqlite_url, room_max_participants=2)
    async with client_for(settings) as client:
        created = (await client.post("/api/rooms", json={"participant_name": "Ann"})).json()
        room_id = created["room_id"]
        joined = await client.post(f"/api/rooms/{room_id}/join", json={"participant_name": "Bob"})
        assert joined.status_code == 200  # nobody connected yet: this join also loaded the cache
        forger = make_settings(livekit, sqlite_url, sfu_api_secret="f" * 40)
        body, forged = signed_webhook(forger, "participant_joined", room_id, created["room_id"])
        refused = await client.post(
            path,
            content=body,
            headers={"Authorization": forged, "Content-Type": "application/webhook+json"},
        )
        assert refused.status_code == 401
        assert refused.json()["error"]["code"] == "unauthorized"
        for identity in (created["participant_id"], joined.json()["participant_id"]):
            body, token = signed_webhook(settings, "participant_joined", room_id, identity)
            response = await client.post(
                path,
                content=body,
                headers={"Authorization": token, "Content-Type": "application/webhook+json"},
            )
            assert response.status_code == 204
        # Well within the join cache's lifetime: the webhook must have made it forget the room.
        third = await client.post(f"/api/rooms/{room_id}/join", json={"participant_name": "Cy"})
        assert third.status_code == 409
        assert third.json()["error"]["code"] == "room_full"
        # And a participant_left frees the seat at once too.
        body, token = signed_webhook(
            settings, "participant_left", room_id, created["participant_id"]
        )
        await client.post(
            path,
            content=body,
            headers={"Authorization": token, "Content-Type": "application/webhook+json"},
        )
        again = await client.post(f"/api/rooms/{room_id}/join", json={"participant_name": "Cy"})
        assert again.status_code == 200
