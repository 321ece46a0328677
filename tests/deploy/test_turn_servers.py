"""The TURN relays as their config templates start them: LiveKit's embedded TURN from
config/livekit.yaml (its TLS listener) and coturn from config/turnserver.conf, each a real
server on loopback; coturn is spoken to by a real TURN client (aioice) over UDP, TCP and TLS."""

from __future__ import annotations

import asyncio
import secrets
import socket
import ssl
from pathlib import Path

import pytest
from aioice import stun, turn
from embedded_sfu.turn_credentials import TurnRelay
from vr_testkit.certs import self_signed
from vr_testkit.coturn import TLS_NAME, Coturn, rest_credentials
from vr_testkit.livekit import LiveKitServer, LiveKitTurn
from vr_testkit.processes import REPO_ROOT, ManagedProcess, free_port, free_udp_range


class _Sink(asyncio.DatagramProtocol):
    pass


def _client_tls(cert_file: Path, name: str) -> ssl.SSLContext:
    # The generated certificate as the only trusted root: the handshake proves the template
    # hands the server exactly that certificate for that name.
    context = ssl.create_default_context(cafile=str(cert_file))
    context.check_hostname = True
    return context


async def _allocate(
    server: tuple[str, int], username: str, password: str, **options: object
) -> tuple[str, int]:
    try:
        transport, _ = await turn.create_turn_endpoint(
            _Sink, server_addr=server, username=username, password=password, **options
        )  # type: ignore[arg-type]
        relayed: tuple[str, int] = transport.get_extra_info("sockname")
        transport.close()
        return relayed
    finally:
        # aioice closes its socket on success and failure alike, but the close completes on
        # the loop's next turns: let it, before asyncio.run closes the loop (else an unclosed
        # socket warning, an error here, comes at some later garbage collection).
        await asyncio.sleep(0.2)


def test_livekit_turn_tls_serves_the_configured_certificate(tmp_path: Path) -> None:
    certificate = self_signed(tmp_path / "certs", TLS_NAME)
    livekit = LiveKitServer(
        turn=LiveKitTurn(domain=TLS_NAME, certificate=certificate), workdir=tmp_path / "lk"
    ).start()
    assert livekit.turn is not None
    try:
        tls = _client_tls(certificate.cert_file, TLS_NAME)
        with (
            socket.create_connection(("127.0.0.1", livekit.turn.tls_port), timeout=5) as raw,
            tls.wrap_socket(raw, server_hostname=TLS_NAME) as conn,
        ):
            assert conn.version() in ("TLSv1.2", "TLSv1.3")
    finally:
        livekit.stop()


def test_coturn_relays_for_rest_credentials_and_refuses_expired_ones(tmp_path: Path) -> None:
    server = Coturn(workdir=tmp_path).start()
    try:
        cert_file = tmp_path / f"{TLS_NAME}.crt"
        tls = _client_tls(cert_file, TLS_NAME)
        username, password = rest_credentials(server.secret, "alice", 600)
        for options, port in (
            ({"transport": "udp"}, server.port),
            ({"transport": "tcp"}, server.port),
            ({"transport": "tcp", "ssl": tls}, server.tls_port),
        ):
            host, relay_port = asyncio.run(
                _allocate((server.address, port), username, password, **options)
            )
            assert host == server.address
            assert server.relay_start <= relay_port < server.relay_start + 20
        expired = rest_credentials(server.secret, "alice", -60)
        with pytest.raises(stun.TransactionFailed) as refused:
            asyncio.run(_allocate((server.address, server.port), *expired, transport="tcp"))
        assert refused.value.response.attributes["ERROR-CODE"][0] == 401
        forged = (username, rest_credentials("not-the-secret", "alice", 600)[1])
        with pytest.raises(stun.TransactionFailed):
            asyncio.run(_allocate((server.address, server.port), *forged, transport="tcp"))
    finally:
        server.stop()


def test_make_ups_coturn_relays_for_the_embedded_sfus_credentials(tmp_path: Path) -> None:
    # scripts/coturn.sh as scripts/up.sh starts it (TURN_ENABLED=true), on free ports, and
    # credentials minted by the embedded SFU's own code from the same secret.
    secret = secrets.token_hex(32)
    port, tls_port, relay_start = free_port(), free_port(), free_udp_range(10)
    process = ManagedProcess(
        "coturn",
        [str(REPO_ROOT / "scripts" / "coturn.sh")],
        env={
            "TURN_ADDRESS": "127.0.0.1",
            "TURN_SECRET": secret,
            "TURN_DIR": str(tmp_path / "turn"),
            "TURN_PORT": str(port),
            "TURN_TLS_PORT": str(tls_port),
            "TURN_RELAY_PORT_START": str(relay_start),
            "TURN_RELAY_PORT_END": str(relay_start + 9),
        },
        log_dir=tmp_path,
    ).start()
    try:
        process.wait_port(port, timeout=20)
        process.wait_port(tls_port, timeout=20)
        relay = TurnRelay([f"turn:127.0.0.1:{port}"], secret, ttl_seconds=600)
        username, password = relay.credentials("p_alice")
        for transport in ("udp", "tcp"):
            host, relay_port = asyncio.run(
                _allocate(("127.0.0.1", port), username, password, transport=transport)
            )
            assert host == "127.0.0.1"
            assert relay_start <= relay_port <= relay_start + 9
        wrong = TurnRelay(relay.urls, "another-secret", 600).credentials("p_alice")
        with pytest.raises(stun.TransactionFailed):
            asyncio.run(_allocate(("127.0.0.1", port), *wrong, transport="tcp"))
    finally:
        process.stop()
