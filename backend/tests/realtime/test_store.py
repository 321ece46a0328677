"""Chat storage on both databases: concurrent messages are committed together yet each sender
gets its own id, ids follow the order of sending, and the history survives a new engine."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from video_rooms.db.engine import create_engine
from video_rooms.db.tables import rooms
from video_rooms.realtime.store import RealtimeStore


async def test_concurrent_messages_get_their_own_ids_in_order(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.begin() as conn:
        await conn.execute(
            rooms.insert().values(
                id="r1", created_at=datetime.now(UTC), creator_id="p_host", max_participants=9
            )
        )
    store = RealtimeStore(engine)
    sent = await asyncio.gather(
        *(store.add_message("r1", f"p_{n % 7}", f"Member {n}", f"message {n}") for n in range(300))
    )
    await engine.dispose()

    assert [m.text for m in sent] == [f"message {n}" for n in range(300)]
    assert [m.id for m in sent] == sorted(m.id for m in sent)
    assert len({m.id for m in sent}) == 300

    reopened = create_engine(database_url)
    history = await RealtimeStore(reopened).history("r1")
    await reopened.dispose()
    assert [m.id for m in history] == [m.id for m in sent[-200:]]
    assert history[-1] == sent[-1]
