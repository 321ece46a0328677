"""The rooms API against a real livekit-server, in-process."""

from __future__ import annotations

import re

import httpx
import jwt
from vr_testkit.api import ADMIN_TOKEN, create_room, join_room
from vr_testkit.livekit import LiveKitServer


async def test_create_returns_credentials_for_the_creator(
    client: httpx.AsyncClient, livekit: LiveKitServer
) -> None:
    response = await client.post("/api/rooms", json={"participant_name": "  John  "})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"room_id", "participant_id", "token", "livekit_url", "sfu"}
    assert body["sfu"] == {"provider": "livekit", "url": livekit.ws_url}
    assert body["livekit_url"] == livekit.ws_url
    claims = jwt.decode(body["token"], livekit.api_secret, algorithms=["HS256"])
    assert claims["sub"] == body["participant_id"]
    assert claims["name"] == "John"  # trimmed
    assert claims["video"]["room"] == body["room_id"]
    assert response.headers["x-request-id"]


async def test_join_existing_room(client: httpx.AsyncClient, livekit: LiveKitServer) -> None:
    room = await create_room(client, "John")
    response = await client.post(
        f"/api/rooms/{room['room_id']}/join", json={"participant_name": "Jane"}
    )
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"participant_id", "token", "livekit_url", "sfu"}
    assert body["participant_id"] != room["participant_id"]
    claims = jwt.decode(body["token"], livekit.api_secret, algorithms=["HS256"])
    assert (claims["sub"], claims["name"]) == (body["participant_id"], "Jane")
    assert claims["video"]["room"] == room["room_id"]


async def test_join_unknown_room_is_404_and_does_not_create_it(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/rooms/NoSuchRoom00/join", json={"participant_name": "Jane"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "room_not_found"
    assert (await client.get("/api/rooms/NoSuchRoom00")).status_code == 404


async def test_get_room_lists_nobody_before_anyone_connects(client: httpx.AsyncClient) -> None:
    room = await create_room(client, "John")
    response = await client.get(f"/api/rooms/{room['room_id']}")
    assert response.status_code == 200
    detail = response.json()["room"]
    assert detail["id"] == room["room_id"]
    assert detail["participant_count"] == 0
    assert detail["participants"] == []
    assert detail["participants_source"] == "sfu"
    assert detail["created_at"].endswith(("Z", "+00:00"))


async def test_leave_needs_the_callers_token(client: httpx.AsyncClient) -> None:
    room = await create_room(client, "John")
    room_id = room["room_id"]
    jane = await join_room(client, room_id, "Jane")
    assert (await client.delete(f"/api/rooms/{room_id}/leave")).status_code == 401
    response = await client.delete(
        f"/api/rooms/{room_id}/leave", headers={"Authorization": f"Bearer {jane['token']}"}
    )
    assert response.status_code == 204
    assert response.content == b""


async def test_list_rooms_is_for_the_operator_only(client: httpx.AsyncClient) -> None:
    room = await create_room(client, "John")
    assert (await client.get("/api/rooms")).status_code == 401
    wrong = await client.get("/api/rooms", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 403
    response = await client.get("/api/rooms", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == len(body["rooms"]) >= 1
    assert room["room_id"] in {r["id"] for r in body["rooms"]}


async def test_health_has_no_dependencies(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/health")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


async def test_status_reports_every_service(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/status")
    assert response.status_code == 200
    body = response.json()
    assert body["overall"] == "healthy"
    assert set(body["services"]) == {"backend", "sfu", "debug"}
    assert body["services"]["sfu"]["status"] == "healthy"
    assert body["services"]["sfu"]["latency_ms"] >= 0
    assert body["services"]["debug"]["status"] == "unconfigured"


async def test_openapi_documents_every_endpoint(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert {"post", "get"} <= set(paths["/api/rooms"])
    assert "post" in paths["/api/rooms/{room_id}/join"]
    assert "get" in paths["/api/rooms/{room_id}"]
    assert "delete" in paths["/api/rooms/{room_id}/leave"]
    assert "/api/health" in paths and "/api/status" in paths
    assert "/api/webhooks/livekit" in paths


async def test_openapi_declares_the_error_envelope_on_every_route(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/openapi.json")).json()
    assert set(spec["components"]["schemas"]["ErrorPublic"]["properties"]) == {"error"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    error_ref = {"$ref": "#/components/schemas/ErrorPublic"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            statuses = ["413", "500"]
            if path.startswith(("/api/rooms", "/api/webhooks")):
                statuses += ["401", "415", "422"]
            for status in statuses:
                schema = operation["responses"][status]["content"]["application/json"]["schema"]
                assert schema == error_ref, (path, method, status)


async def test_openapi_declares_the_bearer_scheme_where_a_token_is_read(
    client: httpx.AsyncClient,
) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    schemes = spec["components"]["securitySchemes"]
    assert schemes["RoomOrAdminToken"] == {
        "type": "http",
        "scheme": "bearer",
        "description": schemes["RoomOrAdminToken"]["description"],
    }
    assert schemes["LiveKitWebhookSignature"]["in"] == "header"
    secured = {
        (method.upper(), path)
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if operation.get("security")
    }
    assert secured == {
        ("GET", "/api/rooms"),
        ("DELETE", "/api/rooms/{room_id}/leave"),
        ("POST", "/api/rooms/{room_id}/end"),
        ("POST", "/api/rooms/{room_id}/participants/{participant_id}/remove"),
        ("POST", "/api/rooms/{room_id}/participants/{participant_id}/mute"),
        ("POST", "/api/rooms/{room_id}/mute"),
        ("POST", "/api/rooms/{room_id}/participants/{participant_id}/role"),
        ("POST", "/api/rooms/{room_id}/lock"),
        # The join reads a token this browser held before: a removed one goes to the lobby.
        ("POST", "/api/rooms/{room_id}/join"),
        ("GET", "/api/rooms/{room_id}/lobby"),
        ("PUT", "/api/rooms/{room_id}/lobby"),
        ("POST", "/api/rooms/{room_id}/lobby/admit"),
        ("POST", "/api/rooms/{room_id}/lobby/{request_id}/admit"),
        ("POST", "/api/rooms/{room_id}/lobby/{request_id}/deny"),
        ("GET", "/api/rooms/{room_id}/lobby/{request_id}"),
        ("POST", "/api/webhooks/livekit"),
        ("POST", "/api/webhooks/sfu"),
    }


async def test_openapi_states_the_name_limits(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/api/openapi.json")).json()
    name = spec["components"]["schemas"]["ParticipantCreate"]["properties"]["participant_name"]
    assert name["type"] == "string"
    assert re.search(name["pattern"], " Jane ")
    assert not re.search(name["pattern"], "J" * 65)
    assert "64" in name["description"]
