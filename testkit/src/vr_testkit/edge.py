"""The front of a full stack, started the same way by every whole-app test (the single-node
e2e stack and the scaled shape): the debug service, and nginx with the repository's
config/nginx.conf rendered by config/render.sh."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from vr_testkit.processes import REPO_ROOT, ManagedProcess, render_config

NGINX_TEMPLATE = REPO_ROOT / "config" / "nginx.conf"


def debug_service(
    workdir: Path,
    *,
    port: int,
    syslog_port: int,
    backend_url: str,
    sfu_health_url: str,
    frontend_url: str,
    env: Mapping[str, str] | None = None,
) -> ManagedProcess:
    """The debug service (not started yet) watching the given services, its database and
    log in `workdir`, with its syslog input on `syslog_port` for nginx's access lines."""
    settings = {
        "DEBUG_PORT": str(port),
        "DEBUG_SYSLOG_PORT": str(syslog_port),
        "DEBUG_DB_PATH": str(workdir / "debug.db"),
        "BACKEND_URL": backend_url,
        "SFU_HEALTH_URL": sfu_health_url,
        "FRONTEND_URL": frontend_url,
        **(env or {}),
    }
    return ManagedProcess(
        "debug-service",
        [sys.executable, "-m", "debug_service"],
        env=settings,
        cwd=workdir,
        log_dir=workdir,
    )


def nginx(workdir: Path, values: Mapping[str, str]) -> ManagedProcess:
    """nginx (not started yet) on config/nginx.conf rendered with `values`, which fill the
    template's placeholders and nothing else, as deployments fill them (an unset one fails)."""
    prefix = workdir / "nginx"
    prefix.mkdir(parents=True)
    conf = prefix / "nginx.conf"
    conf.write_text(render_config(NGINX_TEMPLATE, values))
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    return ManagedProcess(
        "nginx",
        [binary, "-p", str(prefix), "-c", str(conf), "-e", "stderr", "-g", "daemon off;"],
        env={},
        cwd=workdir,
        log_dir=workdir,
    )
