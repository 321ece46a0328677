"""Alembic owns the schema: it matches the tables the code uses, on both databases."""

from __future__ import annotations

from sqlalchemy import inspect
from video_rooms.db import migrate
from video_rooms.db.engine import create_engine
from video_rooms.db.tables import metadata


async def test_migrated_schema_matches_the_tables(database_url: str) -> None:
    engine = create_engine(database_url)
    async with engine.connect() as conn:

        def describe(sync_conn):  # type: ignore[no-untyped-def]
            inspector = inspect(sync_conn)
            return {
                name: {c["name"] for c in inspector.get_columns(name)}
                for name in inspector.get_table_names()
            }

        tables = await conn.run_sync(describe)
    await engine.dispose()
    for table in metadata.sorted_tables:
        assert table.name in tables
        assert tables[table.name] == {c.name for c in table.columns}
    assert "alembic_version" in tables


def test_upgrade_is_idempotent(sqlite_url: str) -> None:
    migrate.upgrade(sqlite_url)
    migrate.upgrade(sqlite_url)


def test_sqlite_file_is_created_with_its_directory(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "nested" / "dir" / "rooms.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    assert path.exists()
