"""Starting the embedded SFU as operators do: production refuses test hooks and development
secrets, with one line on stderr and a non-zero exit, before it listens."""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from vr_testkit.embedded_sfu import EmbeddedSfuProcess

STRONG = "s" * 40


def run_sfu(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", "EMBEDDED_SFU_PORT": str(_free_port())}
    return subprocess.run(
        [sys.executable, "-m", "embedded_sfu"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=30,
        cwd="/tmp",
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
            {"EMBEDDED_SFU_API_KEY": "prodkey", "EMBEDDED_SFU_API_SECRET": "short-secret"},
            "SFU_API_SECRET (or LIVEKIT_API_SECRET) is shorter than 32 characters",
        ),
        (
            {
                "LIVEKIT_API_KEY": "prodkey",
                "LIVEKIT_API_SECRET": STRONG,
                "EMBEDDED_SFU_TEST_HOOKS": "true",
            },
            "EMBEDDED_SFU_TEST_HOOKS is enabled",
        ),
    ],
)
def test_production_refuses(env: dict[str, str], complaint: str) -> None:
    result = run_sfu({"APP_ENV": "production", **env})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("embedded-sfu: refusing to start in production: ")
    assert complaint in lines[0]


def test_production_names_every_problem_at_once() -> None:
    result = run_sfu({"APP_ENV": "production", "EMBEDDED_SFU_TEST_HOOKS": "true"})
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    for name in ("SFU_API_KEY", "SFU_API_SECRET", "EMBEDDED_SFU_TEST_HOOKS"):
        assert name in line


def test_invalid_configuration_is_one_clear_error() -> None:
    result = run_sfu({"APP_ENV": "staging"})
    assert result.returncode == 2
    assert result.stderr.startswith("embedded-sfu: invalid configuration:")
    assert "app_env" in result.stderr.lower()


def test_production_starts_with_its_own_secrets(tmp_path: Path) -> None:
    sfu = EmbeddedSfuProcess(test_hooks=False, log_dir=tmp_path, APP_ENV="production")
    try:
        sfu.start_and_wait()
        assert httpx.get(sfu.http_url + "/health").json()["status"] == "ok"
    finally:
        sfu.stop()
