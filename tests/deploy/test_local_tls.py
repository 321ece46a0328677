"""scripts/local-tls.sh: the local CA and the server certificate `make up` serves https with
(tests/e2e/test_lan_https.py has a browser on another host trust it)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from vr_testkit.processes import REPO_ROOT

LOCAL_TLS = REPO_ROOT / "scripts" / "local-tls.sh"


def local_tls(directory: Path, *names: str) -> None:
    subprocess.run(["bash", str(LOCAL_TLS), str(directory), *names], check=True, timeout=60)


def verify(directory: Path, *check: str) -> subprocess.CompletedProcess[str]:
    """openssl's verdict on the server certificate against the local root, for a name."""
    return subprocess.run(
        [
            *("openssl", "verify", "-CAfile", str(directory / "ca.crt"), *check),
            str(directory / "server.crt"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_server_certificate_is_valid_for_each_name_from_the_local_root(
    tmp_path: Path,
) -> None:
    tls = tmp_path / "tls"
    local_tls(tls, "192.168.1.20", "rooms.lan")
    for check in (
        ("-verify_ip", "192.168.1.20"),
        ("-verify_ip", "127.0.0.1"),
        ("-verify_hostname", "rooms.lan"),
        ("-verify_hostname", "localhost"),
    ):
        result = verify(tls, *check)
        assert result.returncode == 0, (check, result.stdout + result.stderr)
    # And only for those: another address is refused.
    assert verify(tls, "-verify_ip", "192.168.1.21").returncode != 0
    assert (tls / "ca.key").stat().st_mode & 0o077 == 0
    assert (tls / "server.key").stat().st_mode & 0o077 == 0
    # The root is public (nginx serves it at /local-ca.crt); only the keys are private.
    assert (tls / "ca.crt").stat().st_mode & 0o044 == 0o044


def test_the_root_is_kept_and_the_server_certificate_follows_the_address(
    tmp_path: Path,
) -> None:
    tls = tmp_path / "tls"
    local_tls(tls, "192.168.1.20")
    root, server = (tls / "ca.crt").read_bytes(), (tls / "server.crt").read_bytes()
    local_tls(tls, "192.168.1.20")
    assert (tls / "server.crt").read_bytes() == server, "made again with nothing changed"
    # A new address (DHCP): a new server certificate from the same root, so a device that
    # trusts the root keeps trusting the server.
    local_tls(tls, "192.168.1.31")
    assert (tls / "ca.crt").read_bytes() == root
    assert (tls / "server.crt").read_bytes() != server
    assert verify(tls, "-verify_ip", "192.168.1.31").returncode == 0
    assert verify(tls, "-verify_ip", "192.168.1.20").returncode != 0
