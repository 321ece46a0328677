"""Roles: a host makes a guest a co-host (a host's powers) and takes it back, over REST or the
room channel with the same results; when the last host leaves, the participant present longest
becomes host, and everyone is told: at once for a leave, after a grace period when the SFU
reports their media gone (a network drop); the room never has two hosts."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable

import pytest
from video_rooms.settings import Settings
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .host_forms import HostForms, Outcome, People, make_people
from .phx import PhxClient

Serve = Callable[[Settings], contextlib.AbstractAsyncContextManager[LiveServer]]


async def _role(
    forms: HostForms, form: str, actor: dict, target: str, role: str, room_id: str | None = None
) -> Outcome:
    return await forms.control(
        form,
        actor,
        f"participants/{target}/role",
        "set_role",
        {"participant_id": target, "role": role},
        room_id,
    )


async def _lock(forms: HostForms, form: str, actor: dict, locked: bool) -> Outcome:
    return await forms.control(form, actor, "lock", "lock_room", {"locked": locked})


@pytest.mark.parametrize("form", ["rest", "channel"])
async def test_a_host_gives_and_takes_back_a_cohost(
    server: LiveServer, livekit: LiveKitServer, host_room: tuple[People, HostForms], form: str
) -> None:
    people, forms = host_room
    host, guest, third = people.host, people.guest, people.third
    gid = guest["participant_id"]
    topic = f"room:{people.room_id}"
    watcher = await PhxClient.open(server.url)
    forms.clients.append(watcher)
    _, joined = await watcher.join(topic, {"token": third["token"]})
    assert joined["response"]["roles"] == {host["participant_id"]: "host"}

    assert (await _role(forms, form, third, gid, "cohost"))[:2] == (False, "not_host")
    across = await _role(forms, form, people.other, gid, "cohost", people.room_id)
    assert across[:2] == (False, "unauthorized")
    assert (await _role(forms, form, host, "p_nobody", "cohost"))[:2] == (
        False,
        "participant_not_found",
    )
    assert (await _role(forms, form, host, gid, "cohost"))[:2] == (True, None)
    told = await watcher.event(topic, "participant:role")
    assert told == {
        "participant_id": gid,
        "name": "Grace",
        "role": "cohost",
        "reason": "given",
        "by": host["participant_id"],
        "by_name": "Ada",
    }
    # A co-host has a host's powers, but cannot take the host's role away.
    assert (await _lock(forms, form, guest, True))[:2] == (True, None)
    assert (await _lock(forms, form, guest, False))[:2] == (True, None)
    assert (await _role(forms, form, guest, host["participant_id"], "participant"))[:2] == (
        False,
        "role_not_changeable",
    )
    assert (await _role(forms, form, host, gid, "participant"))[:2] == (True, None)
    taken = await watcher.event(topic, "participant:role")
    assert (taken["participant_id"], taken["role"], taken["reason"]) == (gid, None, "taken")
    assert (await _lock(forms, form, guest, True))[:2] == (False, "not_host")

    ended = await forms.rest(host, f"/api/rooms/{people.room_id}/end")
    assert ended[0]
    assert (await _role(forms, "rest", host, gid, "cohost"))[:2] == (False, "room_closed")


async def test_the_longest_present_becomes_host_when_the_last_host_leaves(
    server: LiveServer, livekit: LiveKitServer, host_room: tuple[People, HostForms]
) -> None:
    people, forms = host_room
    room_id, topic = people.room_id, f"room:{people.room_id}"
    # The SFU reports their media connections: Grace's before Hal's.
    for person in (people.host, people.guest, people.third):
        await forms.webhook("participant_joined", room_id, person["participant_id"])
    watcher = await PhxClient.open(server.url)
    forms.clients.append(watcher)
    await watcher.join(topic, {"token": people.third["token"]})

    left = await forms.http.delete(
        f"/api/rooms/{room_id}/leave", headers={"authorization": f"Bearer {people.host['token']}"}
    )
    assert left.status_code == 204
    told = await watcher.event(topic, "participant:role")
    assert told == {
        "participant_id": people.guest["participant_id"],
        "name": "Grace",
        "role": "host",
        "reason": "handover",
        "by": None,
        "by_name": None,
    }
    assert (await _lock(forms, "rest", people.guest, True))[:2] == (True, None)


async def test_a_dropped_host_has_a_grace_period_and_the_room_one_host(
    serve: Serve, make_settings: Callable[..., Settings], livekit: LiveKitServer, sqlite_url: str
) -> None:
    grace = 2.0
    settings = make_settings(livekit, sqlite_url, host_handover_grace_seconds=grace)
    async with serve(settings) as server, server.http() as http:
        forms = HostForms(server, http)
        try:
            await _dropped_host(server, forms, await make_people(http), grace)
        finally:
            await forms.close()


async def _dropped_host(server: LiveServer, forms: HostForms, people: People, grace: float) -> None:
    room_id, topic = people.room_id, f"room:{people.room_id}"
    ada, grace_id, hal = (p["participant_id"] for p in (people.host, people.guest, people.third))
    for pid in (ada, grace_id, hal):  # Grace's media connects before Hal's
        await forms.webhook("participant_joined", room_id, pid)
    watcher = await PhxClient.open(server.url)
    forms.clients.append(watcher)
    await watcher.join(topic, {"token": people.third["token"]})

    # A network drop: the SFU reports the host gone, and back within the grace period.
    await forms.webhook("participant_left", room_id, ada)
    await asyncio.sleep(grace / 4)
    await forms.webhook("participant_joined", room_id, ada)
    with pytest.raises(TimeoutError):
        await watcher.event(topic, "participant:role", within=grace + 1.5)
    assert await _roles(server, people.third, topic) == {ada: "host"}

    # Gone for good: handed over once the period has passed, not before.
    started = time.monotonic()
    await forms.webhook("participant_left", room_id, ada)
    told = await watcher.event(topic, "participant:role", within=grace + 10)
    assert time.monotonic() - started >= grace * 0.9
    assert (told["participant_id"], told["role"], told["reason"]) == (grace_id, "host", "handover")

    # The creator's old token brings their media back: one host still, and they are a co-host
    # (a host's powers, but the new host's role is not theirs to take).
    await forms.webhook("participant_joined", room_id, ada)
    assert await _roles(server, people.third, topic) == {grace_id: "host", ada: "cohost"}
    assert (await _lock(forms, "rest", people.host, True))[:2] == (True, None)
    assert (await _role(forms, "rest", people.host, grace_id, "participant"))[:2] == (
        False,
        "role_not_changeable",
    )

    # When both hosts' media leave, the one still there becomes host, and Grace a co-host.
    await forms.webhook("participant_left", room_id, grace_id)
    await forms.webhook("participant_left", room_id, ada)
    again = await watcher.event(topic, "participant:role", within=grace + 10)
    assert (again["participant_id"], again["reason"]) == (hal, "handover")
    assert await _roles(server, people.third, topic) == {
        hal: "host",
        ada: "cohost",
        grace_id: "cohost",
    }
    hal_client = await PhxClient.open(server.url)
    forms.clients.append(hal_client)
    _, rejoined = await hal_client.join(topic, {"token": people.third["token"]})
    assert rejoined["response"]["is_host"] is True


async def _roles(server: LiveServer, person: dict, topic: str) -> dict[str, str]:
    client = await PhxClient.open(server.url)
    try:
        _, joined = await client.join(topic, {"token": person["token"]})
        roles: dict[str, str] = joined["response"]["roles"]
        return roles
    finally:
        await client.close()
