"""The lobby resource: `/api/rooms/{room_id}/lobby` (hosts), and a guest's own request."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response

from video_rooms.api.deps import BearerDep, RoomIdDep, RoomServiceDep
from video_rooms.api.errors import error_responses
from video_rooms.api.public_url import absolute_ws_url
from video_rooms.realtime import lobby_actions
from video_rooms.rooms.lobby import Lobby
from video_rooms.rooms.lobby_schemas import (
    LobbyAdmittedPublic,
    LobbyPublic,
    LobbyStatusPublic,
    LobbyUpdate,
)

router = APIRouter(
    prefix="/api/rooms/{room_id}/lobby",
    tags=["lobby"],
    responses=error_responses(400, 401, 403, 404, 409, 410, 415, 422, 503),
)

RequestIdDep = Annotated[str, Path(min_length=1, max_length=32)]


def _lobby(request: Request) -> Lobby:
    lobby: Lobby = request.app.state.lobby
    return lobby


@router.get("")
async def get_lobby(
    room_id: RoomIdDep, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> LobbyPublic:
    """Whether the lobby is on, and who waits in it (host's token only)."""
    claims = rooms.verify_token(room_id, token)
    return await _lobby(request).view(room_id, claims.participant_id)


@router.put("")
async def set_lobby(
    room_id: RoomIdDep, body: LobbyUpdate, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> LobbyPublic:
    """Turn the lobby on or off (host's token only), as the channel's `lobby_set` does."""
    claims = rooms.verify_token(room_id, token)
    realtime = request.app.state.realtime
    return await lobby_actions.set_enabled(realtime, room_id, claims.participant_id, body.enabled)


@router.post("/admit")
async def admit_everyone(
    room_id: RoomIdDep, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> LobbyAdmittedPublic:
    """Admit every request that waits (host's token only), as `lobby_admit_all`."""
    claims = rooms.verify_token(room_id, token)
    realtime = request.app.state.realtime
    return LobbyAdmittedPublic(
        admitted=await lobby_actions.admit(realtime, room_id, claims.participant_id, None)
    )


@router.post("/{request_id}/admit")
async def admit(
    room_id: RoomIdDep,
    request_id: RequestIdDep,
    token: BearerDep,
    rooms: RoomServiceDep,
    request: Request,
) -> LobbyAdmittedPublic:
    """Admit one request (host's token only), as `lobby_admit`."""
    claims = rooms.verify_token(room_id, token)
    realtime = request.app.state.realtime
    return LobbyAdmittedPublic(
        admitted=await lobby_actions.admit(realtime, room_id, claims.participant_id, request_id)
    )


@router.post("/{request_id}/deny", status_code=204)
async def deny(
    room_id: RoomIdDep,
    request_id: RequestIdDep,
    token: BearerDep,
    rooms: RoomServiceDep,
    request: Request,
) -> Response:
    """Turn a request away (host's token only), as `lobby_deny`."""
    claims = rooms.verify_token(room_id, token)
    await lobby_actions.deny(request.app.state.realtime, room_id, claims.participant_id, request_id)
    return Response(status_code=204)


@router.get("/{request_id}")
async def request_status(
    room_id: RoomIdDep, request_id: RequestIdDep, token: BearerDep, request: Request
) -> LobbyStatusPublic:
    """The guest's own request (bearer: the secret its join answer gave): pending, denied,
    expired, or admitted with the credentials a join gives."""
    status = await _lobby(request).status(room_id, request_id, token)
    if status.credentials is not None:
        status.credentials.livekit_url = absolute_ws_url(status.credentials.livekit_url, request)
    return status
