"""docker-compose.yml and docker-compose.scaled.yml, loaded as `docker compose` loads them
(compose-go: interpolation, schema, references) and held to what docs/deploy.md promises."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from video_rooms.api.webhooks import router as webhooks_router
from vr_testkit.processes import REPO_ROOT, render_config

COMPOSE = REPO_ROOT / "docker-compose.yml"
COMPOSE_SCALED = REPO_ROOT / "docker-compose.scaled.yml"
COMPOSE_TURNS = REPO_ROOT / "docker-compose.turns.yml"
ENV_EXAMPLE = REPO_ROOT / "env.example"
LIVEKIT_TEMPLATE = REPO_ROOT / "config" / "livekit.yaml"
PLACEHOLDER = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
REQUIRED_SECRETS = [
    "LIVEKIT_API_KEY",
    "LIVEKIT_API_SECRET",
    "SECRET_KEY_BASE",
    "ADMIN_TOKEN",
    "DEBUG_TOKEN",
]


def services_with_role(project: Any, role: str) -> dict[str, Any]:
    return {
        name: service
        for name, service in project["services"].items()
        if service.get("labels", {}).get("video-rooms.role") == role
    }


def published(service: Any, protocol: str) -> list[tuple[int, int]]:
    """(host port, container port) pairs of one protocol."""
    return [
        (int(port["published"]), int(port["target"]))
        for port in service.get("ports", [])
        if port.get("protocol", "tcp") == protocol
    ]


# -- Both shapes load and meet the policy (tools/compose-check/policy.go) -----------------------


def test_single_shape_is_valid(compose_check: Callable[..., Any]) -> None:
    result = compose_check([COMPOSE])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


def test_scaled_shape_is_valid(compose_check: Callable[..., Any], scaled_env_file: Path) -> None:
    result = compose_check([COMPOSE, COMPOSE_SCALED], [ENV_EXAMPLE, scaled_env_file])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("secret", REQUIRED_SECRETS)
def test_a_missing_secret_stops_compose_with_its_name(
    compose_check: Callable[..., Any], env_example: dict[str, str], tmp_path: Path, secret: str
) -> None:
    values = {name: value for name, value in env_example.items() if name != secret}
    env_file = tmp_path / "partial.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    result = compose_check([COMPOSE], [env_file])
    assert result.returncode != 0
    assert f"required variable {secret} is missing a value: set {secret} in .env" in result.stderr


def test_scaled_shape_needs_a_postgres_password(compose_check: Callable[..., Any]) -> None:
    # env.example leaves it empty on purpose: no development default for a secret nothing refuses.
    result = compose_check([COMPOSE, COMPOSE_SCALED], [ENV_EXAMPLE])
    assert result.returncode != 0
    assert "required variable POSTGRES_PASSWORD is missing a value" in result.stderr


# Each promise of the policy, broken once, must be reported: the check can fail.
def _drop_healthcheck(compose: Any) -> None:
    del compose["services"]["backend"]["healthcheck"]


def _no_restart(compose: Any) -> None:
    compose["services"]["nginx"]["restart"] = "no"


def _root_user(compose: Any) -> None:
    compose["services"]["livekit"]["user"] = "0:0"


def _no_user(compose: Any) -> None:
    del compose["services"]["debug-service"]["user"]


def _started_only(compose: Any) -> None:
    compose["services"]["nginx"]["depends_on"]["backend"]["condition"] = "service_started"


def _publish_backend(compose: Any) -> None:
    compose["services"]["backend"]["ports"] = ["4000:4000"]


def _floating_tag(compose: Any) -> None:
    compose["services"]["livekit"]["image"] = "livekit/livekit-server:latest"


def _unknown_dependency(compose: Any) -> None:
    compose["services"]["nginx"]["depends_on"]["frontend"] = {"condition": "service_healthy"}


def _not_in_schema(compose: Any) -> None:
    compose["services"]["nginx"]["restart_policy"] = "always"


@pytest.mark.parametrize(
    ("break_it", "expected"),
    [
        (_drop_healthcheck, "service backend: no healthcheck"),
        (_no_restart, 'service nginx: restart is "no"'),
        (_root_user, 'service livekit: user is "0:0"'),
        (_no_user, 'service debug-service: user is ""'),
        (_started_only, 'depends on backend with condition "service_started"'),
        (_publish_backend, "service backend: publishes ports without"),
        (_floating_tag, "is not pinned to an exact version tag"),
        (_unknown_dependency, "frontend"),
        (_not_in_schema, "restart_policy"),
    ],
)
def test_a_broken_promise_is_reported(
    compose_check: Callable[..., Any],
    tmp_path: Path,
    break_it: Callable[[Any], None],
    expected: str,
) -> None:
    compose = yaml.safe_load(COMPOSE.read_text())
    break_it(compose)
    broken = tmp_path / "docker-compose.yml"
    broken.write_text(yaml.safe_dump(compose, sort_keys=False))
    result = compose_check([broken], project_dir=REPO_ROOT)
    assert result.returncode != 0
    assert expected in result.stderr


# -- The single shape ---------------------------------------------------------------------------


def test_nginx_is_the_one_public_http_origin(single_project: Any) -> None:
    nginx = single_project["services"]["nginx"]
    assert published(nginx, "tcp") == [(80, 8080)]
    assert published(nginx, "udp") == []
    for name in ("backend", "debug-service"):
        assert single_project["services"][name].get("ports", []) == [], name


def test_nginx_upstreams_are_the_services_ports(single_project: Any) -> None:
    services = single_project["services"]
    nginx_env = services["nginx"]["environment"]
    assert nginx_env["BACKEND_SERVERS"] == (
        f"server backend:{services['backend']['environment']['PORT']};"
    )
    debug = urlsplit("http://" + nginx_env["DEBUG_UPSTREAM"])
    assert debug.hostname == "debug-service"
    assert str(debug.port) == services["debug-service"]["environment"]["DEBUG_PORT"]
    syslog = urlsplit("http://" + nginx_env["DEBUG_SYSLOG"])
    assert syslog.hostname == "debug-service"
    assert str(syslog.port) == services["debug-service"]["environment"]["DEBUG_SYSLOG_PORT"]
    sfu = urlsplit("http://" + nginx_env["SFU_UPSTREAM"])
    assert sfu.hostname == "livekit"


def test_the_data_volume_holds_both_databases(single_project: Any) -> None:
    assert "data" in single_project["volumes"]
    for name in ("backend", "debug-service"):
        mounts = single_project["services"][name]["volumes"]
        assert {"type": "volume", "source": "data", "target": "/data"}.items() <= mounts[0].items()
    backend_env = single_project["services"]["backend"]["environment"]
    debug_env = single_project["services"]["debug-service"]["environment"]
    assert backend_env["DATABASE_URL"] == "sqlite+aiosqlite:////data/video_rooms.db"
    assert debug_env["DEBUG_DB_PATH"].startswith("/data/")


def test_our_services_run_read_only_with_a_tmpfs(single_project: Any) -> None:
    for name in ("nginx", "backend", "debug-service", "livekit"):
        service = single_project["services"][name]
        assert service.get("read_only") is True, name
        assert "/tmp" in service.get("tmpfs", []), name


def test_livekit_renders_the_repository_config(single_project: Any) -> None:
    livekit = single_project["services"]["livekit"]
    assert livekit["image"] == "livekit/livekit-server:v1.13.5"
    mounts = {m["target"]: m for m in livekit["volumes"]}
    assert mounts["/etc/video-rooms/livekit.yaml"]["source"] == str(LIVEKIT_TEMPLATE)
    assert mounts["/etc/video-rooms/render.sh"]["source"] == str(REPO_ROOT / "config/render.sh")
    assert all(m.get("read_only") for m in mounts.values())
    script = " ".join(livekit["entrypoint"])
    assert "render.sh /etc/video-rooms/livekit.yaml > /tmp/livekit.yaml &&" in script
    assert "exec /livekit-server --config /tmp/livekit.yaml" in script
    # render.sh stops on an unset placeholder; compose must give every one of them.
    placeholders = set(PLACEHOLDER.findall(LIVEKIT_TEMPLATE.read_text()))
    assert placeholders <= set(livekit["environment"]), placeholders - set(livekit["environment"])


def test_livekit_publishes_the_ports_it_advertises(single_project: Any) -> None:
    livekit = single_project["services"]["livekit"]
    env = livekit["environment"]
    udp = published(livekit, "udp")
    start, end = int(env["LIVEKIT_UDP_PORT_START"]), int(env["LIVEKIT_UDP_PORT_END"])
    turn_udp = int(env["LIVEKIT_TURN_UDP_PORT"])
    # ICE candidates carry the port LiveKit listens on, so host and container port must agree;
    # exactly the media range and TURN/UDP, nothing else.
    assert udp == [(port, port) for port in range(start, end + 1)] + [(turn_udp, turn_udp)]
    assert env["LIVEKIT_TURN_ENABLED"] == "true"
    # TURN/TLS needs a certificate: off here, on with docker-compose.turns.yml.
    assert env["LIVEKIT_TURN_TLS_PORT"] == "0"
    tcp = published(livekit, "tcp")
    assert sorted(tcp) == sorted(
        [(int(env["LIVEKIT_TCP_PORT"]),) * 2, (int(env["LIVEKIT_PORT"]),) * 2]
    )


def test_turns_overlay_publishes_443_for_livekits_tls_listener(
    compose_check: Callable[..., Any], env_example: dict[str, str], tmp_path: Path
) -> None:
    certs = tmp_path / "certs"
    certs.mkdir()
    env_file = tmp_path / "turns.env"
    values = {
        **env_example,
        "LIVEKIT_TURN_DOMAIN": "turn.example.com",
        "LIVEKIT_TURN_TLS_ADDRESS": "203.0.113.11",
        "LIVEKIT_TURN_CERT_DIR": str(certs),
    }
    env_file.write_text("".join(f"{name}={value}\n" for name, value in values.items()))
    result = compose_check([COMPOSE, COMPOSE_TURNS], [env_file], as_json=True)
    assert result.returncode == 0, result.stderr
    livekit = json.loads(result.stdout)["services"]["livekit"]
    env = livekit["environment"]
    tls_port = int(env["LIVEKIT_TURN_TLS_PORT"])
    # LiveKit tells browsers turns:<domain>:443 whatever it listens on.
    tls = [
        p for p in livekit["ports"] if p.get("protocol", "tcp") == "tcp" and p["published"] == "443"
    ]
    assert [(p["host_ip"], int(p["target"])) for p in tls] == [("203.0.113.11", tls_port)]
    assert env["LIVEKIT_TURN_DOMAIN"] == "turn.example.com"
    mounts = {m["target"]: m for m in livekit["volumes"]}
    turn_dir = str(Path(env["LIVEKIT_TURN_CERT_FILE"]).parent)
    assert mounts[turn_dir]["source"] == str(certs)
    assert mounts[turn_dir].get("read_only") is True
    config = yaml.safe_load(render_config(LIVEKIT_TEMPLATE, env))
    assert config["turn"]["tls_port"] == tls_port
    assert config["turn"]["cert_file"].startswith(turn_dir + "/")


def test_turns_overlay_needs_its_domain(compose_check: Callable[..., Any]) -> None:
    result = compose_check([COMPOSE, COMPOSE_TURNS], [ENV_EXAMPLE])
    assert result.returncode != 0
    assert "LIVEKIT_TURN_DOMAIN" in result.stderr


def test_backend_and_livekit_share_keys_and_webhook(single_project: Any) -> None:
    backend = single_project["services"]["backend"]["environment"]
    livekit = single_project["services"]["livekit"]["environment"]
    assert backend["LIVEKIT_API_KEY"] == livekit["LIVEKIT_API_KEY"]
    assert backend["LIVEKIT_API_SECRET"] == livekit["LIVEKIT_API_SECRET"]
    assert urlsplit(backend["LIVEKIT_URL"]).hostname == "livekit"
    assert urlsplit(backend["LIVEKIT_URL"]).port == int(livekit["LIVEKIT_PORT"])
    webhook = urlsplit(livekit["LIVEKIT_WEBHOOK_URL"])
    assert (webhook.hostname, str(webhook.port)) == ("backend", backend["PORT"])
    routes = {getattr(route, "path", None) for route in webhooks_router.routes}
    assert webhook.path in routes


def test_start_order_follows_the_request_path(single_project: Any) -> None:
    services = single_project["services"]
    assert set(services["nginx"]["depends_on"]) == {"backend", "debug-service"}
    assert set(services["backend"]["depends_on"]) == {"debug-service", "livekit"}
    assert services["debug-service"].get("depends_on", {}) == {}
    assert services["livekit"].get("depends_on", {}) == {}


# -- The scaled shape ---------------------------------------------------------------------------


def test_scaled_runs_two_backends_on_postgres_and_redis(scaled_project: Any) -> None:
    services = scaled_project["services"]
    backend = services["backend"]
    assert backend["deploy"]["replicas"] == 2
    database = urlsplit(backend["environment"]["DATABASE_URL"])
    assert database.scheme == "postgresql+asyncpg"
    assert database.hostname == "postgres"
    assert database.password == services["postgres"]["environment"]["POSTGRES_PASSWORD"]
    assert database.path.lstrip("/") == services["postgres"]["environment"]["POSTGRES_DB"]
    assert urlsplit(backend["environment"]["REDIS_URL"]).hostname == "redis"
    migrate = services["migrate"]
    assert migrate["environment"]["DATABASE_URL"] == backend["environment"]["DATABASE_URL"]
    assert backend["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert migrate["build"]["dockerfile"] == backend["build"]["dockerfile"]


def test_scaled_runs_two_livekit_nodes_sharing_redis(scaled_project: Any) -> None:
    nodes = services_with_role(scaled_project, "livekit")
    assert len(nodes) == 2
    assert {node["environment"]["LIVEKIT_REDIS_ADDRESS"] for node in nodes.values()} == {
        "redis:6379"
    }
    keys = {
        (node["environment"]["LIVEKIT_API_KEY"], node["environment"]["LIVEKIT_API_SECRET"])
        for node in nodes.values()
    }
    assert len(keys) == 1, "the nodes of one cluster must accept the same tokens"
    # Both advertise the same host address, so no host port may be shared between them.
    host_ports = [
        (port["published"], port.get("protocol"))
        for node in nodes.values()
        for port in node["ports"]
    ]
    assert len(host_ports) == len(set(host_ports))
    for node in nodes.values():
        env = node["environment"]
        udp = published(node, "udp")
        start, end = int(env["LIVEKIT_UDP_PORT_START"]), int(env["LIVEKIT_UDP_PORT_END"])
        # One node runs the TURN relay; the other publishes its media ports only.
        turn = [(port, port) for port in [int(env["LIVEKIT_TURN_UDP_PORT"])] if port]
        assert udp == [(port, port) for port in range(start, end + 1)] + turn
        assert (int(env["LIVEKIT_TCP_PORT"]),) * 2 in published(node, "tcp")
    assert (
        sum(node["environment"]["LIVEKIT_TURN_ENABLED"] == "true" for node in nodes.values()) == 1
    )


def test_scaled_keeps_datastores_private(scaled_project: Any) -> None:
    for name in ("postgres", "redis", "migrate", "backend", "debug-service"):
        assert scaled_project["services"][name].get("ports", []) == [], name
    assert "postgres-data" in scaled_project["volumes"]
