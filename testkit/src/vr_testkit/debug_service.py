"""Run the real debug service (`debug-service` console script) as a child process."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Mapping
from pathlib import Path

from vr_testkit.processes import ManagedProcess, free_port


def debug_service_argv() -> list[str]:
    script = shutil.which("debug-service") or str(Path(sys.executable).parent / "debug-service")
    return [script]


class DebugServiceProcess(ManagedProcess):
    """The debug service on a free loopback port, storing in `db_path`."""

    def __init__(
        self,
        db_path: Path,
        *,
        port: int | None = None,
        env: Mapping[str, str] | None = None,
        log_dir: Path | None = None,
    ) -> None:
        self.port = port or free_port()
        self.db_path = db_path
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/ws"
        settings = {
            "APP_ENV": "development",
            "DEBUG_HOST": "127.0.0.1",
            "DEBUG_PORT": str(self.port),
            "DEBUG_DB_PATH": str(db_path),
            # Nothing else runs in a test unless the test says so.
            "BACKEND_URL": "",
            "SFU_HEALTH_URL": "",
            "FRONTEND_URL": "",
            # No syslog input unless asked for: a fixed UDP port would collide between runs.
            "DEBUG_SYSLOG_PORT": "0",
            **(env or {}),
        }
        super().__init__("debug-service", debug_service_argv(), env=settings, log_dir=log_dir)

    def start(self) -> DebugServiceProcess:
        super().start()
        self.wait_http(f"{self.base_url}/api/health", expect=200)
        return self

    def __enter__(self) -> DebugServiceProcess:
        return self.start()
