"""The app served by a real uvicorn on loopback, inside the test's event loop, so that a test
can talk to it over real sockets and still look at its state (open sockets, subscriptions)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
import uvicorn
from fastapi import FastAPI
from video_rooms.app import create_app
from video_rooms.realtime.runtime import Realtime
from video_rooms.settings import Settings
from vr_testkit.processes import free_port

from .host_forms import HostForms, People, make_people


@dataclass
class LiveServer:
    app: FastAPI
    url: str

    @property
    def realtime(self) -> Realtime:
        realtime: Realtime = self.app.state.realtime
        return realtime

    def http(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10)


@contextlib.asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    app = create_app(settings)
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, lifespan="on", ws="auto"
    )
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(15):
            while not server.started:
                if task.done():
                    task.result()
                await asyncio.sleep(0.02)
        yield LiveServer(app, f"http://127.0.0.1:{port}")
    finally:
        server.should_exit = True
        await task


@pytest.fixture
def serve() -> Callable[[Settings], contextlib.AbstractAsyncContextManager[LiveServer]]:
    return live_server


@pytest.fixture
async def server(settings: Settings) -> AsyncIterator[LiveServer]:
    async with live_server(settings) as live:
        yield live


@pytest.fixture
async def host_room(server: LiveServer) -> AsyncIterator[tuple[People, HostForms]]:
    """A room with a host, two guests and another room's host, and both forms of a control."""
    async with server.http() as http:
        forms = HostForms(server, http)
        try:
            yield await make_people(http), forms
        finally:
            await forms.close()
