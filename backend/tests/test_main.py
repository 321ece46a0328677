"""Starting the backend as operators do: production refuses development secrets."""

from __future__ import annotations

import subprocess
import sys

import pytest

STRONG = "s" * 40


def run_backend(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "PORT": "1"}
    return subprocess.run(
        [sys.executable, "-m", "video_rooms"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
        cwd="/tmp",
    )


@pytest.mark.parametrize(
    ("env", "complaint"),
    [
        ({}, "SFU_API_KEY (or LIVEKIT_API_KEY) is the development default"),
        (
            {"LIVEKIT_API_KEY": "prodkey"},
            "SFU_API_SECRET (or LIVEKIT_API_SECRET) is the development default",
        ),
        (
            {"LIVEKIT_API_KEY": "prodkey", "LIVEKIT_API_SECRET": "short-secret"},
            "SFU_API_SECRET (or LIVEKIT_API_SECRET) is shorter than 32 characters",
        ),
        (
            {"SFU_API_KEY": "prodkey", "SFU_API_SECRET": "short-secret"},
            "SFU_API_SECRET (or LIVEKIT_API_SECRET) is shorter than 32 characters",
        ),
        (
            {"LIVEKIT_API_KEY": "prodkey", "LIVEKIT_API_SECRET": STRONG},
            "SECRET_KEY_BASE is the development default",
        ),
        (
            {
                "LIVEKIT_API_KEY": "prodkey",
                "LIVEKIT_API_SECRET": STRONG,
                "SECRET_KEY_BASE": STRONG,
            },
            "ADMIN_TOKEN is the development default",
        ),
    ],
)
def test_production_refuses_development_secrets(env: dict[str, str], complaint: str) -> None:
    result = run_backend({"APP_ENV": "production", **env})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("video-rooms: refusing to start in production")
    assert complaint in lines[0]


def test_invalid_configuration_is_one_clear_error() -> None:
    result = run_backend({"APP_ENV": "staging"})
    assert result.returncode == 2
    assert "invalid configuration" in result.stderr
    assert "app_env" in result.stderr
