"""Room and participant rows, the only writer of both tables.

Plain SQLAlchemy Core: the join path is hot (see `make bench`).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from video_rooms.db.batch_insert import BatchInserter
from video_rooms.db.engine import as_utc, write_transaction
from video_rooms.db.tables import participants, rooms


@dataclass(frozen=True)
class RoomRow:
    id: str
    created_at: datetime
    creator_id: str | None
    max_participants: int
    closed_at: datetime | None
    locked_at: datetime | None = None
    lobby_enabled: bool = False


@dataclass(frozen=True)
class ParticipantRow:
    id: str
    room_id: str
    name: str
    joined_at: datetime
    connected_at: datetime | None
    left_at: datetime | None
    removed_at: datetime | None = None
    role: str | None = None


# Both have a host's powers; "host" (the creator, or whom the room was handed over to: one per
# room) is only kept apart so that a co-host cannot demote or remove them.
HOST_ROLES = ("host", "cohost")


def utcnow() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _room(row: object) -> RoomRow:
    m = row._mapping  # type: ignore[attr-defined]
    return RoomRow(
        id=m["id"],
        created_at=_aware(m["created_at"]) or utcnow(),
        creator_id=m["creator_id"],
        max_participants=m["max_participants"],
        closed_at=_aware(m["closed_at"]),
        locked_at=_aware(m["locked_at"]),
        lobby_enabled=bool(m["lobby_enabled"]),
    )


def _participant(row: object) -> ParticipantRow:
    m = row._mapping  # type: ignore[attr-defined]
    return ParticipantRow(
        id=m["id"],
        room_id=m["room_id"],
        name=m["name"],
        joined_at=_aware(m["joined_at"]) or utcnow(),
        connected_at=_aware(m["connected_at"]),
        left_at=_aware(m["left_at"]),
        removed_at=_aware(m["removed_at"]),
        role=m["role"],
    )


class RoomRepository:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._participant_inserts = BatchInserter(participants, self._write)

    def _write(self) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        return write_transaction(self._engine)

    async def create_room_with_creator(
        self, room_id: str, creator_id: str, creator_name: str, max_participants: int
    ) -> RoomRow:
        now = utcnow()
        async with self._write() as conn:
            await conn.execute(
                rooms.insert().values(
                    id=room_id,
                    created_at=now,
                    creator_id=creator_id,
                    max_participants=max_participants,
                )
            )
            await conn.execute(
                participants.insert().values(
                    id=creator_id, room_id=room_id, name=creator_name, joined_at=now, role="host"
                )
            )
        return RoomRow(room_id, now, creator_id, max_participants, None)

    async def get_room(self, room_id: str) -> RoomRow | None:
        async with self._engine.connect() as conn:
            row = (await conn.execute(select(rooms).where(rooms.c.id == room_id))).first()
        return _room(row) if row is not None else None

    async def add_participant(self, room_id: str, participant_id: str, name: str) -> None:
        row = {"id": participant_id, "room_id": room_id, "name": name, "joined_at": utcnow()}
        await self._participant_inserts.insert(row)

    async def room_with_connected_count(self, room_id: str) -> tuple[RoomRow, int] | None:
        """The room and how many are connected to it now, in one round trip (the join path)."""
        connected = (
            select(func.count())
            .where(
                participants.c.room_id == rooms.c.id,
                participants.c.connected_at.is_not(None),
                participants.c.left_at.is_(None),
            )
            .scalar_subquery()
        )
        query = select(rooms, connected.label("connected")).where(rooms.c.id == room_id)
        async with self._engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return (_room(row), int(row.connected)) if row is not None else None

    async def get_participant(self, participant_id: str) -> ParticipantRow | None:
        async with self._engine.connect() as conn:
            query = select(participants).where(participants.c.id == participant_id)
            row = (await conn.execute(query)).first()
        return _participant(row) if row is not None else None

    async def connected_participants(self, room_id: str) -> list[ParticipantRow]:
        """Who the SFU's webhooks last said is connected (the fallback when the SFU is down)."""
        query = (
            select(participants)
            .where(
                participants.c.room_id == room_id,
                participants.c.connected_at.is_not(None),
                participants.c.left_at.is_(None),
            )
            .order_by(participants.c.connected_at)
        )
        async with self._engine.connect() as conn:
            return [_participant(row) for row in await conn.execute(query)]

    async def names(self, participant_ids: list[str]) -> dict[str, str]:
        if not participant_ids:
            return {}
        query = select(participants.c.id, participants.c.name).where(
            participants.c.id.in_(participant_ids)
        )
        async with self._engine.connect() as conn:
            return {row.id: row.name for row in await conn.execute(query)}

    async def mark_connected(self, room_id: str, participant_id: str) -> bool:
        """False when no such participant may be connected: unknown, or removed (whose
        `left_at` stays set); one write either way, no read (the webhook path)."""
        query = (
            update(participants)
            .where(
                participants.c.id == participant_id,
                participants.c.room_id == room_id,
                participants.c.removed_at.is_(None),
            )
            .values(connected_at=utcnow(), left_at=None)
        )
        async with self._write() as conn:
            return (await conn.execute(query)).rowcount > 0

    async def set_role(self, room_id: str, participant_id: str, role: str | None) -> bool:
        return await self._update_participant(room_id, participant_id, role=role)

    async def roles(self, room_id: str) -> dict[str, str]:
        """Everyone in the room with a role (removed ones lose theirs)."""
        query = select(participants.c.id, participants.c.role).where(
            participants.c.room_id == room_id,
            participants.c.role.is_not(None),
            participants.c.removed_at.is_(None),
        )
        async with self._engine.connect() as conn:
            return {row.id: row.role for row in await conn.execute(query)}

    async def set_locked(self, room_id: str, locked: bool) -> None:
        locked_at = utcnow() if locked else None
        query = update(rooms).where(rooms.c.id == room_id).values(locked_at=locked_at)
        async with self._write() as conn:
            await conn.execute(query)

    async def hand_over(self, room_id: str) -> ParticipantRow | None:
        """When no host is connected any more, the one connected longest becomes host; returns
        them, or None when a host is still there (or nobody is). The host role moves: the one
        who held it is a co-host from then on, so that a room never has two hosts when they
        come back (and keeps a host's powers for them)."""
        present = (
            participants.c.room_id == room_id,
            participants.c.connected_at.is_not(None),
            participants.c.left_at.is_(None),
            participants.c.removed_at.is_(None),
        )
        async with self._write() as conn:
            host = select(participants.c.id).where(*present, participants.c.role.in_(HOST_ROLES))
            if (await conn.execute(host.limit(1))).first() is not None:
                return None
            longest = select(participants).where(*present).order_by(participants.c.connected_at)
            row = (await conn.execute(longest.limit(1))).first()
            if row is None:
                return None
            held = (participants.c.room_id == room_id, participants.c.role == "host")
            await conn.execute(update(participants).where(*held).values(role="cohost"))
            await conn.execute(
                update(participants).where(participants.c.id == row.id).values(role="host")
            )
        return replace(_participant(row), role="host")

    async def mark_left(self, room_id: str, participant_id: str) -> bool:
        return await self._update_participant(room_id, participant_id, left_at=utcnow())

    async def mark_removed(self, room_id: str, participant_id: str) -> bool:
        now = utcnow()
        return await self._update_participant(room_id, participant_id, removed_at=now, left_at=now)

    async def mark_all_left(self, room_id: str) -> int:
        query = (
            update(participants)
            .where(participants.c.room_id == room_id, participants.c.left_at.is_(None))
            .values(left_at=utcnow())
        )
        async with self._write() as conn:
            return (await conn.execute(query)).rowcount

    async def close_room(self, room_id: str) -> datetime | None:
        """Marks the room closed; returns when, or None if it was closed already (or unknown)."""
        closed_at = utcnow()
        query = (
            update(rooms)
            .where(rooms.c.id == room_id, rooms.c.closed_at.is_(None))
            .values(closed_at=closed_at)
        )
        async with self._write() as conn:
            changed = (await conn.execute(query)).rowcount
        return closed_at if changed else None

    async def set_lobby_enabled(self, room_id: str, enabled: bool) -> None:
        query = update(rooms).where(rooms.c.id == room_id).values(lobby_enabled=enabled)
        async with self._write() as conn:
            await conn.execute(query)

    async def list_rooms(self) -> list[tuple[RoomRow, int]]:
        """Every room with its count of participants connected now (by webhook state)."""
        connected = (
            select(participants.c.room_id, func.count().label("n"))
            .where(participants.c.connected_at.is_not(None), participants.c.left_at.is_(None))
            .group_by(participants.c.room_id)
            .subquery()
        )
        query = (
            select(rooms, func.coalesce(connected.c.n, 0).label("connected"))
            .outerjoin(connected, connected.c.room_id == rooms.c.id)
            .order_by(rooms.c.created_at.desc())
        )
        async with self._engine.connect() as conn:
            return [(_room(row), int(row.connected)) for row in await conn.execute(query)]

    async def _update_participant(
        self, room_id: str, participant_id: str, **values: datetime | str | None
    ) -> bool:
        query = (
            update(participants)
            .where(participants.c.id == participant_id, participants.c.room_id == room_id)
            .values(**values)
        )
        async with self._write() as conn:
            return (await conn.execute(query)).rowcount > 0
