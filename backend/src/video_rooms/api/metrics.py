"""`GET /metrics`: the backend's Prometheus metrics (video_rooms.metrics).

Operator-only in production (the ADMIN_TOKEN, as `GET /api/rooms`): room and participant
counts are not for everyone. Not in the OpenAPI description: it is Prometheus' text format,
not part of the API.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from vr_common.metrics import exposition

from video_rooms.api.deps import SettingsDep, bearer_token, require_admin
from video_rooms.metrics import BackendMetrics
from video_rooms.realtime.runtime import Realtime

router = APIRouter()


async def operator_in_production(
    settings: SettingsDep, token: Annotated[str | None, Depends(bearer_token)]
) -> None:
    if settings.app_env == "production":
        await require_admin(token, settings)


@router.get("/metrics", include_in_schema=False, dependencies=[Depends(operator_in_production)])
async def metrics(request: Request) -> Response:
    state = request.app.state
    collected: BackendMetrics = state.metrics
    rooms = await state.room_service.list_all()
    realtime: Realtime = state.realtime
    collected.set_counts(
        rooms=len(rooms),
        participants=sum(room.participant_count for room in rooms),
        connections=len(realtime.connections),
    )
    body, content_type = exposition(collected.registry)
    return Response(body, media_type=content_type)
