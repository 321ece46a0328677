"""The rooms domain's errors reach HTTP clients through one mapping, in the one envelope."""

from __future__ import annotations

import httpx
from video_rooms.api.errors import room_error_status
from video_rooms.rooms import errors


def _all_room_errors() -> list[type[errors.RoomError]]:
    found, todo = [], list(errors.RoomError.__subclasses__())
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


def test_every_room_error_has_its_own_http_status() -> None:
    kinds = _all_room_errors()
    assert len(kinds) >= 7
    for kind in kinds:
        error = kind.__new__(kind)
        # Unmapped errors would fall back to 400; each is mapped on purpose.
        assert room_error_status(error) != 400, kind.__name__


async def test_domain_errors_in_the_envelope(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/rooms/nowhere/join", json={"participant_name": "Bo"})
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "room_not_found", "message": "This room does not exist."}
    }
    created = (await client.post("/api/rooms", json={"participant_name": "Ada"})).json()
    refused = await client.request(
        "DELETE",
        f"/api/rooms/{created['room_id']}/leave",
        headers={"Authorization": "Bearer not-a-token"},
    )
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
