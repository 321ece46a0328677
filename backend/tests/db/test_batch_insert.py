"""Group commit: concurrent inserts share transactions, yet each caller gets its own result."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from video_rooms.db.batch_insert import BatchInserter
from video_rooms.db.engine import create_engine, write_transaction
from video_rooms.db.tables import chat_messages, rooms


@contextlib.asynccontextmanager
async def engine_with_a_room(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database, which has one room ("room1") to chat in."""
    engine = create_engine(database_url)
    try:
        async with write_transaction(engine) as conn:
            await conn.execute(
                rooms.insert(),
                {"id": "room1", "created_at": datetime.now(UTC), "max_participants": 4},
            )
        yield engine
    finally:
        await engine.dispose()


def message(text: str, name: str | None = "Ann") -> dict[str, object]:
    return {
        "room_id": "room1",
        "participant_id": "p_1",
        "name": name,
        "text": text,
        "sent_at": datetime.now(UTC),
    }


async def test_each_caller_gets_its_own_id_and_a_bad_row_fails_alone(database_url: str) -> None:
    async with engine_with_a_room(database_url) as engine:
        inserter = BatchInserter(
            chat_messages, lambda: write_transaction(engine), returning=chat_messages.c.id
        )
        texts = [f"message {n}" for n in range(40)]
        # name NULL violates NOT NULL: its batch fails, and is retried row by row.
        results = await asyncio.gather(
            *(inserter.insert(message(text)) for text in texts[:20]),
            inserter.insert(message("bad", name=None)),
            *(inserter.insert(message(text)) for text in texts[20:]),
            return_exceptions=True,
        )
        bad = results.pop(20)
        assert isinstance(bad, Exception)
        assert all(isinstance(result, int) for result in results)
        assert len(set(results)) == len(texts)
        async with engine.connect() as conn:
            stored = dict(
                (await conn.execute(select(chat_messages.c.id, chat_messages.c.text))).all()
            )
        assert [stored[message_id] for message_id in results] == texts


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_without_returning_insert_gives_none(database_url: str) -> None:
    async with engine_with_a_room(database_url) as engine:
        inserter = BatchInserter(chat_messages, lambda: write_transaction(engine))
        assert await inserter.insert(message("hello")) is None
        async with engine.connect() as conn:
            assert (await conn.execute(select(chat_messages.c.text))).scalars().all() == ["hello"]
