"""Lobby request rows: the only writer of `lobby_requests`."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from video_rooms.db.engine import as_utc, write_transaction
from video_rooms.db.tables import lobby_requests
from video_rooms.rooms.repository import utcnow

Decision = Literal["admitted", "denied"]


@dataclass(frozen=True)
class LobbyRequestRow:
    id: str
    room_id: str
    name: str
    secret_hash: str
    status: str
    created_at: datetime
    expires_at: datetime
    participant_id: str | None


def _request(row: object) -> LobbyRequestRow:
    m = row._mapping  # type: ignore[attr-defined]
    return LobbyRequestRow(
        id=m["id"],
        room_id=m["room_id"],
        name=m["name"],
        secret_hash=m["secret_hash"],
        status=m["status"],
        created_at=as_utc(m["created_at"]),
        expires_at=as_utc(m["expires_at"]),
        participant_id=m["participant_id"],
    )


class LobbyRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    def _write(self) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        return write_transaction(self._engine)

    async def add(self, row: LobbyRequestRow) -> None:
        async with self._write() as conn:
            await conn.execute(lobby_requests.insert().values(**row.__dict__))

    async def get(self, request_id: str) -> LobbyRequestRow | None:
        query = select(lobby_requests).where(lobby_requests.c.id == request_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return _request(row) if row is not None else None

    async def pending(self, room_id: str) -> list[LobbyRequestRow]:
        """The requests still waiting in `room_id`, oldest first."""
        query = (
            select(lobby_requests)
            .where(
                lobby_requests.c.room_id == room_id,
                lobby_requests.c.status == "pending",
                lobby_requests.c.expires_at > utcnow(),
            )
            .order_by(lobby_requests.c.created_at)
        )
        async with self._engine.connect() as conn:
            return [_request(row) for row in await conn.execute(query)]

    async def decide(
        self, request_id: str, decision: Decision, participant_id: str | None = None
    ) -> bool:
        """Admits or denies a request still pending; False if someone decided it already."""
        query = (
            update(lobby_requests)
            .where(lobby_requests.c.id == request_id, lobby_requests.c.status == "pending")
            .values(status=decision, participant_id=participant_id)
        )
        async with self._write() as conn:
            return (await conn.execute(query)).rowcount > 0
