"""`POST /api/logs` (this service's batches) and `POST /v1/logs` (OTLP/HTTP JSON)."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from debug_service import provenance
from debug_service.entries import InvalidJson, InvalidLogs, TooManyLogs, parse_batch_and_token
from debug_service.errors import ApiError
from debug_service.metrics import DebugMetrics
from debug_service.otlp import InvalidOtlp, parse_otlp
from debug_service.otlp_protobuf import CONTENT_TYPES as PROTOBUF_TYPES
from debug_service.otlp_protobuf import protobuf_document, protobuf_response
from debug_service.provenance import Sender
from debug_service.request_body import read_body
from debug_service.state import ServiceState, get_state


def _client_key(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _rate_limited(wait_s: float) -> ApiError:
    retry = max(1, math.ceil(wait_s))
    return ApiError(
        429,
        "rate_limited",
        f"too many log lines from this client; retry in {retry} s",
        headers={"Retry-After": str(retry)},
    )


def _check_rate(state: ServiceState, request: Request, sender: Sender, lines: int | None) -> None:
    """Limit anonymous senders per address, and per participant when a room token tags them.
    `lines=None` asks only whether they may send at all."""
    if sender.trusted:
        return
    keys = [f"address:{_client_key(request)}"]
    if sender.participant_id is not None:
        keys.append(f"participant:{sender.room_id}/{sender.participant_id}")
    for key in keys:
        wait = state.limiter.wait_time(key) if lines is None else state.limiter.take(key, lines)
        if wait > 0:
            raise _rate_limited(wait)


def _check_disk(state: ServiceState) -> None:
    if state.disk.refuses():
        raise ApiError(
            507,
            "insufficient_storage",
            "the debug service's disk is nearly full; log lines are refused until space is freed",
        )


def counted(
    input_name: str,
) -> Callable[[Callable[[Request], Awaitable[Response]]], Callable[[Request], Awaitable[Response]]]:
    """Count a route's refusals by error code (its accepted lines it counts itself)."""

    def wrap(
        route: Callable[[Request], Awaitable[Response]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                return await route(request)
            except ApiError as exc:
                metrics: DebugMetrics = request.app.state.metrics
                metrics.refused.labels(input_name, exc.code).inc()
                raise

        return endpoint

    return wrap


def _accepted(request: Request, input_name: str, lines: int) -> None:
    metrics: DebugMetrics = request.app.state.metrics
    metrics.ingested.labels(input_name).inc(lines)


@counted("api")
async def post_logs(request: Request) -> JSONResponse:
    state = get_state(request)
    sender = provenance.identify(state, request)
    # Refuse a client in debt before spending time on parsing its body.
    _check_rate(state, request, sender, None)
    _check_disk(state)
    body = await read_body(request, state.settings.debug_max_body_bytes)
    received_us = time.time_ns() // 1000
    try:
        entries, room_token = parse_batch_and_token(body, state.limits, received_us)
    except InvalidJson as exc:
        raise ApiError(400, "invalid_json", str(exc)) from None
    except TooManyLogs as exc:
        raise ApiError(413, "too_many_logs", str(exc)) from None
    except InvalidLogs as exc:
        raise ApiError(422, "invalid_logs", str(exc), details=exc.problems[:50]) from None
    sender = provenance.with_room(state, sender, room_token)
    # Counted before the names are checked: refused lines spend the sender's allowance too.
    _check_rate(state, request, sender, len(entries))
    provenance.apply(sender, entries, received_us)
    await state.pipeline.ingest(entries)
    _accepted(request, "api", len(entries))
    return JSONResponse({"accepted": len(entries)})


@counted("otlp")
async def post_otlp_logs(request: Request) -> Response:
    state = get_state(request)
    content_type = request.headers.get("content-type", "application/json").split(";")[0].strip()
    protobuf = content_type in PROTOBUF_TYPES
    if content_type not in ("application/json", "") and not protobuf:
        raise ApiError(
            415,
            "unsupported_media_type",
            f"{content_type} is not supported: send OTLP/HTTP as protobuf "
            "(application/x-protobuf) or JSON (application/json)",
        )
    sender = provenance.identify(state, request)
    _check_rate(state, request, sender, None)
    _check_disk(state)
    body = await read_body(request, state.settings.debug_max_body_bytes)
    received_us = time.time_ns() // 1000
    try:
        document = protobuf_document(body) if protobuf else json.loads(body)
    except InvalidOtlp as exc:
        raise ApiError(400, "invalid_otlp", str(exc)) from None
    except (ValueError, RecursionError):
        raise ApiError(400, "invalid_json", "the body is not valid JSON") from None
    try:
        result = parse_otlp(document, state.limits, received_us)
    except InvalidOtlp as exc:
        raise ApiError(400, "invalid_otlp", str(exc)) from None
    if len(result.entries) > state.settings.debug_max_batch:
        raise ApiError(
            413,
            "too_many_logs",
            f"{len(result.entries)} log records in one request; "
            f"the limit is {state.settings.debug_max_batch}",
        )
    _check_rate(state, request, sender, len(result.entries))
    provenance.apply(sender, result.entries, received_us)
    if result.entries:
        await state.pipeline.ingest(result.entries)
        _accepted(request, "otlp", len(result.entries))
    if protobuf:
        # Answered in the request's encoding, as OTLP/HTTP asks.
        answer = protobuf_response(result.rejected, result.first_problem)
        return Response(answer, media_type=PROTOBUF_TYPES[0])
    partial: dict[str, object] = {}
    if result.rejected:
        partial = {"rejectedLogRecords": result.rejected, "errorMessage": result.first_problem}
    return JSONResponse({"partialSuccess": partial})


routes = [
    Route("/api/logs", post_logs, methods=["POST"]),
    Route("/v1/logs", post_otlp_logs, methods=["POST"]),
]
