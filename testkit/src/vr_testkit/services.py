"""Our own services as real processes, started the way operators start them."""

from __future__ import annotations

import sys
from pathlib import Path

from vr_testkit.api import ADMIN_TOKEN
from vr_testkit.livekit import LiveKitServer
from vr_testkit.processes import STARTUP_TIMEOUT, ManagedProcess, free_port


class BackendProcess(ManagedProcess):
    def __init__(self, port: int, env: dict[str, str], log_dir: Path | None) -> None:
        super().__init__("backend", [sys.executable, "-m", "video_rooms"], env=env, log_dir=log_dir)
        self.port = port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start_and_wait(self, timeout: float = STARTUP_TIMEOUT) -> BackendProcess:
        self.start()
        self.wait_http(self.url + "/api/health", timeout=timeout, expect=200)
        return self


def backend_process(
    livekit: LiveKitServer,
    database_url: str,
    *,
    port: int | None = None,
    log_dir: Path | None = None,
    **env: str,
) -> BackendProcess:
    """The backend (`python -m video_rooms`) on loopback, configured for `livekit`.
    Extra keyword arguments become environment variables (`APP_ENV="production"`, ...)."""
    port = port or free_port()
    environment = {
        "PORT": str(port),
        "HOST": "127.0.0.1",
        "DATABASE_URL": database_url,
        "LIVEKIT_API_KEY": livekit.api_key,
        "LIVEKIT_API_SECRET": livekit.api_secret,
        "LIVEKIT_URL": livekit.http_url,
        "LIVEKIT_PUBLIC_URL": livekit.ws_url,
        "ADMIN_TOKEN": ADMIN_TOKEN,
        "SFU_HEALTH_TTL_SECONDS": "0.2",
        **env,
    }
    return BackendProcess(port, environment, log_dir)
