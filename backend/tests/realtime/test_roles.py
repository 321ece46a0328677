"""Roles: a host makes a guest a co-host (a host's powers) and takes it back, over REST or the
room channel with the same results; when the last host leaves, the participant present longest
becomes host, and everyone is told."""

from __future__ import annotations

import pytest
from vr_testkit.livekit import LiveKitServer

from .conftest import LiveServer
from .host_forms import HostForms, Outcome, People
from .phx import PhxClient


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

    # The same when the SFU reports the new host gone (a closed tab, a lost network).
    await forms.webhook("participant_left", room_id, people.guest["participant_id"])
    again = await watcher.event(topic, "participant:role")
    assert (again["participant_id"], again["reason"]) == (
        people.third["participant_id"],
        "handover",
    )
    hal = await PhxClient.open(server.url)
    forms.clients.append(hal)
    _, rejoined = await hal.join(topic, {"token": people.third["token"]})
    assert rejoined["response"]["is_host"] is True
