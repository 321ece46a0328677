"""Each Dockerfile's build stage, replayed without Docker: its COPY instructions fill a scratch
directory from the repository (minus .dockerignore), its ENV is set, and its RUN commands run
there with this machine's uv, Python 3.11 and npm. This catches what reading the files cannot:
a file the build needs but never copies, a lock the copied workspace does not match, a package
without its migrations. Stage boundaries, base images and USER are not emulated."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from vr_testkit.processes import REPO_ROOT

# Where each build stage leaves what the runtime stage copies, and what must be in it.
EXPECTED = {
    "backend": [
        "app/.venv/bin/video-rooms",
        "app/.venv/lib/python3.11/site-packages/video_rooms/migrations/env.py",
    ],
    "debug-service": ["app/.venv/bin/debug-service"],
    "embedded-sfu": ["app/.venv/bin/embedded-sfu"],
    "nginx": ["app/frontend/dist/index.html"],
}


def dockerignore_patterns() -> list[re.Pattern[str]]:
    patterns = []
    for line in (REPO_ROOT / ".dockerignore").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        regex = re.escape(line).replace(r"\*\*/", "(?:.*/)?").replace(r"\*", "[^/]*")
        patterns.append(re.compile(regex + "$"))
    return patterns


def ignored(relative: str, patterns: list[re.Pattern[str]]) -> bool:
    """Whether .dockerignore keeps this path (or a folder above it) out of the context."""
    parts = relative.split("/")
    prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
    return any(p.match(prefix) for p in patterns for prefix in prefixes)


def copy_from_context(
    sources: list[str], dest: Path, into_dir: bool, patterns: list[re.Pattern[str]]
) -> None:
    """COPY's rules: a directory's contents go into dest; files go into dest when it ends in
    "/" or there are several, else become dest."""
    for source in sources:
        path = REPO_ROOT / source
        assert path.exists(), f"COPY {source}: not in the repository"
        if path.is_file():
            target = dest / path.name if into_dir or len(sources) > 1 else dest
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
            continue
        for folder, subfolders, files in os.walk(path):
            here = Path(folder)
            # Pruned while walking: node_modules alone holds tens of thousands of files.
            subfolders[:] = [
                name
                for name in subfolders
                if not ignored((here / name).relative_to(REPO_ROOT).as_posix(), patterns)
            ]
            for name in files:
                item = here / name
                if not ignored(item.relative_to(REPO_ROOT).as_posix(), patterns):
                    out = dest / item.relative_to(path)
                    out.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(item, out)


def replay_build_stage(instructions: list[Any], root: Path) -> None:
    stage = next(
        i.stage for i in instructions if i.keyword == "FROM" and i.args.endswith(" AS build")
    )
    patterns = dockerignore_patterns()
    workdir = root
    env = {k: v for k, v in os.environ.items() if not k.startswith(("UV_", "VIRTUAL_ENV", "npm_"))}
    for instruction in instructions:
        if instruction.stage != stage:
            continue
        if instruction.keyword == "WORKDIR":
            workdir = root / instruction.args.lstrip("/")
            workdir.mkdir(parents=True, exist_ok=True)
        elif instruction.keyword == "ENV":
            for pair in instruction.args.split():
                name, _, value = pair.partition("=")
                env[name] = value
        elif instruction.keyword == "COPY" and not instruction.args.startswith("--from"):
            *sources, dest = instruction.args.split()
            target = root / dest.lstrip("/") if dest.startswith("/") else workdir / dest
            copy_from_context(sources, target, dest.endswith("/"), patterns)
        elif instruction.keyword == "RUN":
            result = subprocess.run(
                ["bash", "-c", instruction.args],
                cwd=workdir,
                env=env,
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert result.returncode == 0, f"RUN {instruction.args}\n{result.stdout}{result.stderr}"


@pytest.mark.parametrize("image", list(EXPECTED))
def test_build_stage_runs_on_what_it_copies(
    dockerfiles: dict[str, list[Any]], tmp_path: Path, image: str
) -> None:
    replay_build_stage(dockerfiles[image], tmp_path)
    for relative in EXPECTED[image]:
        assert (tmp_path / relative).exists(), relative
    # Whatever the runtime stage takes from the build stage was produced by it.
    for instruction in dockerfiles[image]:
        if instruction.keyword == "COPY" and instruction.args.startswith("--from=build"):
            source = instruction.args.split()[1]
            assert (tmp_path / source.lstrip("/")).exists(), instruction.args


def test_only_the_sfu_image_holds_the_media_stack(
    dockerfiles: dict[str, list[Any]], tmp_path: Path
) -> None:
    # aiortc, av and aioice (with their native libraries) belong to the embedded SFU's image;
    # the backend's, which LiveKit deployments run, must not carry them.
    media = {"aiortc", "av", "aioice"}
    for image in ("backend", "embedded-sfu"):
        replay_build_stage(dockerfiles[image], tmp_path / image)
        site = next((tmp_path / image / "app/.venv/lib").glob("python3*/site-packages"))
        installed = {path.name for path in site.iterdir()}
        assert (media <= installed) == (image == "embedded-sfu"), (image, media & installed)


def test_dockerignore_matching_is_real() -> None:
    # The replay above is only as honest as its reading of .dockerignore.
    patterns = dockerignore_patterns()
    assert ignored("frontend/node_modules/react/index.js", patterns)
    assert ignored("backend/src/video_rooms/__pycache__/app.cpython-311.pyc", patterns)
    assert ignored(".env", patterns)
    assert not ignored("frontend/src/main.tsx", patterns)
    assert not ignored("backend/src/video_rooms/app.py", patterns)
