"""The schema, as SQLAlchemy Core tables. Alembic migrations in `video_rooms/migrations` own it."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, MetaData, String, Table

metadata = MetaData()

rooms = Table(
    "rooms",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("creator_id", String(32), nullable=True),
    Column("max_participants", Integer, nullable=False),
    # Set when the room is finished for good (host ended it); LiveKit's own idle timeout
    # does not close our room, the link keeps working.
    Column("closed_at", DateTime(timezone=True), nullable=True),
)

participants = Table(
    "participants",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("room_id", String(64), ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    Column("joined_at", DateTime(timezone=True), nullable=False),
    # Media connection state, kept by the SFU's webhooks.
    Column("connected_at", DateTime(timezone=True), nullable=True),
    Column("left_at", DateTime(timezone=True), nullable=True),
    Index("ix_participants_room_id", "room_id"),
)
