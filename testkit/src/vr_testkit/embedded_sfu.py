"""The embedded SFU (`python -m embedded_sfu`) as a real process on loopback."""

from __future__ import annotations

import secrets
import sys
import tempfile
from collections.abc import Iterator, Mapping
from datetime import timedelta
from pathlib import Path

import httpx
from vr_common.admin_tokens import issue_admin_token
from vr_common.tokens import issue_room_token

from vr_testkit.processes import STARTUP_TIMEOUT, ManagedProcess, free_port


class EmbeddedSfuProcess(ManagedProcess):
    def __init__(
        self,
        *,
        api_key: str = "testkey",
        api_secret: str | None = None,
        port: int | None = None,
        test_hooks: bool = True,
        log_dir: Path | None = None,
        settings: Mapping[str, str] | None = None,
        **env: str,
    ) -> None:
        self.port = port or free_port()
        self.api_key = api_key
        self.api_secret = api_secret or secrets.token_urlsafe(36)
        # Kept across restarts of this process, as `make up` keeps it in data/.
        state_dir = log_dir or Path(tempfile.mkdtemp(prefix="vr-sfu-"))
        self.room_registry_file = state_dir / f"embedded-sfu-rooms-{self.port}.json"
        environment = {
            "EMBEDDED_SFU_ROOM_REGISTRY_FILE": str(self.room_registry_file),
            "EMBEDDED_SFU_HOST": "127.0.0.1",
            "EMBEDDED_SFU_PORT": str(self.port),
            "EMBEDDED_SFU_API_KEY": self.api_key,
            "EMBEDDED_SFU_API_SECRET": self.api_secret,
            "EMBEDDED_SFU_TEST_HOOKS": "true" if test_hooks else "false",
            # Ephemeral media ports unless a test asks for a range: parallel test runs would
            # otherwise all share the default one.
            "EMBEDDED_SFU_UDP_PORTS": "",
            **(settings or {}),
            **env,
        }
        super().__init__(
            "embedded-sfu",
            [sys.executable, "-m", "embedded_sfu"],
            env=environment,
            log_dir=log_dir,
        )

    @property
    def http_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/rtc"

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def admin_headers(self) -> dict[str, str]:
        token = issue_admin_token(self.api_key, self.api_secret, timedelta(minutes=10))
        return {"authorization": f"Bearer {token}"}

    def room_token(self, room_id: str, identity: str, ttl: timedelta = timedelta(minutes=5)) -> str:
        """A join token for `room_id` signed with this SFU's key, as the backend mints one."""
        return issue_room_token(
            api_key=self.api_key,
            api_secret=self.api_secret,
            room_id=room_id,
            participant_id=identity,
            participant_name=identity.title(),
            ttl=ttl,
        )

    def create_room(
        self, room_id: str, *, max_participants: int = 16, empty_timeout_seconds: int = 300
    ) -> None:
        """What the backend does before anyone may join: the SFU serves no other room."""
        response = httpx.put(
            f"{self.http_url}/admin/rooms/{room_id}",
            json={
                "max_participants": max_participants,
                "empty_timeout_seconds": empty_timeout_seconds,
            },
            headers=self.admin_headers(),
            timeout=5,
        )
        response.raise_for_status()

    def start_and_wait(self, timeout: float = STARTUP_TIMEOUT) -> EmbeddedSfuProcess:
        self.start()
        self.wait_http(self.http_url + "/health", timeout=timeout, expect=200)
        return self


def running_sfu(log_dir: Path) -> Iterator[EmbeddedSfuProcess]:
    """The body of a test module's `sfu` fixture: one started SFU, stopped afterwards."""
    process = EmbeddedSfuProcess(log_dir=log_dir)
    process.start_and_wait()
    yield process
    process.stop()


def new_room_id() -> str:
    """A room of the test's own: tests sharing one SFU process do not meet."""
    return "room-" + secrets.token_hex(4)
