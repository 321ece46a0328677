"""Small helpers for calling the rooms API from tests."""

from __future__ import annotations

from typing import Any

import httpx

# The operator token the test backends are configured with (long enough for production rules).
ADMIN_TOKEN = "test-admin-token-with-at-least-32-characters"


async def create_room(client: httpx.AsyncClient, name: str) -> dict[str, Any]:
    response = await client.post("/api/rooms", json={"participant_name": name})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


async def join_room(client: httpx.AsyncClient, room_id: str, name: str) -> dict[str, Any]:
    response = await client.post(f"/api/rooms/{room_id}/join", json={"participant_name": name})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
