"""What the room channel keeps in the database: chat messages (the room itself is the rooms
repository's)."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from video_rooms.db.batch_insert import BatchInserter
from video_rooms.db.engine import as_utc, write_transaction
from video_rooms.db.tables import chat_messages

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


class RealtimeStore:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._message_inserts = BatchInserter(
            chat_messages, self._write, returning=chat_messages.c.id
        )

    def _write(self) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        # Shared with the rooms repository: one SQLite writer queue per engine.
        return write_transaction(self._engine)

    async def history(self, room_id: str) -> list[ChatMessage]:
        """The room's last messages, oldest first."""
        query = (
            select(chat_messages)
            .where(chat_messages.c.room_id == room_id)
            .order_by(chat_messages.c.id.desc())
            .limit(HISTORY_LIMIT)
        )
        async with self._engine.connect() as conn:
            history = [
                ChatMessage(m.id, m.participant_id, m.name, m.text, as_utc(m.sent_at))
                for m in await conn.execute(query)
            ]
        history.reverse()
        return history

    async def add_message(
        self, room_id: str, participant_id: str, name: str, text: str
    ) -> ChatMessage:
        """Returns once the message is committed (so a broadcast never precedes durability).

        Messages sent while a commit is running are committed together in the next one: under
        load, one transaction serves many messages instead of each waiting for its own. The
        ids also order the room's history.
        """
        sent_at = datetime.now(UTC)
        row = {
            "room_id": room_id,
            "participant_id": participant_id,
            "name": name,
            "text": text,
            "sent_at": sent_at,
        }
        message_id = await self._message_inserts.insert(row)
        return ChatMessage(int(message_id), participant_id, name, text, sent_at)
