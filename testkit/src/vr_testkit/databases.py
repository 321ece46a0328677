"""Real PostgreSQL and Redis servers on loopback, each in its own temporary directory."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from vr_testkit.processes import ManagedProcess, free_port


def _postgres_bin(name: str) -> str:
    for version_dir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (version_dir / name).exists():
            return str(version_dir / name)
    found = shutil.which(name)
    if found is None:
        raise RuntimeError(f"{name} not found: run `make setup` (it installs postgresql)")
    return found


def _as_postgres_user() -> list[str]:
    """PostgreSQL refuses to run as root; drop to the `postgres` user that the apt package made."""
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "postgres", "--"]


@contextlib.contextmanager
def postgres_server() -> Iterator[str]:
    """Yields an asyncpg SQLAlchemy URL of a fresh, empty database."""
    workdir = Path(tempfile.mkdtemp(prefix="vr-postgres-"))
    datadir = workdir / "data"
    if os.geteuid() == 0:
        entry = pwd.getpwnam("postgres")
        os.chown(workdir, entry.pw_uid, entry.pw_gid)
    prefix = _as_postgres_user()
    subprocess.run(
        [
            *prefix,
            _postgres_bin("initdb"),
            "-D",
            str(datadir),
            "-U",
            "vr",
            "--auth=trust",
            "-E",
            "UTF8",
        ],
        check=True,
        capture_output=True,
    )
    port = free_port()
    process = ManagedProcess(
        "postgres",
        [
            *prefix,
            _postgres_bin("postgres"),
            "-D",
            str(datadir),
            "-h",
            "127.0.0.1",
            "-p",
            str(port),
            "-k",
            str(workdir),
            "-c",
            "fsync=off",
        ],
        log_dir=Path(tempfile.mkdtemp(prefix="vr-postgres-log-")),
    )
    with process:
        process.wait_port(port)
        subprocess.run(
            [
                *prefix,
                _postgres_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(port),
                "-U",
                "vr",
                "video_rooms",
            ],
            check=True,
            capture_output=True,
        )
        yield f"postgresql+asyncpg://vr@127.0.0.1:{port}/video_rooms"
    shutil.rmtree(workdir, ignore_errors=True)


@contextlib.contextmanager
def redis_server() -> Iterator[str]:
    """Yields a redis:// URL of a fresh in-memory Redis."""
    workdir = Path(tempfile.mkdtemp(prefix="vr-redis-"))
    port = free_port()
    process = ManagedProcess(
        "redis",
        [
            shutil.which("redis-server") or "/usr/bin/redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(workdir),
        ],
        log_dir=workdir,
    )
    with process:
        process.wait_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    shutil.rmtree(workdir, ignore_errors=True)
