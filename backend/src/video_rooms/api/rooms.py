"""The rooms resource: `/api/rooms`."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from video_rooms.api.deps import (
    AdminOnly,
    BearerDep,
    ParticipantIdDep,
    RoomIdDep,
    RoomServiceDep,
)
from video_rooms.api.errors import error_responses
from video_rooms.api.public_url import absolute_ws_url
from video_rooms.realtime import host_actions, lobby_actions
from video_rooms.realtime.runtime import Realtime
from video_rooms.rooms.lobby_schemas import LobbyKnockPublic
from video_rooms.rooms.schemas import (
    LockCreate,
    MuteCreate,
    MutedPublic,
    ParticipantCreate,
    RoleCreate,
    RoomCreatePublic,
    RoomDetailPublic,
    RoomJoinPublic,
    RoomListPublic,
)

router = APIRouter(
    prefix="/api/rooms",
    tags=["rooms"],
    responses=error_responses(400, 401, 403, 404, 409, 410, 413, 415, 422, 503),
)


@router.post(
    "",
    status_code=201,
    # nginx limits room creation per address (config/nginx.conf).
    responses=error_responses(429),
)
async def create_room(
    body: ParticipantCreate, rooms: RoomServiceDep, request: Request
) -> RoomCreatePublic:
    """Create a room; the caller joins it as its first participant."""
    async with request.app.state.metrics.join("create"):
        created = await rooms.create(body.participant_name)
    created.livekit_url = absolute_ws_url(created.livekit_url, request)
    return created


@router.post(
    "/{room_id}/join",
    response_model=RoomJoinPublic,
    responses={
        202: {"model": LobbyKnockPublic, "description": "Waiting in the lobby"},
        **error_responses(423),
    },
)
async def join_room(
    room_id: RoomIdDep, body: ParticipantCreate, token: BearerDep, request: Request
) -> Response | RoomJoinPublic:
    """Join an existing room (404 for an unknown one; rooms are never created by joining;
    423 `room_locked` while a host keeps new joins out). With the room's lobby on, or for a
    participant a host removed (the bearer token is one it held), the answer is 202: a request
    that waits for a host (`/lobby/{request_id}`), the only way into a locked room."""
    async with request.app.state.metrics.join("join"):
        joined = await lobby_actions.join(
            request.app.state.realtime, room_id, body.participant_name, token
        )
    if isinstance(joined, LobbyKnockPublic):
        return JSONResponse(joined.model_dump(mode="json"), status_code=202)
    joined.livekit_url = absolute_ws_url(joined.livekit_url, request)
    return joined


@router.get("/{room_id}")
async def get_room(room_id: RoomIdDep, rooms: RoomServiceDep) -> RoomDetailPublic:
    """The room and who is connected to it now."""
    return RoomDetailPublic(room=await rooms.get(room_id))


@router.delete("/{room_id}/leave", status_code=204)
async def leave_room(
    room_id: RoomIdDep, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> Response:
    """Leave the room; the caller proves who it is with its room token. When the last host
    leaves, the one present longest becomes host (announced as `participant:role`)."""
    handover = await rooms.leave(room_id, token)
    await host_actions.announce_handover(request.app.state.realtime, room_id, handover)
    return Response(status_code=204)


@router.post("/{room_id}/end", status_code=204)
async def end_room(
    room_id: RoomIdDep, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> Response:
    """End the room for everyone (host's token only), as the channel's `end_room` does."""
    claims = rooms.verify_token(room_id, token)
    closed_at = await rooms.end(room_id, claims.participant_id)
    realtime: Realtime = request.app.state.realtime
    await realtime.room_ended(room_id, claims.participant_id, closed_at)
    return Response(status_code=204)


@router.post("/{room_id}/participants/{participant_id}/remove", status_code=204)
async def remove_participant(
    room_id: RoomIdDep,
    participant_id: ParticipantIdDep,
    token: BearerDep,
    rooms: RoomServiceDep,
    request: Request,
) -> Response:
    """Remove a participant (host's token only), as the channel's `remove_participant` does:
    their media and channel end, and their tokens are refused from then on."""
    claims = rooms.verify_token(room_id, token)
    await host_actions.remove_participant(
        request.app.state.realtime, room_id, claims.participant_id, participant_id
    )
    return Response(status_code=204)


@router.post("/{room_id}/participants/{participant_id}/mute")
async def mute_participant(
    room_id: RoomIdDep,
    participant_id: ParticipantIdDep,
    body: MuteCreate,
    token: BearerDep,
    rooms: RoomServiceDep,
    request: Request,
) -> MutedPublic:
    """Mute a participant's microphone or camera (host's token only), as the channel's
    `mute_participant`: the SFU stops forwarding it and tells them; they may unmute."""
    claims = rooms.verify_token(room_id, token)
    muted = await host_actions.mute(
        request.app.state.realtime, room_id, claims.participant_id, participant_id, body.source
    )
    return MutedPublic(muted=muted)


@router.post("/{room_id}/mute")
async def mute_everyone(
    room_id: RoomIdDep, body: MuteCreate, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> MutedPublic:
    """Mute everyone else's microphone or camera (host's token only), as `mute_all`."""
    claims = rooms.verify_token(room_id, token)
    muted = await host_actions.mute(
        request.app.state.realtime, room_id, claims.participant_id, None, body.source
    )
    return MutedPublic(muted=muted)


@router.post("/{room_id}/participants/{participant_id}/role", status_code=204)
async def set_participant_role(
    room_id: RoomIdDep,
    participant_id: ParticipantIdDep,
    body: RoleCreate,
    token: BearerDep,
    rooms: RoomServiceDep,
    request: Request,
) -> Response:
    """Make a participant a co-host, or take it back (host's token only), as the channel's
    `set_role`; the creator's host role cannot be taken (409 `role_not_changeable`)."""
    claims = rooms.verify_token(room_id, token)
    await host_actions.set_role(
        request.app.state.realtime, room_id, claims.participant_id, participant_id, body.role
    )
    return Response(status_code=204)


@router.post("/{room_id}/lock", status_code=204)
async def lock_room(
    room_id: RoomIdDep, body: LockCreate, token: BearerDep, rooms: RoomServiceDep, request: Request
) -> Response:
    """Lock the room (new joins get 423 `room_locked`) or unlock it (host's token only), as
    the channel's `lock_room`."""
    claims = rooms.verify_token(room_id, token)
    await host_actions.lock(request.app.state.realtime, room_id, claims.participant_id, body.locked)
    return Response(status_code=204)


@router.get("", dependencies=[AdminOnly])
async def list_rooms(rooms: RoomServiceDep) -> RoomListPublic:
    """Every room (operator only: rooms are private by link)."""
    summaries = await rooms.list_all()
    return RoomListPublic(rooms=summaries, count=len(summaries))
