"""env.example lists every variable the services, the LiveKit template and the compose files
read, each with a comment; its secrets are the services' development defaults, which the
services refuse in production."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from debug_service.settings import DEVELOPMENT_TOKEN
from debug_service.settings import Settings as DebugSettings
from embedded_sfu.settings import EmbeddedSfuSettings
from pydantic import AliasChoices
from pydantic_settings import BaseSettings
from video_rooms import settings as backend_settings
from video_rooms.settings import Settings as BackendSettings
from vr_common import production_secrets
from vr_testkit.processes import REPO_ROOT

ENV_EXAMPLE = REPO_ROOT / "env.example"
COMPOSE_FILES = [
    REPO_ROOT / "docker-compose.yml",
    REPO_ROOT / "docker-compose.scaled.yml",
    REPO_ROOT / "docker-compose.turns.yml",
    REPO_ROOT / "docker-compose.embedded.yml",
]
LIVEKIT_TEMPLATE = REPO_ROOT / "config" / "livekit.yaml"
# ${NAME}, ${NAME:-default}, ${NAME:?message}; "$${" is an escaped dollar, not a variable.
COMPOSE_VARIABLE = re.compile(r"(?<!\$)\$\{([A-Za-z_][A-Za-z0-9_]*)")
TEMPLATE_PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
SECRET_NAMES = ["LIVEKIT_API_SECRET", "SECRET_KEY_BASE", "ADMIN_TOKEN", "DEBUG_TOKEN"]


SETTINGS: dict[str, type[BaseSettings]] = {
    "backend settings": BackendSettings,
    "debug service settings": DebugSettings,
    "embedded SFU settings": EmbeddedSfuSettings,
}


def variable_names(settings: type[BaseSettings]) -> dict[str, set[str]]:
    """Each field's environment variable names: prefix + NAME, or its alias choices."""
    prefix = str(settings.model_config.get("env_prefix", ""))
    names = {}
    for field_name, field in settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            names[field_name] = {str(choice) for choice in alias.choices}
        else:
            names[field_name] = {(prefix + field_name).upper()}
    return names


def read_by_configs() -> dict[str, set[str]]:
    """Variables the LiveKit template and the compose files read."""
    compose: set[str] = set()
    for path in COMPOSE_FILES:
        compose |= set(COMPOSE_VARIABLE.findall(path.read_text()))
    return {
        "config/livekit.yaml": set(TEMPLATE_PLACEHOLDER.findall(LIVEKIT_TEMPLATE.read_text())),
        "compose files": compose,
    }


@pytest.mark.parametrize("source", list(SETTINGS))
def test_every_setting_is_listed(env_example: dict[str, str], source: str) -> None:
    missing = [
        " or ".join(sorted(names))
        for names in variable_names(SETTINGS[source]).values()
        if not names & set(env_example)
    ]
    assert not missing, f"env.example lacks {missing} from the {source}"


@pytest.mark.parametrize("source", list(read_by_configs()))
def test_every_config_variable_is_listed(env_example: dict[str, str], source: str) -> None:
    missing = read_by_configs()[source] - set(env_example)
    assert not missing, f"env.example lacks {sorted(missing)} read by the {source}"


def test_every_variable_listed_is_read(env_example: dict[str, str]) -> None:
    known = set().union(*read_by_configs().values())
    for settings in SETTINGS.values():
        known |= set().union(*variable_names(settings).values())
    unread = set(env_example) - known
    assert not unread, f"env.example lists {sorted(unread)}, which nothing reads"


def test_each_variable_has_a_comment_and_appears_once() -> None:
    lines = ENV_EXAMPLE.read_text().splitlines()
    names: list[str] = []
    for index, line in enumerate(lines):
        match = re.match(r"^([A-Za-z_][A-Za-z0-9_]*)=", line)
        if not match:
            assert not line or line.startswith("#"), f"line {index + 1} is neither NAME=value nor #"
            continue
        names.append(match.group(1))
        above = lines[index - 1] if index else ""
        assert re.match(r"^# \S", above), f"{match.group(1)} has no comment line above it"
    assert len(names) == len(set(names))


def test_defaults_are_the_services_defaults(env_example: dict[str, str]) -> None:
    # The value shown is what a service does when the variable is unset (a name two services
    # read may show either's). Compose's own choices (APP_ENV, HTTP_PORT, ...) are defaults in
    # the compose files, checked by test_compose.py.
    defaults: dict[str, set[str]] = {}
    for settings in SETTINGS.values():
        for field_name, names in variable_names(settings).items():
            default = settings.model_fields[field_name].default
            shown = "" if default is None else str(default)
            shown = shown.lower() if isinstance(default, bool) else shown
            for name in names:
                defaults.setdefault(name, set()).add(shown)
    for name, accepted in defaults.items():
        if name in env_example:
            assert env_example[name] in accepted, f"{name}={env_example[name]}, default {accepted}"


def test_secrets_are_the_services_development_defaults(env_example: dict[str, str]) -> None:
    assert env_example["LIVEKIT_API_KEY"] == production_secrets.DEV_SFU_API_KEY
    assert env_example["LIVEKIT_API_SECRET"] == production_secrets.DEV_SFU_API_SECRET
    assert env_example["SECRET_KEY_BASE"] == backend_settings.DEV_SECRET_KEY_BASE
    assert env_example["ADMIN_TOKEN"] == backend_settings.DEV_ADMIN_TOKEN
    assert env_example["DEBUG_TOKEN"] == DEVELOPMENT_TOKEN
    # Nothing refuses a development PostgreSQL password, so there is none to copy.
    assert env_example["POSTGRES_PASSWORD"] == ""
    assert "openssl rand -hex 32" in ENV_EXAMPLE.read_text()


def _run_entry_point(name: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """The console script the image's CMD runs, from this virtualenv."""
    program = Path(sys.executable).with_name(name)
    return subprocess.run(
        [str(program)],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env},
        cwd=cwd,  # no .env here to read
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize("program", ["video-rooms", "debug-service"])
def test_production_refuses_env_example_as_it_is(
    env_example: dict[str, str], tmp_path: Path, program: str
) -> None:
    env = {**env_example, "APP_ENV": "production", "PORT": "1", "DEBUG_PORT": "1"}
    result = _run_entry_point(program, env, tmp_path)
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "production" in lines[0]
    backend_names = ["LIVEKIT_API_KEY", "LIVEKIT_API_SECRET", "SECRET_KEY_BASE", "ADMIN_TOKEN"]
    expected = backend_names if program == "video-rooms" else ["DEBUG_TOKEN"]
    for name in expected:
        assert name in lines[0]
    assert not (tmp_path / "data").exists(), "it must refuse before touching the database"


def test_production_accepts_generated_secrets(
    env_example: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    generated = {name: secrets.token_hex(32) for name in SECRET_NAMES}
    values = {**env_example, **generated, "APP_ENV": "production", "LIVEKIT_API_KEY": "vr-prod"}
    for name, value in values.items():
        monkeypatch.setenv(name, value)
    assert BackendSettings(_env_file=None).production_problems() == []  # type: ignore[call-arg]
    assert DebugSettings().startup_problem() is None
