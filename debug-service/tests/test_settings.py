import pytest
from debug_service.settings import DEVELOPMENT_TOKEN, Settings


def test_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    names = ("APP_ENV", "DEBUG_PORT", "DEBUG_SYSLOG_PORT", "DEBUG_TOKEN", "DEBUG_DB_PATH")
    for name in (*names, "BACKEND_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings()
    assert settings.debug_port == 5000
    assert settings.debug_syslog_port == 5514
    assert str(settings.debug_db_path) == "data/debug.db"
    assert settings.debug_token == DEVELOPMENT_TOKEN
    assert settings.startup_problem() is None


def test_values_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DEBUG_PORT", "5999")
    monkeypatch.setenv("DEBUG_CORS_ORIGINS", "http://a.example, http://b.example")
    settings = Settings()
    assert settings.debug_port == 5999
    assert settings.cors_origins == ["http://a.example", "http://b.example"]


@pytest.mark.parametrize(
    ("token", "problem"),
    [
        (DEVELOPMENT_TOKEN, "DEBUG_TOKEN is the development default"),
        ("", "DEBUG_TOKEN is not set"),
        ("  ", "DEBUG_TOKEN is not set"),
        ("short-secret", "DEBUG_TOKEN is shorter than 32 characters"),
        ("x" * 32, None),
    ],
)
def test_production_needs_a_real_token(token: str, problem: str | None) -> None:
    found = Settings(app_env="production", debug_token=token).startup_problem()
    assert (found is None) if problem is None else (found is not None and problem in found)
