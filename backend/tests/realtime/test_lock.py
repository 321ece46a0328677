"""A host locks the room: new joins are refused with `room_locked` (423) until a host unlocks
it; the same over REST and the room channel, announced to everyone."""

from __future__ import annotations

import pytest
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .host_forms import HostForms, People
from .phx import PhxClient


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_a_locked_room_refuses_new_joins(
    server: LiveServer, livekit: LiveKitServer, host_room: tuple[People, HostForms], form: str
) -> None:
    people, forms = host_room
    topic = f"room:{people.room_id}"
    watcher = await PhxClient.open(server.url)
    forms.clients.append(watcher)
    await watcher.join(topic, {"token": people.third["token"]})

    async def lock(actor: dict, locked: bool, room_id: str | None = None) -> tuple:
        outcome = await forms.control(form, actor, "lock", "lock_room", {"locked": locked}, room_id)
        return outcome[:2]

    async def join() -> tuple[int, str | None]:
        response = await forms.http.post(
            f"/api/rooms/{people.room_id}/join", json={"participant_name": "Ivy"}
        )
        return response.status_code, response.json().get("error", {}).get("code")

    assert await lock(people.guest, True) == (False, "not_host")
    assert await lock(people.other, True, people.room_id) == (False, "unauthorized")
    assert (await join())[0] == 200
    assert await lock(people.host, True) == (True, None)
    told = await watcher.event(topic, "room:locked")
    assert told == {"locked": True, "by": people.host["participant_id"], "by_name": "Ada"}
    assert await join() == (423, "room_locked")
    _, joined = await watcher.join(topic, {"token": people.guest["token"]})
    assert joined["response"]["locked"] is True  # those already in see the state
    assert await lock(people.host, False) == (True, None)
    assert (await watcher.event(topic, "room:locked"))["locked"] is False
    assert (await join())[0] == 200

    assert (await forms.rest(people.host, f"/api/rooms/{people.room_id}/end"))[0]
    assert await lock(people.host, True) == (False, "room_closed")
