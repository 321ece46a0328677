"""The schema, as SQLAlchemy Core tables. Alembic migrations in `video_rooms/migrations` own it."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    false,
)

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
    # Set while a host keeps new joins out (`room_locked`).
    Column("locked_at", DateTime(timezone=True), nullable=True),
    # With the lobby on, a join is a request a host admits or denies (`lobby_requests`).
    Column("lobby_enabled", Boolean, nullable=False, server_default=false()),
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
    # Set when a host removed the participant: final, unlike `left_at` (which a reconnect clears).
    Column("removed_at", DateTime(timezone=True), nullable=True),
    # "host" (the creator, or whom the room was handed over to), "cohost" (named by a host,
    # the same powers) or NULL.
    Column("role", String(16), nullable=True),
    Index("ix_participants_room_id", "room_id"),
)

chat_messages = Table(
    "chat_messages",
    metadata,
    # An integer id orders messages exactly, whichever backend process stored them.
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("room_id", String(64), ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    # The sender's id and name are copied, so the history is read without a join.
    Column("participant_id", String(32), nullable=False),
    Column("name", String(64), nullable=False),
    Column("text", Text, nullable=False),
    Column("sent_at", DateTime(timezone=True), nullable=False),
    Index("ix_chat_messages_room_id_id", "room_id", "id"),
)

lobby_requests = Table(
    "lobby_requests",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("room_id", String(64), ForeignKey("rooms.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(64), nullable=False),
    # The guest proves it is the one waiting with a secret only it was given; kept hashed.
    Column("secret_hash", String(64), nullable=False),
    # pending | admitted | denied (a pending one past `expires_at` has expired).
    Column("status", String(16), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    # The participant an admission made.
    Column("participant_id", String(32), nullable=True),
    Index("ix_lobby_requests_room_id", "room_id"),
)
