"""`GET /api/logs` (search and paging), `GET /api/stats`, `DELETE /api/logs`."""

from __future__ import annotations

import base64
import binascii
import dataclasses

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from debug_service.errors import ApiError
from debug_service.filters import InvalidFilter, build_filter
from debug_service.state import require_operator
from debug_service.store import Cursor

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def encode_cursor(cursor: Cursor) -> str:
    return base64.urlsafe_b64encode(f"{cursor.ts_us}:{cursor.id}".encode()).decode().rstrip("=")


def decode_cursor(text: str) -> Cursor:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
        ts_text, id_text = raw.split(":")
        return Cursor(int(ts_text), int(id_text))
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise ApiError(400, "invalid_query", "cursor: not a cursor this service gave") from None


def _limit(text: str | None) -> int:
    if text is None or text == "":
        return DEFAULT_LIMIT
    if not text.isdigit() or not 1 <= int(text) <= MAX_LIMIT:
        raise ApiError(400, "invalid_query", f"limit: must be a whole number from 1 to {MAX_LIMIT}")
    return int(text)


async def get_logs(request: Request) -> Response:
    state = require_operator(request)
    params = request.query_params
    try:
        flt = build_filter(
            services=params.getlist("service"),
            level=params.get("level"),
            q=params.get("q"),
            room_id=params.get("room_id"),
            participant_id=params.get("participant_id"),
            since=params.get("since"),
            until=params.get("until"),
        )
    except InvalidFilter as exc:
        raise ApiError(400, "invalid_query", str(exc)) from None
    limit = _limit(params.get("limit"))
    cursor_text = params.get("cursor")
    after = decode_cursor(cursor_text) if cursor_text else None
    # One more than asked tells whether another page exists without a count query.
    logs = await state.pipeline.query(flt, limit + 1, after)
    next_cursor = None
    if len(logs) > limit:
        logs = logs[:limit]
        next_cursor = encode_cursor(Cursor(logs[-1].ts_us, logs[-1].id))
    cursor_json = f'"{next_cursor}"' if next_cursor else "null"
    lines = ",".join(log.to_json() for log in logs)
    body = f'{{"logs":[{lines}],"next_cursor":{cursor_json}}}'
    return Response(body, media_type="application/json")


async def get_stats(request: Request) -> JSONResponse:
    state = require_operator(request)
    stats = await state.pipeline.stats()
    return JSONResponse(dataclasses.asdict(stats))


async def delete_logs(request: Request) -> JSONResponse:
    state = require_operator(request)
    deleted = await state.pipeline.delete_all()
    return JSONResponse({"deleted": deleted})


routes = [
    Route("/api/logs", get_logs, methods=["GET"]),
    Route("/api/logs", delete_logs, methods=["DELETE"]),
    Route("/api/stats", get_stats, methods=["GET"]),
]
