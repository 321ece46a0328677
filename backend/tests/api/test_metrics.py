"""`GET /metrics`: Prometheus' text format, rooms, participants and joins by outcome, and
operator-only in production."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

import httpx
from prometheus_client.parser import text_string_to_metric_families
from video_rooms.settings import Settings
from vr_testkit.api import ADMIN_TOKEN, create_room, join_room

Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def samples(text: str) -> Samples:
    """Every sample by name and labels, as a scraper reads them (the parser fails on bad text)."""
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


async def test_counts_rooms_participants_and_joins_by_outcome(client: httpx.AsyncClient) -> None:
    room = await create_room(client, "Ada")
    await join_room(client, room["room_id"], "Bob")
    missing = await client.post("/api/rooms/NoSuchRoom1/join", json={"participant_name": "Cy"})
    assert missing.status_code == 404

    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    found = samples(response.text)
    assert found[("video_rooms_rooms", ())] == 1
    # Counted once the SFU reports them connected (the e2e call sees them non-zero).
    assert found[("video_rooms_participants", ())] == 0
    assert found[("video_rooms_channel_connections", ())] == 0
    assert found[("video_rooms_joins_total", (("kind", "create"), ("outcome", "ok")))] == 1
    assert found[("video_rooms_joins_total", (("kind", "join"), ("outcome", "ok")))] == 1
    not_found = (("kind", "join"), ("outcome", "room_not_found"))
    assert found[("video_rooms_joins_total", not_found)] == 1
    assert found[("video_rooms_join_seconds_count", (("kind", "join"),))] == 2
    assert ("video_rooms_event_loop_lag_seconds_count", ()) in found
    # Not part of the API's description (schemathesis checks every operation there).
    schema = (await client.get("/api/openapi.json")).json()
    assert "/metrics" not in schema["paths"]


async def test_only_the_operator_reads_them_in_production(
    settings: Settings,
    client_for: Callable[[Settings], AbstractAsyncContextManager[httpx.AsyncClient]],
) -> None:
    production = settings.model_copy(update={"app_env": "production"})
    async with client_for(production) as client:
        assert (await client.get("/metrics")).status_code == 401
        wrong = await client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 403
        allowed = await client.get("/metrics", headers={"Authorization": f"Bearer {ADMIN_TOKEN}"})
        assert allowed.status_code == 200
        assert ("video_rooms_rooms", ()) in samples(allowed.text)
