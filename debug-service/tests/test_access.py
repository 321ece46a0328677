import pytest
from debug_service.access import AccessPolicy, presented_token
from debug_service.settings import Settings
from starlette.requests import Request

TOKEN = "t" * 40


def request(client: str, headers: dict[str, str] | None = None, query: str = "") -> Request:
    return Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/",
            "query_string": query.encode(),
            "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
            "client": (client, 1234),
        }
    )


def test_the_token_comes_from_the_header_or_the_query_string() -> None:
    assert presented_token(request("1.2.3.4", {"Authorization": "Bearer abc"})) == "abc"
    assert presented_token(request("1.2.3.4", {"Authorization": "bearer  abc "})) == "abc"
    assert presented_token(request("1.2.3.4", query="token=xyz")) == "xyz"
    assert presented_token(request("1.2.3.4", {"Authorization": "Basic abc"})) is None


@pytest.mark.parametrize(
    ("env", "client", "headers", "trusted"),
    [
        ("development", "127.0.0.1", {}, True),
        ("development", "::1", {}, True),
        ("development", "203.0.113.9", {}, False),
        ("development", "203.0.113.9", {"Authorization": f"Bearer {TOKEN}"}, True),
        ("production", "127.0.0.1", {}, False),
        ("production", "127.0.0.1", {"Authorization": "Bearer wrong"}, False),
        ("production", "203.0.113.9", {"Authorization": f"Bearer {TOKEN}"}, True),
    ],
)
def test_who_is_trusted(env: str, client: str, headers: dict[str, str], trusted: bool) -> None:
    policy = AccessPolicy(Settings(app_env=env, debug_token=TOKEN))  # type: ignore[arg-type]
    assert policy.is_trusted(request(client, headers)) is trusted
