from collections.abc import Callable

import httpx
import pytest
from debug_service.app import self_health_url
from debug_service.settings import Settings

from .conftest import Served


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:5000/api/health"),
        ("127.0.0.1", "http://127.0.0.1:5000/api/health"),
        ("::", "http://[::1]:5000/api/health"),
        ("debug", "http://debug:5000/api/health"),
    ],
)
def test_self_health_url(host: str, url: str) -> None:
    assert self_health_url(Settings(debug_host=host, debug_port=5000)) == url


def test_no_cors_unless_origins_are_configured(app_server: Callable[..., Served]) -> None:
    origin = {"Origin": "http://elsewhere.example"}
    closed = httpx.get(app_server().base_url + "/api/logs", headers=origin)
    assert "access-control-allow-origin" not in closed.headers
    opened = app_server(debug_cors_origins="http://elsewhere.example")
    response = httpx.get(opened.base_url + "/api/logs", headers=origin)
    assert response.headers["access-control-allow-origin"] == "http://elsewhere.example"


def test_the_default_targets_include_itself(app_server: Callable[..., Served]) -> None:
    served = app_server(targets=None, backend_url="http://127.0.0.1:9")
    listed = httpx.get(served.base_url + "/api/services").json()["services"]
    # Checked once before the first request is served: every target has its status already.
    assert [(s["name"], s["status"]) for s in listed] == [
        ("debug", "healthy"),
        ("backend", "unhealthy"),
        ("sfu", "unconfigured"),
        ("frontend", "unconfigured"),
    ]
