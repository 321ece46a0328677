"""The Dockerfiles build with the commands the local stack runs (scripts/setup.sh,
scripts/up.sh), from pinned base images, as the non-root users and with the health checks
docker-compose.yml declares. Nothing is built here (no Docker engine): the files are read."""

from __future__ import annotations

import re
import shlex
import tomllib
from typing import Any

import pytest
from packaging.specifiers import SpecifierSet
from vr_testkit.processes import REPO_ROOT

SETUP_SH = REPO_ROOT / "scripts" / "setup.sh"
UP_SH = REPO_ROOT / "scripts" / "up.sh"
# Images of compose services; the embedded SFU's is built on its own (the shapes run LiveKit).
IMAGES = ["backend", "debug-service", "nginx"]
ALL_IMAGES = [*IMAGES, "embedded-sfu"]
PYTHON_IMAGES = {
    "backend": "video-rooms",
    "debug-service": "debug-service",
    "embedded-sfu": "embedded-sfu",
}

# Same rule as tools/compose-check: an exact version, never a tag that moves.
PINNED = re.compile(r"^[a-z0-9./-]+:v?\d+\.\d+(\.\d+)?(-[a-z0-9.]+)*(@sha256:[0-9a-f]{64})?$")
# Flags that change what a command prints, not what it builds.
OUTPUT_FLAGS = {"--quiet", "--silent", "--no-audit", "--no-fund"}
# Flags that scope a build to one image: the image holds one package, no dev tools, and (in a
# first, cached layer) the dependencies without the package itself.
IMAGE_SCOPE_FLAGS = {"--no-dev", "--no-install-workspace", "--no-editable"}
# What a runtime stage may run besides build commands: creating its user and data directory.
SYSTEM_COMMANDS = {"groupadd", "useradd", "mkdir", "chown"}


def shell_commands(script: str) -> list[list[str]]:
    """A shell line split at && into commands, each as argv, subshell parentheses dropped."""
    commands = []
    for part in script.split("&&"):
        words = shlex.split(part.replace("(", " ").replace(")", " "))
        if words:
            commands.append(words)
    return commands


def normalize(argv: list[str]) -> list[str]:
    """A build command without output-only flags, interpreter selection and image scoping."""
    out: list[str] = []
    skip_value = False
    for word in argv:
        if skip_value:
            skip_value = False
        elif word in ("--python", "--package"):
            skip_value = True
        elif word in OUTPUT_FLAGS or word in IMAGE_SCOPE_FLAGS or word.startswith("--loglevel"):
            continue
        else:
            out.append(word)
    return out


def command_key(argv: list[str]) -> str:
    """What a build command does: `uv sync`, `npm ci`, `npm run build`."""
    words = normalize(argv)
    return " ".join(words[:3] if words[1:2] == ["run"] else words[:2])


def local_commands(key: str) -> list[list[str]]:
    """Every command of that kind that setup.sh or up.sh runs, normalized."""
    program = key.split()[0]
    found = []
    for script in (SETUP_SH, UP_SH):
        for line in script.read_text().splitlines():
            # Only lines that run the program (others may hold half of a multi-line string).
            if line.lstrip().startswith("#") or not re.search(rf"\b{program}\b", line):
                continue
            # A line continued with a backslash (up.sh's wrapped commands) ends before it.
            for argv in shell_commands(line.split(">", 1)[0].rstrip().removesuffix("\\")):
                if argv[0] == program and command_key(argv) == key:
                    found.append(normalize(argv))
    assert found, f"neither setup.sh nor up.sh runs `{key}`"
    return found


def runs(instructions: list[Any]) -> list[tuple[int, list[str]]]:
    return [
        (instruction.stage, argv)
        for instruction in instructions
        if instruction.keyword == "RUN"
        for argv in shell_commands(instruction.args)
    ]


def final(instructions: list[Any], keyword: str) -> Any:
    matches = [i for i in instructions if i.keyword == keyword]
    assert matches, f"no {keyword}"
    return matches[-1]


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_base_images_are_pinned(dockerfiles: dict[str, list[Any]], image: str) -> None:
    stages: set[str] = set()
    for instruction in dockerfiles[image]:
        if instruction.keyword != "FROM":
            continue
        words = instruction.args.split()
        base = words[0]
        assert base in stages or PINNED.match(base), f"{image}: FROM {base} is not pinned"
        if len(words) == 3 and words[1].upper() == "AS":
            stages.add(words[2])


@pytest.mark.parametrize("image", ALL_IMAGES)
def test_build_steps_are_the_local_stacks_commands(
    dockerfiles: dict[str, list[Any]], image: str
) -> None:
    seen: set[str] = set()
    for _, argv in runs(dockerfiles[image]):
        program = argv[0]
        if program in SYSTEM_COMMANDS:
            continue
        assert program in ("uv", "npm"), f"{image}: `{shlex.join(argv)}` is not a local build step"
        key = command_key(argv)
        local = local_commands(key)
        assert normalize(argv) in local, (
            f"{image}: `{shlex.join(argv)}` differs from the local stack's {local}"
        )
        seen.add(key)
    expected = {"uv sync"} if image in PYTHON_IMAGES else {"npm ci", "npm run build"}
    assert seen == expected


@pytest.mark.parametrize("image", list(PYTHON_IMAGES))
def test_python_images_install_their_own_package(
    dockerfiles: dict[str, list[Any]], image: str
) -> None:
    package = PYTHON_IMAGES[image]
    syncs = [argv for _, argv in runs(dockerfiles[image]) if argv[:2] == ["uv", "sync"]]
    assert syncs
    for argv in syncs:
        assert argv[argv.index("--package") + 1] == package
        assert "--locked" in argv and "--no-dev" in argv
    # The entry point is the one `make up` starts with `uv run --locked <name>`.
    assert final(dockerfiles[image], "CMD").exec_form() == [package]
    assert f"uv run --locked {package}" in UP_SH.read_text()


@pytest.mark.parametrize("image", list(PYTHON_IMAGES))
def test_the_lock_is_checked_against_every_workspace_member(
    dockerfiles: dict[str, list[Any]], image: str
) -> None:
    # `uv sync --locked` fails unless it sees the same workspace as uv.lock: the root files and
    # every member's pyproject.toml must be in place before the first sync.
    root = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
    members = root["tool"]["uv"]["workspace"]["members"]
    needed = {"pyproject.toml", "uv.lock"} | {f"{member}/pyproject.toml" for member in members}
    copied: set[str] = set()
    for instruction in dockerfiles[image]:
        if instruction.keyword == "COPY" and not instruction.args.startswith("--from"):
            copied.update(instruction.args.split()[:-1])
        if instruction.keyword == "RUN" and "uv sync" in instruction.args:
            break
    assert needed <= copied, needed - copied


def test_python_base_image_satisfies_requires_python(dockerfiles: dict[str, list[Any]]) -> None:
    # Every package the images install must accept the images' Python (the packages allow a
    # range, 3.11 to 3.13; the images pin one version of it).
    specs = [
        SpecifierSet(tomllib.loads(path.read_text())["project"]["requires-python"])
        for path in [REPO_ROOT / "pyproject.toml", *REPO_ROOT.glob("*/pyproject.toml")]
    ]
    assert len(specs) >= 4
    bases = [
        instruction.args
        for image in PYTHON_IMAGES
        for instruction in dockerfiles[image]
        if instruction.keyword == "FROM" and instruction.args.startswith("python:")
    ]
    assert bases
    for base in bases:
        match = re.match(r"python:(\d+\.\d+\.\d+)-", base)
        assert match, base
        for spec in specs:
            assert spec.contains(match.group(1)), (base, str(spec))


def test_nginx_image_runs_the_repository_config_as_up_sh_does(
    dockerfiles: dict[str, list[Any]],
) -> None:
    instructions = dockerfiles["nginx"]
    copies = [i.args for i in instructions if i.keyword == "COPY"]
    assert "config/nginx.conf config/render.sh /etc/video-rooms/" in copies
    script = final(instructions, "ENTRYPOINT").exec_form()[-1]
    commands = shell_commands(script.split(">", 1)[0]) + shell_commands(script.split(">", 1)[1])
    assert ["sh", "/etc/video-rooms/render.sh", "/etc/video-rooms/nginx.conf"] in commands
    image_nginx = next(argv for argv in commands if argv[:2] == ["exec", "nginx"])[2:]
    up_line = next(line for line in UP_SH.read_text().splitlines() if '"$NGINX" -p' in line)
    up_nginx = shlex.split(up_line.split('"$NGINX"', 1)[1])
    image_flags, up_flags = (
        dict(zip(image_nginx[::2], image_nginx[1::2], strict=True)),
        dict(zip(up_nginx[::2], up_nginx[1::2], strict=True)),
    )
    assert image_flags.keys() == up_flags.keys() == {"-p", "-c", "-e", "-g"}
    assert image_flags["-e"] == up_flags["-e"] == "stderr"
    assert image_flags["-g"] == up_flags["-g"] == "daemon off;"
    # The config sits in the prefix directory, so its relative temp paths resolve there.
    assert image_flags["-c"] == image_flags["-p"] + "/nginx.conf"


@pytest.mark.parametrize("image", IMAGES)
def test_images_run_as_the_compose_user(
    dockerfiles: dict[str, list[Any]], single_project: Any, image: str
) -> None:
    user = final(dockerfiles[image], "USER").args
    assert user.split(":")[0] not in ("root", "0")
    assert single_project["services"][image]["user"] == user


@pytest.mark.parametrize("image", IMAGES)
def test_image_healthchecks_are_the_compose_ones(
    dockerfiles: dict[str, list[Any]], single_project: Any, image: str
) -> None:
    image_check = final(dockerfiles[image], "HEALTHCHECK").exec_form()
    compose_check = single_project["services"][image]["healthcheck"]["test"]
    assert compose_check == ["CMD", *image_check]


def test_images_are_built_from_the_repository_root(single_project: Any) -> None:
    for image in IMAGES:
        build = single_project["services"][image]["build"]
        assert build["context"] == str(REPO_ROOT), image


def test_dockerignore_keeps_secrets_and_local_state_out() -> None:
    ignored = {
        line.strip()
        for line in (REPO_ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    # .env holds the operator's secrets; the others are this machine's builds and caches.
    assert {".env", ".git", ".venv", ".tools", "**/node_modules", "frontend/dist"} <= ignored
