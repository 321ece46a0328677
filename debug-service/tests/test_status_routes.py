from collections.abc import Callable

import httpx
from debug_service.monitor import Target

from .conftest import PRODUCTION_TOKEN, Served

Start = Callable[..., Served]


def test_health(app_server: Start) -> None:
    response = httpx.get(app_server().base_url + "/api/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_services_lists_every_target_and_is_open_in_production(app_server: Start) -> None:
    served = app_server(
        targets=[Target("backend", "http://127.0.0.1:9/api/health")],
        app_env="production",
        debug_token=PRODUCTION_TOKEN,
    )
    services = httpx.get(served.base_url + "/api/services").json()["services"]
    assert [s["name"] for s in services] == ["backend"]
    assert set(services[0]) == {
        "name",
        "url",
        "status",
        "latency_ms",
        "since",
        "checked_at",
        "message",
    }


def test_unknown_paths_and_methods_are_json_errors(app_server: Start) -> None:
    base = app_server().base_url
    missing = httpx.get(base + "/nope")
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "not_found")
    wrong = httpx.put(base + "/api/logs")
    assert (wrong.status_code, wrong.json()["error"]["code"]) == (405, "method_not_allowed")
