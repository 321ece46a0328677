"""Async engine for SQLite (default) or PostgreSQL, chosen by `DATABASE_URL`."""

from __future__ import annotations

import asyncio
import contextlib
import weakref
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

# One lock per SQLite engine, shared by every store that writes through it (see
# `write_transaction`).
_sqlite_write_locks: weakref.WeakKeyDictionary[AsyncEngine, asyncio.Lock] = (
    weakref.WeakKeyDictionary()
)


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_directory(url: str) -> None:
    database = make_url(url).database
    if is_sqlite(url) and database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)


def create_engine(url: str) -> AsyncEngine:
    ensure_sqlite_directory(url)
    if not is_sqlite(url):
        return create_async_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)
    engine = create_async_engine(url, connect_args={"timeout": 15})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, _: Any) -> None:
        # WAL lets readers run beside the writer and survives a crash without losing commits;
        # synchronous=NORMAL is durable in WAL mode up to the last checkpointed transaction
        # on power loss, and costs no fsync per commit.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=15000")
        cursor.close()

    return engine


@contextlib.asynccontextmanager
async def write_transaction(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A write transaction. SQLite has one writer at a time; concurrent write transactions on
    several pooled connections make it fall back to its busy handler, which sleeps in steps of
    up to 100 ms. Queueing this process's writes on one lock per engine instead keeps every
    write in the low milliseconds. PostgreSQL needs no such queue."""
    if engine.dialect.name != "sqlite":
        async with engine.begin() as conn:
            yield conn
        return
    lock = _sqlite_write_locks.setdefault(engine, asyncio.Lock())
    async with lock, engine.begin() as conn:
        yield conn


def as_utc(value: datetime) -> datetime:
    """SQLite hands timestamps back without their zone; every one was written in UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)
