"""Every kind of bad input gets its 4xx and the standard error body, never a 500."""

from __future__ import annotations

import time
from datetime import timedelta

import httpx
import jwt
import pytest
from vr_common.tokens import issue_room_token
from vr_testkit.api import create_room, join_room
from vr_testkit.livekit import LiveKitServer


def assert_error(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    message: str = body["error"]["message"]
    assert message and "Traceback" not in message
    return message


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 65, "at most 64"),
        ("bad\x00name", "control"),
        ("line\nbreak", "control"),
        ("bell\x07", "control"),
        ("rtl\u202eoverride", "control"),
        (None, "valid string"),
        (42, "valid string"),
    ],
)
async def test_bad_participant_names(
    client: httpx.AsyncClient, name: object, fragment: str
) -> None:
    response = await client.post("/api/rooms", json={"participant_name": name})
    message = assert_error(response, 422, "invalid_request")
    assert "participant_name" in message and fragment in message


async def test_name_limits_count_characters_after_trimming(client: httpx.AsyncClient) -> None:
    assert (
        await client.post("/api/rooms", json={"participant_name": " " + "é" * 64 + " "})
    ).status_code == 201
    assert (await client.post("/api/rooms", json={"participant_name": "J"})).status_code == 201


async def test_missing_field_and_non_object_body(client: httpx.AsyncClient) -> None:
    assert_error(await client.post("/api/rooms", json={}), 422, "invalid_request")
    assert_error(await client.post("/api/rooms", json=["John"]), 422, "invalid_request")
    response = await client.post(
        "/api/rooms", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert_error(response, 422, "invalid_request")


async def test_wrong_content_type(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/rooms",
        content=b'{"participant_name": "John"}',
        headers={"content-type": "text/plain"},
    )
    assert_error(response, 415, "unsupported_media_type")
    form = await client.post("/api/rooms", data={"participant_name": "John"})
    assert_error(form, 415, "unsupported_media_type")


async def test_oversized_bodies(client: httpx.AsyncClient) -> None:
    big = b'{"participant_name": "' + b"x" * 20_000 + b'"}'
    declared = await client.post(
        "/api/rooms", content=big, headers={"content-type": "application/json"}
    )
    assert_error(declared, 413, "payload_too_large")

    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 1000

    streamed = await client.post(
        "/api/rooms", content=chunks(), headers={"content-type": "application/json"}
    )
    assert "content-length" not in streamed.request.headers
    assert_error(streamed, 413, "payload_too_large")


@pytest.mark.parametrize("room_id", ["a%20b", "x" * 65, "%C3%BC", "a.b"])
async def test_malformed_room_ids(client: httpx.AsyncClient, room_id: str) -> None:
    assert_error(await client.get(f"/api/rooms/{room_id}"), 400, "invalid_room_id")
    response = await client.post(f"/api/rooms/{room_id}/join", json={"participant_name": "J"})
    assert_error(response, 400, "invalid_room_id")


async def test_unknown_route_and_method(client: httpx.AsyncClient) -> None:
    assert_error(await client.get("/api/nope"), 404, "not_found")
    assert_error(await client.put("/api/rooms"), 405, "method_not_allowed")


async def test_leave_with_bad_tokens(client: httpx.AsyncClient, livekit: LiveKitServer) -> None:
    room = await create_room(client, "John")
    other = await create_room(client, "Other")
    room_id = room["room_id"]
    url = f"/api/rooms/{room_id}/leave"

    def issue(**kw: object) -> str:
        args: dict[str, object] = {
            "api_key": livekit.api_key,
            "api_secret": livekit.api_secret,
            "room_id": room_id,
            "participant_id": room["participant_id"],
            "participant_name": "John",
            "ttl": timedelta(minutes=5),
            **kw,
        }
        return issue_room_token(**args)  # type: ignore[arg-type]

    cases = {
        "Basic abc": "Use 'Authorization: Bearer",
        "Bearer ": "Use 'Authorization: Bearer",
        "Bearer not-a-jwt": "malformed",
        f"Bearer {issue(ttl=timedelta(seconds=-120))}": "expired",
        f"Bearer {other['token']}": "another room",
        f"Bearer {issue(api_secret='y' * 40)}": "signature",
        f"Bearer {issue(api_key='foreign-key')}": "not issued by this server",
    }
    for header, fragment in cases.items():
        message = assert_error(
            await client.delete(url, headers={"Authorization": header}), 401, "unauthorized"
        )
        assert fragment in message, (header, message)

    # A well-signed token for a participant this room never had.
    stranger = issue(participant_id="p_stranger000")
    response = await client.delete(url, headers={"Authorization": f"Bearer {stranger}"})
    assert_error(response, 404, "participant_not_found")

    unsigned = jwt.encode({"sub": "x", "exp": int(time.time()) + 60}, "k" * 40, algorithm="HS256")
    response = await client.delete(url, headers={"Authorization": f"Bearer {unsigned}"})
    assert_error(response, 401, "unauthorized")


async def test_leave_of_unknown_room(client: httpx.AsyncClient) -> None:
    room = await create_room(client, "John")
    jane = await join_room(client, room["room_id"], "Jane")
    response = await client.delete(
        "/api/rooms/UnknownRoom1/leave", headers={"Authorization": f"Bearer {jane['token']}"}
    )
    assert_error(response, 401, "unauthorized")  # the token is for another room
