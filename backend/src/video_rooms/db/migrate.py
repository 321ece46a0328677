"""Bring a database to the newest schema with Alembic (also usable as `python -m`)."""

from __future__ import annotations

import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from video_rooms.db.engine import ensure_sqlite_directory

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def alembic_config(database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser treats "%" as interpolation; passwords may contain it.
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(database_url: str) -> None:
    """Must be called outside a running event loop (Alembic's env runs its own)."""
    ensure_sqlite_directory(database_url)
    command.upgrade(alembic_config(database_url), "head")


if __name__ == "__main__":
    from video_rooms.settings import Settings

    upgrade(sys.argv[1] if len(sys.argv) > 1 else Settings().database_url)
