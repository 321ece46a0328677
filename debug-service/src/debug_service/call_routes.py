"""`GET /api/calls` (rooms seen in the log, newest first) and `GET /api/calls/{room_id}` (the
call view of one room, call_view.py). Operator-only, like every read of the log."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from debug_service.call_view import build_call_view
from debug_service.entries import StoredLog
from debug_service.errors import ApiError
from debug_service.filters import LogFilter
from debug_service.state import require_operator
from debug_service.store import Cursor

# A call's lines, read in pages; past this the view says it is truncated (the newest kept).
MAX_CALL_LINES = 20_000
_PAGE = 5000
MAX_ROOM_ID = 128


async def list_calls(request: Request) -> JSONResponse:
    state = require_operator(request)
    rooms = await state.pipeline.rooms(100)
    return JSONResponse({"calls": rooms})


async def get_call(request: Request) -> JSONResponse:
    state = require_operator(request)
    room_id: str = request.path_params["room_id"]
    if not room_id or len(room_id) > MAX_ROOM_ID:
        raise ApiError(400, "invalid_query", "room_id: 1 to 128 characters")
    flt = LogFilter(room_id=room_id)
    newest_first: list[StoredLog] = []
    after: Cursor | None = None
    while len(newest_first) < MAX_CALL_LINES:
        page = await state.pipeline.query(flt, _PAGE, after)
        newest_first.extend(page)
        if len(page) < _PAGE:
            break
        after = Cursor(page[-1].ts_us, page[-1].id)
    truncated = False
    if len(newest_first) >= MAX_CALL_LINES and after is not None:
        last = newest_first[MAX_CALL_LINES - 1]
        truncated = bool(await state.pipeline.query(flt, 1, Cursor(last.ts_us, last.id)))
    if not newest_first:
        raise ApiError(404, "call_not_found", "no lines for this room")
    logs = newest_first[:MAX_CALL_LINES][::-1]
    return JSONResponse(build_call_view(room_id, logs, truncated=truncated))


routes = [
    Route("/api/calls", list_calls, methods=["GET"]),
    Route("/api/calls/{room_id}", get_call, methods=["GET"]),
]
