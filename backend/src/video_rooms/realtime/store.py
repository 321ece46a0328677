"""What the room channel keeps in the database: chat messages, and the room's open/closed state."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from video_rooms.db.tables import chat_messages, rooms

HISTORY_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ChatMessage:
    id: int
    participant_id: str
    name: str
    text: str
    sent_at: datetime

    def public(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "participant_id": self.participant_id,
            "name": self.name,
            "text": self.text,
            "sent_at": self.sent_at.isoformat(),
        }


@dataclass(frozen=True, slots=True)
class RoomState:
    creator_id: str | None
    closed: bool


def _aware(value: datetime) -> datetime:
    # SQLite returns timestamps without their zone; they were written in UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class RealtimeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # SQLite has one writer; queueing our writes avoids its busy handler's sleeps.
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        if self._write_lock is None:
            async with self._engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self._engine.begin() as conn:
            yield conn

    async def room_with_history(self, room_id: str) -> tuple[RoomState | None, list[ChatMessage]]:
        """The room (None if unknown) and its last messages, oldest first, in one connection."""
        room_query = select(rooms.c.creator_id, rooms.c.closed_at).where(rooms.c.id == room_id)
        history_query = (
            select(chat_messages)
            .where(chat_messages.c.room_id == room_id)
            .order_by(chat_messages.c.id.desc())
            .limit(HISTORY_LIMIT)
        )
        async with self._engine.connect() as conn:
            row = (await conn.execute(room_query)).first()
            if row is None:
                return None, []
            history = [
                ChatMessage(m.id, m.participant_id, m.name, m.text, _aware(m.sent_at))
                for m in await conn.execute(history_query)
            ]
        history.reverse()
        return RoomState(creator_id=row.creator_id, closed=row.closed_at is not None), history

    async def add_message(
        self, room_id: str, participant_id: str, name: str, text: str
    ) -> ChatMessage:
        sent_at = datetime.now(UTC)
        insert = (
            chat_messages.insert()
            .values(
                room_id=room_id,
                participant_id=participant_id,
                name=name,
                text=text,
                sent_at=sent_at,
            )
            .returning(chat_messages.c.id)
        )
        async with self._write() as conn:
            message_id = (await conn.execute(insert)).scalar_one()
        return ChatMessage(int(message_id), participant_id, name, text, sent_at)

    async def close_room(self, room_id: str) -> datetime | None:
        """Marks the room closed; returns when, or None if it was closed already."""
        closed_at = datetime.now(UTC)
        query = (
            update(rooms)
            .where(rooms.c.id == room_id, rooms.c.closed_at.is_(None))
            .values(closed_at=closed_at)
        )
        async with self._write() as conn:
            changed = (await conn.execute(query)).rowcount
        return closed_at if changed else None
