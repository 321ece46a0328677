"""`renew_token` mints nothing for a participant who left the room, nor past the maximum
session length (MAX_SESSION_SECONDS); the REST leave is what marks a participant gone."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta

from sqlalchemy import update
from video_rooms.db.engine import create_engine
from video_rooms.db.tables import participants
from video_rooms.settings import Settings
from vr_testkit.api import create_room, join_room

from .conftest import LiveServer
from .phx import PhxClient

Serve = Callable[[Settings], AbstractAsyncContextManager[LiveServer]]


async def test_no_renewal_after_leaving(server: LiveServer) -> None:
    async with server.http() as http:
        host = await create_room(http, "Ada")
        guest = await join_room(http, host["room_id"], "Grace")
        topic = f"room:{host['room_id']}"
        grace = await PhxClient.open(server.url)
        ref, reply = await grace.join(topic, {"token": guest["token"]})
        assert reply["status"] == "ok"
        assert (await grace.push(ref, topic, "renew_token", {}))["status"] == "ok"
        left = await http.delete(
            f"/api/rooms/{host['room_id']}/leave",
            headers={"Authorization": f"Bearer {guest['token']}"},
        )
        assert left.status_code == 204
    refused = await grace.push(ref, topic, "renew_token", {})
    assert refused["status"] == "error"
    assert refused["response"]["reason"] == "participant_left"
    await grace.close()


async def test_no_renewal_past_the_maximum_session(serve: Serve, settings: Settings) -> None:
    limited = settings.model_copy(update={"max_session_seconds": 60})
    async with serve(limited) as server, server.http() as http:
        host = await create_room(http, "Ada")
        topic = f"room:{host['room_id']}"
        ada = await PhxClient.open(server.url)
        ref, _ = await ada.join(topic, {"token": host["token"]})
        assert (await ada.push(ref, topic, "renew_token", {}))["status"] == "ok"
        engine = create_engine(settings.database_url)
        async with engine.begin() as conn:
            await conn.execute(
                update(participants)
                .where(participants.c.id == host["participant_id"])
                .values(joined_at=datetime.now(UTC) - timedelta(seconds=61))
            )
        await engine.dispose()
        refused = await ada.push(ref, topic, "renew_token", {})
        assert refused["status"] == "error"
        assert refused["response"]["reason"] == "session_expired"
        await ada.close()
