"""The interactive docs at /api/docs load everything from the backend itself."""

from __future__ import annotations

import re

import httpx


async def test_docs_page_uses_only_its_own_files(client: httpx.AsyncClient) -> None:
    page = await client.get("/api/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    urls = re.findall(r'(?:src|href)="([^"]+)"', page.text)
    assert urls and all(url.startswith("/api/docs/") for url in urls), urls
    assert "<script>" not in page.text and "style=" not in page.text  # the CSP allows neither
    for url in urls:
        asset = await client.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 0
    init = (await client.get("/api/docs/init.js")).text
    assert '"/api/openapi.json"' in init


async def test_the_description_is_served_at_both_paths(client: httpx.AsyncClient) -> None:
    under_api = await client.get("/api/openapi.json")
    at_root = await client.get("/openapi.json")
    assert under_api.status_code == at_root.status_code == 200
    assert under_api.json() == at_root.json()
    assert "/api/docs" not in under_api.json()["paths"]


async def test_the_old_cdn_docs_are_gone(client: httpx.AsyncClient) -> None:
    assert (await client.get("/docs")).status_code == 404
    assert (await client.get("/redoc")).status_code == 404
