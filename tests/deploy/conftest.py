"""What the deploy tests share: the compose files loaded by compose-check (compose-go, the
loader `docker compose` is built on), env.example, and the Dockerfiles read instruction by
instruction. This machine has no Docker engine; these are the checks that stand in for it."""

from __future__ import annotations

import json
import re
import secrets
import subprocess
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from vr_testkit.processes import REPO_ROOT, TOOLS_BIN

COMPOSE = REPO_ROOT / "docker-compose.yml"
COMPOSE_SCALED = REPO_ROOT / "docker-compose.scaled.yml"
ENV_EXAMPLE = REPO_ROOT / "env.example"
COMPOSE_CHECK_SOURCE = REPO_ROOT / "tools" / "compose-check"
COMPOSE_CHECK = TOOLS_BIN / "compose-check"

ENV_LINE = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")


def read_env_file(path: Path) -> dict[str, str]:
    """NAME=value lines, as compose reads env.example copied to .env (no quoting used there)."""
    values: dict[str, str] = {}
    for line in path.read_text().splitlines():
        match = ENV_LINE.match(line)
        if match:
            values[match.group(1)] = match.group(2)
    return values


def write_env_file(path: Path, values: dict[str, str]) -> Path:
    path.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    return path


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str
    stage: int  # index of the FROM this instruction belongs to

    def exec_form(self) -> list[str]:
        """The JSON array form (CMD ["a", "b"]); the shell form as one sh -c string."""
        text = self.args
        if self.keyword == "HEALTHCHECK":
            text = text[text.index("CMD") + len("CMD") :].strip()
        if text.startswith("["):
            parsed = json.loads(text)
            assert isinstance(parsed, list)
            return [str(item) for item in parsed]
        return ["/bin/sh", "-c", text]


def parse_dockerfile(path: Path) -> list[Instruction]:
    """Instructions with continuation lines joined and comments dropped: all the Dockerfile
    syntax our three files use (no heredocs, no escape directive)."""
    instructions: list[Instruction] = []
    stage = -1
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].strip() + " "
            continue
        text = (pending + line).strip()
        pending = ""
        keyword, _, args = text.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            stage += 1
        instructions.append(Instruction(keyword, args.strip(), stage))
    assert not pending, f"{path}: ends inside a continued line"
    return instructions


CompletedCheck = subprocess.CompletedProcess[str]


@pytest.fixture(scope="session")
def compose_check() -> Callable[..., CompletedCheck]:
    """Runs the compose-check binary that scripts/setup.sh builds into .tools/bin."""
    if not COMPOSE_CHECK.exists():
        pytest.fail("compose-check is not built: run `make setup` (scripts/setup.sh builds it)")
    built = COMPOSE_CHECK.stat().st_mtime
    stale = [
        p for p in COMPOSE_CHECK_SOURCE.rglob("*") if p.is_file() and p.stat().st_mtime > built
    ]
    if stale:
        pytest.fail(f"compose-check is older than {stale[0].name}: run `make setup`")

    def run(
        files: Sequence[Path],
        env_files: Sequence[Path] = (ENV_EXAMPLE,),
        *,
        as_json: bool = False,
        project_dir: Path = REPO_ROOT,
    ) -> CompletedCheck:
        argv = [str(COMPOSE_CHECK), "-project-dir", str(project_dir)]
        for env_file in env_files:
            argv += ["-env-file", str(env_file)]
        for file in files:
            argv += ["-f", str(file)]
        if as_json:
            argv.append("-json")
        return subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)

    return run


@pytest.fixture(scope="session")
def dockerfiles() -> dict[str, list[Instruction]]:
    """Each image's Dockerfile by the compose service built from it."""
    return {
        "backend": parse_dockerfile(REPO_ROOT / "backend" / "Dockerfile"),
        "debug-service": parse_dockerfile(REPO_ROOT / "debug-service" / "Dockerfile"),
        "nginx": parse_dockerfile(REPO_ROOT / "frontend" / "Dockerfile"),
        # Not a service of the compose shapes (they run LiveKit): built on its own.
        "embedded-sfu": parse_dockerfile(REPO_ROOT / "embedded-sfu" / "Dockerfile"),
    }


@pytest.fixture(scope="session")
def env_example() -> dict[str, str]:
    return read_env_file(ENV_EXAMPLE)


@pytest.fixture(scope="session")
def scaled_env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """env.example has no PostgreSQL password (nothing would refuse a development one); the
    scaled shape is loaded with env.example plus a generated one, as an operator would."""
    path = tmp_path_factory.mktemp("env") / "scaled.env"
    return write_env_file(path, {"POSTGRES_PASSWORD": secrets.token_hex(32)})


def _load(run: Callable[..., CompletedCheck], files: list[Path], env: list[Path]) -> Any:
    result = run(files, env, as_json=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="session")
def single_project(compose_check: Callable[..., CompletedCheck]) -> Any:
    """docker-compose.yml as `docker compose config` would resolve it with env.example."""
    return _load(compose_check, [COMPOSE], [ENV_EXAMPLE])


@pytest.fixture(scope="session")
def scaled_project(compose_check: Callable[..., CompletedCheck], scaled_env_file: Path) -> Any:
    return _load(compose_check, [COMPOSE, COMPOSE_SCALED], [ENV_EXAMPLE, scaled_env_file])
