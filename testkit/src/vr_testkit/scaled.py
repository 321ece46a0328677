"""The scaled shape of docker-compose.scaled.yml on loopback, from real processes: one
PostgreSQL and one Redis shared by two backend replicas and two LiveKit nodes, the debug
service, and one nginx (config/nginx.conf) balancing between the replicas.

Replica N is configured with LiveKit node N (server API and public URL), so the `sfu.url` of
a join answer says which replica answered it and which node the browser signals to. Both
nodes send their webhooks through nginx, as a deployment behind one origin does.
"""

from __future__ import annotations

import contextlib
import json
import secrets
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from livekit import api
from redis import Redis

from vr_testkit import edge
from vr_testkit.databases import postgres_server, redis_server
from vr_testkit.livekit import LiveKitServer
from vr_testkit.loopback_app import LoopbackApp
from vr_testkit.services import BackendProcess, backend_process

REPLICAS = 2


@dataclass
class ScaledStack(LoopbackApp):
    frontend_dist: Path
    database_url: str
    redis_url: str
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="vr-scaled-")))
    api_key: str = "testkey"
    api_secret: str = field(default_factory=lambda: secrets.token_urlsafe(36))
    livekit_nodes: list[LiveKitServer] = field(default_factory=list)
    backends: list[BackendProcess] = field(default_factory=list)

    def start(self) -> ScaledStack:
        for number in range(1, REPLICAS + 1):
            node = LiveKitServer(
                api_key=self.api_key,
                api_secret=self.api_secret,
                redis_url=self.redis_url,
                webhook_urls=[f"{self.url}/api/webhooks/livekit"],
                workdir=self.workdir / f"livekit-{number}",
                debug_service_url=self.debug_url,
            )
            node.workdir.mkdir(parents=True)
            self.livekit_nodes.append(node)
            node.start()
            assert node.process is not None
            node.process.name = f"livekit-{number}"

        debug = self._started(
            edge.debug_service(
                self.workdir,
                port=self.debug_port,
                syslog_port=self.debug_syslog_port,
                backend_url=self.url,
                sfu_health_url=self.livekit_nodes[0].http_url + "/",
                frontend_url=self.url,
            )
        )

        # Migrations once, before the replicas start (two replicas migrating the same
        # database at the same moment would race), as docker-compose.scaled.yml's `migrate`.
        subprocess.run(
            [sys.executable, "-m", "video_rooms.db.migrate", self.database_url],
            cwd=self.workdir,
            check=True,
            capture_output=True,
        )
        for number, node in enumerate(self.livekit_nodes, start=1):
            replica = backend_process(
                node,
                self.database_url,
                log_dir=self.workdir / f"backend-{number}",
                REDIS_URL=self.redis_url,
                DEBUG_SERVICE_URL=self.debug_url,
            )
            replica.name = f"backend-{number}"
            replica.cwd = self.workdir
            self.backends.append(replica)
            self.processes.append(replica)
            replica.start()
        for replica in self.backends:
            replica.wait_http(replica.url + "/api/health", expect=200)
        debug.wait_http(self.debug_url + "/api/health", expect=200)

        proxy = self._started(
            edge.nginx(
                self.workdir,
                {
                    "LISTEN_PORT": f"127.0.0.1:{self.http_port}",
                    "STATIC_ROOT": str(self.frontend_dist),
                    "BACKEND_SERVERS": " ".join(
                        f"server 127.0.0.1:{replica.port};" for replica in self.backends
                    ),
                    "DEBUG_UPSTREAM": f"127.0.0.1:{self.debug_port}",
                    "DEBUG_SYSLOG": f"127.0.0.1:{self.debug_syslog_port}",
                    "SFU_UPSTREAM": f"127.0.0.1:{self.livekit_nodes[0].port}",
                    # Each replica hands out its own node's URL: browsers connect to both.
                    "CSP_CONNECT_SRC": " ".join(node.ws_url for node in self.livekit_nodes),
                },
            )
        )
        proxy.wait_http(self.url + "/", expect=200)
        return self

    def stop(self) -> None:
        for process in reversed(self.processes):
            process.stop()
        for node in reversed(self.livekit_nodes):
            node.stop()

    def logs(self) -> str:
        """Every server's output, for a failing test's report."""
        running = [*self.processes, *(n.process for n in self.livekit_nodes if n.process)]
        return "\n".join(f"--- {p.name} ---\n{p.output()[-3000:]}" for p in running)

    def replica_of(self, join_answer: dict[str, Any]) -> int:
        """Which replica (0 or 1) gave this create/join answer: each hands out its own node."""
        urls = [node.ws_url for node in self.livekit_nodes]
        url = join_answer["sfu"]["url"]
        assert url in urls, f"sfu.url {url!r} is none of the nodes {urls}"
        return urls.index(url)

    def presences(self, room_id: str) -> dict[str, set[tuple[str, str]]]:
        """Participant id -> its presences in the room's channel, each as (realtime node id,
        phx_ref), read from the Redis the replicas share. A node id is one backend process."""
        with contextlib.closing(Redis.from_url(self.redis_url, decode_responses=True)) as redis:
            fields = redis.hgetall(f"vr:rt:presence:room:{room_id}")
        found: dict[str, set[tuple[str, str]]] = {}
        for name, value in fields.items():
            node, ref = str(name).split("|", 1)
            found.setdefault(json.loads(value)[0], set()).add((node, ref))
        return found

    def livekit_identities(self, node: LiveKitServer, room_id: str) -> set[str]:
        """The identities connected to `room_id`, as `node` reports them (a room lives on one
        node; the others answer through Redis)."""
        grant = api.VideoGrants(room_admin=True, room=room_id)
        token = api.AccessToken(self.api_key, self.api_secret).with_grants(grant).to_jwt()
        response = httpx.post(
            f"{node.http_url}/twirp/livekit.RoomService/ListParticipants",
            json={"room": room_id},
            headers={"Authorization": f"Bearer {token}"},
            timeout=5.0,
        )
        response.raise_for_status()
        return {p["identity"] for p in response.json().get("participants", [])}


@contextlib.contextmanager
def scaled_stack(frontend_dist: Path) -> Iterator[ScaledStack]:
    """PostgreSQL and Redis, then the rest of the scaled shape; all stopped on the way out."""
    with postgres_server() as database_url, redis_server() as redis_url:
        stack = ScaledStack(frontend_dist, database_url, redis_url)
        try:
            stack.start()
            yield stack
        finally:
            stack.stop()
