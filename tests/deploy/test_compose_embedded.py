"""docker-compose.embedded.yml on top of docker-compose.yml: the embedded SFU and coturn as
compose services, loaded as `docker compose` loads them (compose-go) and held to what
`make up` runs: nginx proxies /rtc to the SFU, coturn runs scripts/coturn.sh on
config/turnserver.conf, and the SFU hands out credentials coturn accepts."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from embedded_sfu.settings import EmbeddedSfuSettings
from video_rooms.api.webhooks import router as webhooks_router
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port, free_udp_range, render_config

from .conftest import ENV_EXAMPLE, parse_dockerfile, read_env_file, write_env_file
from .test_turn_servers import _allocate

COMPOSE = REPO_ROOT / "docker-compose.yml"
COMPOSE_EMBEDDED = REPO_ROOT / "docker-compose.embedded.yml"
COTURN_DOCKERFILE = REPO_ROOT / "config" / "coturn.Dockerfile"
PUBLIC_ADDRESS = "203.0.113.20"


def ports(service: Any, protocol: str) -> list[tuple[int, int]]:
    return [
        (int(port["published"]), int(port["target"]))
        for port in service.get("ports", [])
        if port.get("protocol", "tcp") == protocol
    ]


def port_range(text: str) -> list[int]:
    first, last = (int(part) for part in text.split("-"))
    return list(range(first, last + 1))


@pytest.fixture(scope="module")
def embedded_env_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What an operator adds to env.example for this shape: coturn's secret and the address."""
    path = tmp_path_factory.mktemp("env") / "embedded.env"
    return write_env_file(
        path, {"TURN_SECRET": secrets.token_hex(32), "EMBEDDED_SFU_ADVERTISED_IP": PUBLIC_ADDRESS}
    )


@pytest.fixture(scope="module")
def project(compose_check: Callable[..., Any], embedded_env_file: Path) -> Any:
    result = compose_check(
        [COMPOSE, COMPOSE_EMBEDDED], [ENV_EXAMPLE, embedded_env_file], as_json=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_shape_is_valid(
    compose_check: Callable[..., Any], embedded_env_file: Path
) -> None:
    result = compose_check([COMPOSE, COMPOSE_EMBEDDED], [ENV_EXAMPLE, embedded_env_file])
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""


@pytest.mark.parametrize("name", ["TURN_SECRET", "EMBEDDED_SFU_ADVERTISED_IP"])
def test_the_shape_stops_without_its_secret_or_address(
    compose_check: Callable[..., Any], embedded_env_file: Path, tmp_path: Path, name: str
) -> None:
    values = {**read_env_file(ENV_EXAMPLE), **read_env_file(embedded_env_file)}
    del values[name]
    env_file = write_env_file(tmp_path / "partial.env", values)
    result = compose_check([COMPOSE, COMPOSE_EMBEDDED], [env_file])
    assert result.returncode != 0
    assert f"required variable {name} is missing a value: set {name} in .env" in result.stderr


def test_the_embedded_sfu_replaces_livekit(project: Any) -> None:
    services = project["services"]
    assert set(services) == {"nginx", "backend", "debug-service", "embedded-sfu", "coturn"}
    sfu_port = int(services["embedded-sfu"]["environment"]["EMBEDDED_SFU_PORT"])
    backend = services["backend"]["environment"]
    assert backend["SFU_PROVIDER"] == "embedded"
    admin = urlsplit(backend["EMBEDDED_SFU_URL"])
    assert (admin.hostname, admin.port) == ("embedded-sfu", sfu_port)
    assert backend["EMBEDDED_SFU_PUBLIC_URL"] == "/rtc"
    assert set(services["backend"]["depends_on"]) == {"debug-service", "embedded-sfu"}
    health = urlsplit(services["debug-service"]["environment"]["SFU_HEALTH_URL"])
    assert (health.hostname, health.port, health.path) == ("embedded-sfu", sfu_port, "/health")
    sfu = services["embedded-sfu"]["environment"]
    assert (sfu["EMBEDDED_SFU_API_KEY"], sfu["EMBEDDED_SFU_API_SECRET"]) == (
        backend["LIVEKIT_API_KEY"],
        backend["LIVEKIT_API_SECRET"],
    )
    webhook = urlsplit(sfu["EMBEDDED_SFU_WEBHOOK_URL"])
    assert (webhook.hostname, str(webhook.port)) == ("backend", backend["PORT"])
    assert webhook.path in {getattr(route, "path", None) for route in webhooks_router.routes}
    assert sfu["EMBEDDED_SFU_ROOM_REGISTRY_FILE"].startswith("/data/")
    assert {"type": "volume", "source": "data", "target": "/data"}.items() <= (
        services["embedded-sfu"]["volumes"][0].items()
    )


def test_nginx_routes_rtc_to_the_embedded_sfu(project: Any) -> None:
    nginx_env = project["services"]["nginx"]["environment"]
    sfu_port = project["services"]["embedded-sfu"]["environment"]["EMBEDDED_SFU_PORT"]
    assert nginx_env["SFU_UPSTREAM"] == f"embedded-sfu:{sfu_port}"
    # The image's config, rendered with this environment as its entrypoint renders it.
    env = {
        "LISTEN_PORT": "8080",
        "STATIC_ROOT": "/usr/share/video-rooms",
        "CSP_CONNECT_SRC": "",
        **{k: v for k, v in nginx_env.items() if v is not None},
    }
    conf = render_config(REPO_ROOT / "config" / "nginx.conf", env)
    upstream = re.search(r"upstream sfu \{\s*server ([^;]+);", conf)
    assert upstream is not None and upstream.group(1) == f"embedded-sfu:{sfu_port}"
    rtc = re.search(r"location /rtc \{([^}]*)\}", conf)
    assert rtc is not None and "proxy_pass http://sfu;" in rtc.group(1)


def test_each_publishes_the_ports_it_advertises(project: Any) -> None:
    sfu, coturn = project["services"]["embedded-sfu"], project["services"]["coturn"]
    media = port_range(sfu["environment"]["EMBEDDED_SFU_UDP_PORTS"])
    # Candidates carry the bound port, so host and container numbers agree; signalling is
    # reached through nginx only.
    assert ports(sfu, "udp") == [(port, port) for port in media]
    assert ports(sfu, "tcp") == []
    env = coturn["environment"]
    turn_port = int(env["TURN_PORT"])
    relay = list(range(int(env["TURN_RELAY_PORT_START"]), int(env["TURN_RELAY_PORT_END"]) + 1))
    assert ports(coturn, "udp") == [(turn_port, turn_port)] + [(p, p) for p in relay]
    assert ports(coturn, "tcp") == [(turn_port, turn_port)]
    assert not set(media) & set(relay)
    # The URLs browsers get name the relay at the public address on that published port.
    urls = sfu["environment"]["EMBEDDED_SFU_TURN_URLS"].split(",")
    assert urls == [
        f"turn:{PUBLIC_ADDRESS}:{turn_port}?transport=udp",
        f"turn:{PUBLIC_ADDRESS}:{turn_port}?transport=tcp",
    ]
    assert env["TURN_ADDRESS"] == env["TURN_EXTERNAL_IP"] == PUBLIC_ADDRESS
    assert sfu["environment"]["EMBEDDED_SFU_ADVERTISED_IP"] == PUBLIC_ADDRESS
    assert env["TURN_SECRET"] == sfu["environment"]["EMBEDDED_SFU_TURN_SECRET"]


def test_coturn_listens_on_its_address_and_relays_only_to_the_sfu(project: Any) -> None:
    subnet = ipaddress.ip_network(project["networks"]["default"]["ipam"]["config"][0]["subnet"])
    sfu_ip = project["services"]["embedded-sfu"]["networks"]["default"]["ipv4_address"]
    coturn = project["services"]["coturn"]
    coturn_ip = coturn["networks"]["default"]["ipv4_address"]
    assert ipaddress.ip_address(sfu_ip) in subnet and ipaddress.ip_address(coturn_ip) in subnet
    assert coturn["environment"]["TURN_LISTEN_ADDRESS"] == coturn_ip
    assert coturn["environment"]["TURN_ALLOWED_PEER_IP"] == sfu_ip
    conf = render_config(
        REPO_ROOT / "config" / "turnserver.conf",
        {
            **coturn["environment"],
            "TURN_TLS_PORT": "5349",
            "TURN_CERT_FILE": "/tmp/turn/turn.crt",
            "TURN_KEY_FILE": "/tmp/turn/turn.key",
            "TURN_REALM": "video-rooms",
            "TURN_PID_FILE": "/tmp/turn/turnserver.pid",
            "TURN_DB_FILE": "/tmp/turn/turndb",
        },
    )
    assert f"listening-ip={coturn_ip}\n" in conf
    assert f"allowed-peer-ip={sfu_ip}\n" in conf
    assert f"external-ip={PUBLIC_ADDRESS}\n" in conf


def test_the_sfu_starts_in_production_on_compose_s_environment(
    project: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {
        **project["services"]["embedded-sfu"]["environment"],
        "APP_ENV": "production",
        "EMBEDDED_SFU_API_KEY": "vr-prod",
        "EMBEDDED_SFU_API_SECRET": secrets.token_hex(32),
    }
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = EmbeddedSfuSettings(_env_file=None)  # type: ignore[call-arg]
    assert settings.production_problems() == []
    assert settings.host == "0.0.0.0"
    relay = settings.turn_relay()
    assert relay is not None and relay.urls == env["EMBEDDED_SFU_TURN_URLS"].split(",")


def test_the_coturn_image_runs_make_up_s_script(project: Any) -> None:
    instructions = parse_dockerfile(COTURN_DOCKERFILE)
    by_keyword: dict[str, list[str]] = {}
    for instruction in instructions:
        by_keyword.setdefault(instruction.keyword, []).append(instruction.args)
    assert by_keyword["FROM"] == ["debian:12.12-slim"]
    # Debian's coturn, the package scripts/setup.sh installs for `make up`.
    assert "coturn" in (REPO_ROOT / "scripts" / "setup.sh").read_text()
    assert any("apt-get install" in run and " coturn " in run for run in by_keyword["RUN"])
    copied = [word for args in by_keyword["COPY"] for word in args.split()[:-1]]
    assert set(copied) == {"scripts/coturn.sh", "config/turnserver.conf", "config/render.sh"}
    cmd = [i for i in instructions if i.keyword == "CMD"][-1].exec_form()
    assert cmd == ["bash", "scripts/coturn.sh"]
    coturn = project["services"]["coturn"]
    assert coturn["build"] == {"context": str(REPO_ROOT), "dockerfile": "config/coturn.Dockerfile"}
    assert by_keyword["USER"] == [coturn["user"]]
    image_check = [i for i in instructions if i.keyword == "HEALTHCHECK"][-1].exec_form()
    assert coturn["healthcheck"]["test"] == ["CMD", *image_check]
    assert coturn.get("read_only") is True and "/tmp" in coturn["tmpfs"]
    assert coturn["environment"]["TURN_DIR"].startswith("/tmp/")


def test_compose_s_coturn_relays_for_the_compose_sfu_s_credentials(
    project: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # scripts/coturn.sh with the coturn service's environment, moved to loopback and free
    # ports (no Docker engine here), and credentials minted by the SFU from its environment.
    coturn_env = project["services"]["coturn"]["environment"]
    port, relay_start = free_port(), free_udp_range(10)
    env = {
        **coturn_env,
        "TURN_ADDRESS": "127.0.0.1",
        "TURN_LISTEN_ADDRESS": "127.0.0.1",
        "TURN_EXTERNAL_IP": "127.0.0.1",
        "TURN_ALLOWED_PEER_IP": "127.0.0.1",
        "TURN_DIR": str(tmp_path / "turn"),
        "TURN_PORT": str(port),
        "TURN_TLS_PORT": str(free_port()),
        "TURN_RELAY_PORT_START": str(relay_start),
        "TURN_RELAY_PORT_END": str(relay_start + 9),
    }
    for name, value in project["services"]["embedded-sfu"]["environment"].items():
        monkeypatch.setenv(name, value)
    relay = EmbeddedSfuSettings(_env_file=None).turn_relay()  # type: ignore[call-arg]
    assert relay is not None
    username, password = relay.credentials("p_alice")
    process = ManagedProcess(
        "coturn", _image_cmd(), env=env, log_dir=tmp_path, cwd=REPO_ROOT
    ).start()
    try:
        process.wait_port(port, timeout=20)
        for transport in ("udp", "tcp"):
            host, relay_port = asyncio.run(
                _allocate(("127.0.0.1", port), username, password, transport=transport)
            )
            assert host == "127.0.0.1"
            assert relay_start <= relay_port <= relay_start + 9
    finally:
        process.stop()


def _image_cmd() -> list[str]:
    return [i for i in parse_dockerfile(COTURN_DOCKERFILE) if i.keyword == "CMD"][-1].exec_form()
