"""Real PostgreSQL and Redis servers on loopback, each in its own temporary directory."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
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


def _wait_accepting(process: ManagedProcess, port: int, timeout: float = 30.0) -> None:
    """PostgreSQL listens before it accepts connections ("the database system is starting
    up"), so an open port is not enough: ask it, as `pg_isready` does."""
    deadline = time.monotonic() + timeout
    while True:
        if not process.running:
            raise RuntimeError(f"postgres exited early:\n{process.output()[-4000:]}")
        ready = subprocess.run(
            [_postgres_bin("pg_isready"), "-h", "127.0.0.1", "-p", str(port), "-U", "vr"],
            capture_output=True,
            check=False,
        )
        if ready.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"postgres not ready on port {port}\n{process.output()[-4000:]}")
        time.sleep(0.1)


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
        _wait_accepting(process, port)
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
