"""config/nginx.conf and config/livekit.yaml rendered by config/render.sh with the values each
deployment gives them: `make up`'s and the containers' (image ENV + docker-compose.yml)."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from vr_testkit.certs import self_signed
from vr_testkit.livekit import LiveKitServer
from vr_testkit.processes import REPO_ROOT, render_config

NGINX_TEMPLATE = REPO_ROOT / "config" / "nginx.conf"
HTTPS_TEMPLATE = REPO_ROOT / "config" / "nginx-https.conf"
LIVEKIT_TEMPLATE = REPO_ROOT / "config" / "livekit.yaml"


def nginx_test(conf_text: str, workdir: Path) -> subprocess.CompletedProcess[str]:
    """`nginx -t` on a rendered config, with the prefix layout scripts/up.sh and the image use."""
    prefix = workdir / "nginx"
    prefix.mkdir(exist_ok=True)
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text)
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    return subprocess.run(
        [nginx, "-t", "-p", str(prefix), "-c", str(conf), "-e", "stderr"],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def image_env(instructions: list[Any]) -> dict[str, str]:
    """The ENV of a Dockerfile's last stage (KEY=value pairs, as ours are written)."""
    last_stage = max(i.stage for i in instructions)
    env: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "ENV" and instruction.stage == last_stage:
            for pair in shlex.split(instruction.args):
                name, _, value = pair.partition("=")
                env[name] = value
    return env


LOOPBACK_VALUES = {
    "LISTEN_PORT": "8080",
    "STATIC_ROOT": str(REPO_ROOT / "frontend" / "dist"),
    "BACKEND_SERVERS": "server 127.0.0.1:4000;",
    "DEBUG_UPSTREAM": "127.0.0.1:5000",
    "DEBUG_SYSLOG": "127.0.0.1:5514",
    "SFU_UPSTREAM": "127.0.0.1:7890",
    "CSP_CONNECT_SRC": "",
}


def test_nginx_conf_with_make_up_values(tmp_path: Path) -> None:
    result = nginx_test(render_config(NGINX_TEMPLATE, LOOPBACK_VALUES), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_nginx_conf_with_several_backends(tmp_path: Path) -> None:
    # The scaled shape on one host: one upstream server line per backend process.
    values = {**LOOPBACK_VALUES, "BACKEND_SERVERS": "server 127.0.0.1:4000; server 127.0.0.1:4001;"}
    rendered = render_config(NGINX_TEMPLATE, values)
    assert "server 127.0.0.1:4000; server 127.0.0.1:4001;" in rendered
    result = nginx_test(rendered, tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_conf_with_the_container_values(
    dockerfiles: dict[str, list[Any]], single_project: Any, tmp_path: Path
) -> None:
    # What the nginx container renders: the image's ENV, overridden by the compose service's.
    values = {
        **image_env(dockerfiles["nginx"]),
        **single_project["services"]["nginx"]["environment"],
    }

    # nginx resolves upstream names at load time and compose service names do not resolve on
    # this machine: each must be a service of the project, then stands in as 127.0.0.1 with
    # its port kept.
    def on_loopback(name: str, address: str) -> str:
        host, port = address.rsplit(":", 1)
        assert host in single_project["services"], f"{name}={values[name]}: no such service"
        return f"127.0.0.1:{port}"

    for name in ("DEBUG_UPSTREAM", "DEBUG_SYSLOG", "SFU_UPSTREAM"):
        values[name] = on_loopback(name, values[name])
    values["BACKEND_SERVERS"] = re.sub(
        r"server ([^;\s]+);",
        lambda m: f"server {on_loopback('BACKEND_SERVERS', m.group(1))};",
        values["BACKEND_SERVERS"],
    )
    rendered = render_config(NGINX_TEMPLATE, values)  # fails on a placeholder left unset
    assert "listen 8080;" in rendered
    result = nginx_test(rendered, tmp_path)
    assert result.returncode == 0, result.stderr


def test_nginx_test_fails_on_a_broken_config(tmp_path: Path) -> None:
    # The check above can fail: an upstream nginx cannot resolve is an error, as in a container.
    values = {**LOOPBACK_VALUES, "BACKEND_SERVERS": "server no-such-host.invalid:4000;"}
    result = nginx_test(render_config(NGINX_TEMPLATE, values), tmp_path)
    assert result.returncode != 0
    assert "host not found in upstream" in result.stderr


def test_nginx_conf_with_make_up_https_listener(tmp_path: Path) -> None:
    # scripts/up.sh renders config/nginx-https.conf into https/ in nginx's prefix, where the
    # server block includes it (the container has none there: plain http, the test above).
    cert = self_signed(tmp_path / "tls", "localhost", ip="192.168.1.20")
    listener = render_config(
        HTTPS_TEMPLATE,
        {
            "HTTPS_LISTEN": "8443",
            "TLS_CERT_FILE": str(cert.cert_file),
            "TLS_KEY_FILE": str(cert.key_file),
            "TLS_CA_FILE": str(cert.cert_file),
        },
    )
    assert "listen 8443 ssl;" in listener
    (tmp_path / "nginx" / "https").mkdir(parents=True)
    (tmp_path / "nginx" / "https" / "listen.conf").write_text(listener)
    result = nginx_test(render_config(NGINX_TEMPLATE, LOOPBACK_VALUES), tmp_path)
    assert result.returncode == 0, result.stderr


def test_a_broken_https_listener_fails_nginx(tmp_path: Path) -> None:
    # The check above can fail: the listener is really read (here its certificate is missing).
    listener = render_config(
        HTTPS_TEMPLATE,
        {
            "HTTPS_LISTEN": "8443",
            "TLS_CERT_FILE": str(tmp_path / "missing.crt"),
            "TLS_KEY_FILE": str(tmp_path / "missing.key"),
            "TLS_CA_FILE": str(tmp_path / "missing.crt"),
        },
    )
    (tmp_path / "nginx" / "https").mkdir(parents=True)
    (tmp_path / "nginx" / "https" / "listen.conf").write_text(listener)
    result = nginx_test(render_config(NGINX_TEMPLATE, LOOPBACK_VALUES), tmp_path)
    assert result.returncode != 0
    assert "missing.crt" in result.stderr


def livekit_nodes(project: Any) -> dict[str, Any]:
    return {
        name: service
        for name, service in project["services"].items()
        if service.get("labels", {}).get("video-rooms.role") == "livekit"
    }


def key_tree(value: Any) -> Any:
    """The shape of a YAML document: keys and value types, not values."""
    if isinstance(value, dict):
        return {key: key_tree(item) for key, item in value.items()}
    if isinstance(value, list):
        return [key_tree(item) for item in value]
    return type(value).__name__


def rendered_livekit(service: Any) -> Any:
    return yaml.safe_load(render_config(LIVEKIT_TEMPLATE, service["environment"]))


@pytest.mark.parametrize("shape", ["single_project", "scaled_project"])
def test_livekit_yaml_with_the_container_values(
    request: pytest.FixtureRequest, tmp_path: Path, shape: str
) -> None:
    project = request.getfixturevalue(shape)
    # The tests start livekit-server on this same template rendered with loopback values; the
    # containers' rendering must have the same keys with the same types.
    tests_config = yaml.safe_load(LiveKitServer(workdir=tmp_path).config_yaml())
    for name, service in livekit_nodes(project).items():
        env = service["environment"]
        config = rendered_livekit(service)
        expected_tree = key_tree(tests_config) | {"keys": {env["LIVEKIT_API_KEY"]: "str"}}
        assert key_tree(config) == expected_tree, name
        assert config["keys"] == {env["LIVEKIT_API_KEY"]: env["LIVEKIT_API_SECRET"]}
        assert config["port"] == int(env["LIVEKIT_PORT"])
        assert config["bind_addresses"] == ["0.0.0.0"]
        assert config["rtc"]["tcp_port"] == int(env["LIVEKIT_TCP_PORT"])
        assert config["rtc"]["port_range_start"] == int(env["LIVEKIT_UDP_PORT_START"])
        assert config["rtc"]["port_range_end"] == int(env["LIVEKIT_UDP_PORT_END"])
        assert config["rtc"]["enable_loopback_candidate"] is False
        assert config["webhook"]["urls"] == ["http://backend:4000/api/webhooks/livekit"]
        assert config["logging"]["json"] is True
        expected_redis = "redis:6379" if shape == "scaled_project" else ""
        assert config["redis"]["address"] == expected_redis


def test_livekit_yaml_with_env_example_node_ip(single_project: Any) -> None:
    # env.example's local-trial address reaches the config as a string LiveKit parses as an IP.
    config = rendered_livekit(single_project["services"]["livekit"])
    assert config["rtc"]["node_ip"] == "127.0.0.1"
    assert config["rtc"]["use_external_ip"] is False
    assert config["turn"]["enabled"] is True
    assert config["turn"]["udp_port"] == 3478
    assert config["turn"]["tls_port"] == 0
    # LiveKit's relay may reach this node's own address, even a private or loopback one.
    assert config["turn"]["allow_restricted_peer_cidrs"] == ["127.0.0.1/32"]
