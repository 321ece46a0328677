import gzip

import httpx
from debug_service.errors import EXCEPTION_HANDLERS
from debug_service.request_body import read_body
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


async def echo(request: Request) -> Response:
    return Response(await read_body(request, 100))


APP = Starlette(routes=[Route("/", echo, methods=["POST"])], exception_handlers=EXCEPTION_HANDLERS)


async def test_limits_before_and_after_gzip() -> None:
    transport = httpx.ASGITransport(app=APP)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
        assert (await client.post("/", content=b"x" * 100)).content == b"x" * 100
        assert (await client.post("/", content=b"x" * 101)).status_code == 413

        async def chunks():  # no Content-Length: the limit still holds while streaming
            for _ in range(20):
                yield b"y" * 10

        assert (await client.post("/", content=chunks())).status_code == 413
        zipped = gzip.compress(b"z" * 100)
        response = await client.post("/", content=zipped, headers={"content-encoding": "gzip"})
        assert response.content == b"z" * 100
        bomb = gzip.compress(b"z" * 101)
        response = await client.post("/", content=bomb, headers={"content-encoding": "GZIP"})
        assert response.status_code == 413
