"""Fixtures: a real livekit-server, SQLite and PostgreSQL databases, the app in-process or as
a real server process. Everything runs on loopback and is torn down after the tests."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path

import httpx
import pytest
from asgi_lifespan import LifespanManager
from video_rooms.app import create_app
from video_rooms.db import migrate
from video_rooms.settings import Settings
from vr_testkit.api import ADMIN_TOKEN
from vr_testkit.databases import postgres_server
from vr_testkit.livekit import LiveKitServer


@pytest.fixture(scope="session")
def livekit() -> Iterator[LiveKitServer]:
    server = LiveKitServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, worker_db_counter: list[int]
) -> Iterator[str]:
    """A freshly migrated database; each test gets its own (a new SQLite file, or a new
    PostgreSQL schema-free database on the shared server)."""
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'rooms.db'}"
    else:
        base: str = request.getfixturevalue("postgres_url")
        worker_db_counter[0] += 1
        url = asyncio.run(_create_database(base, f"t{worker_db_counter[0]}"))
    migrate.upgrade(url)
    yield url


@pytest.fixture(scope="session")
def worker_db_counter() -> list[int]:
    return [0]


async def _create_database(base_url: str, name: str) -> str:
    import asyncpg

    dsn = base_url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return base_url.rsplit("/", 1)[0] + f"/{name}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'rooms.db'}"
    migrate.upgrade(url)
    return url


def settings_for(livekit: LiveKitServer, database_url: str, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": database_url,
        "sfu_api_key": livekit.api_key,
        "sfu_api_secret": livekit.api_secret,
        "livekit_url": livekit.http_url,
        "livekit_public_url": livekit.ws_url,
        "admin_token": ADMIN_TOKEN,
        "sfu_health_ttl_seconds": 0.2,
        **overrides,
    }
    return Settings.model_validate(values)


@pytest.fixture
def make_settings() -> Callable[..., Settings]:
    return settings_for


@pytest.fixture
def settings(livekit: LiveKitServer, sqlite_url: str) -> Settings:
    return settings_for(livekit, sqlite_url)


@contextlib.asynccontextmanager
async def app_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """The app in-process, lifespan included, behind an httpx client."""
    app = create_app(settings)
    async with LifespanManager(app) as manager:
        transport = httpx.ASGITransport(app=manager.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as c:
            yield c


@pytest.fixture
def client_for() -> Callable[[Settings], contextlib.AbstractAsyncContextManager[httpx.AsyncClient]]:
    return app_client


@pytest.fixture
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with app_client(settings) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_ambient_config(monkeypatch: pytest.MonkeyPatch) -> None:
    # Settings read the environment; a developer's own exports must not change test outcomes.
    for name in list(os.environ):
        if name.startswith(("LIVEKIT_", "DATABASE_URL", "APP_ENV", "SFU_", "ADMIN_TOKEN")):
            monkeypatch.delenv(name, raising=False)
