"""The SFU's media sockets in a fixed UDP range, the advertised address for 1:1 NAT, and TURN
credentials handed to browsers: against a real SFU process, real aiortc peers, real coturn."""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import Iterator

import pytest
from aioice import turn
from aiortc import RTCIceCandidate
from aiortc.sdp import SessionDescription
from embedded_sfu.ice_ports import PortRange
from embedded_sfu.settings import EmbeddedSfuSettings
from pydantic import ValidationError
from vr_testkit.coturn import Coturn
from vr_testkit.embedded_sfu import EmbeddedSfuProcess, new_room_id
from vr_testkit.media import MovingVideoTrack, ToneTrack
from vr_testkit.processes import free_udp_range
from vr_testkit.sfu_client import SfuClient, eventually
from vr_testkit.sockets import udp_sockets

ADVERTISED = "203.0.113.7"  # TEST-NET-3: an address no interface here holds
RANGE_SIZE = 40


@pytest.fixture(scope="module")
def coturn_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Coturn]:
    server = Coturn(workdir=tmp_path_factory.mktemp("coturn")).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def ranged_sfu(
    tmp_path_factory: pytest.TempPathFactory, coturn_server: Coturn
) -> Iterator[EmbeddedSfuProcess]:
    first = free_udp_range(RANGE_SIZE)
    process = EmbeddedSfuProcess(
        log_dir=tmp_path_factory.mktemp("ranged-sfu"),
        EMBEDDED_SFU_UDP_PORTS=f"{first}-{first + RANGE_SIZE - 1}",
        EMBEDDED_SFU_ADVERTISED_IP=ADVERTISED,
        EMBEDDED_SFU_TURN_URLS=",".join(coturn_server.urls()),
        EMBEDDED_SFU_TURN_SECRET=coturn_server.secret,
    )
    process.ports = PortRange(first, first + RANGE_SIZE - 1)  # type: ignore[attr-defined]
    process.start_and_wait()
    yield process
    process.stop()


def _candidates(sdp: str) -> list[RTCIceCandidate]:
    return [c for media in SessionDescription.parse(sdp).media for c in media.ice_candidates]


def _sees(viewer: SfuClient, other: str) -> bool:
    return viewer.frames(other, "camera") >= 10 and viewer.frames(other, "microphone") >= 10


def test_port_range_and_address_settings_are_checked() -> None:
    assert PortRange.parse("50000-50199") == PortRange(50000, 50199)
    assert len(PortRange.parse("50000")) == 1
    for wrong in ("50199-50000", "80-90", "abc", "50000-70000"):
        with pytest.raises(ValidationError):
            EmbeddedSfuSettings(udp_ports=wrong)
    with pytest.raises(ValidationError):
        EmbeddedSfuSettings(advertised_ip="sfu.example.com")
    with pytest.raises(ValidationError, match="TURN_SECRET"):
        EmbeddedSfuSettings(turn_urls="turn:turn.example.com:3478")
    with pytest.raises(ValidationError, match="turn:"):
        EmbeddedSfuSettings(turn_urls="stun:turn.example.com:3478", turn_secret="s")


async def test_media_sockets_stay_in_the_range_and_the_advertised_address_is_offered(
    ranged_sfu: EmbeddedSfuProcess,
) -> None:
    ports: PortRange = ranged_sfu.ports  # type: ignore[attr-defined]
    room = new_room_id()
    ranged_sfu.create_room(room)
    clients = [
        SfuClient(ranged_sfu.ws_url, room, ranged_sfu.room_token(room, name))
        for name in ("alice", "bob", "carol")
    ]
    try:
        for client in clients:
            await client.join()
            answer = await client.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
            offered = _candidates(answer["sdp"])
            assert offered, "no candidates in the SFU's answer"
            assert all(c.port in ports for c in offered), offered
            # Each private host candidate has its advertised twin on the same port.
            advertised = {c.port for c in offered if c.ip == ADVERTISED}
            assert advertised == {c.port for c in offered if c.ip != ADVERTISED}
        alice, bob, carol = clients
        await eventually(lambda: _sees(alice, "bob") and _sees(bob, "carol"), what="media")
        await eventually(lambda: _sees(carol, "alice"), what="carol <- alice")
        for client in clients:
            assert client.subscribe_pc is not None
            offer = client.subscribe_pc.remoteDescription.sdp
            assert all(c.port in ports for c in _candidates(offer))
        held = udp_sockets(ranged_sfu.pid)
        assert held, "the SFU holds no UDP socket during a call"
        assert [s for s in held if s[1] not in ports] == [], held
    finally:
        for client in clients:
            await client.close()
    # Leaving releases the ports (the range is reused, not leaked).
    await eventually(lambda: udp_sockets(ranged_sfu.pid) == [], what="sockets released")


async def test_joined_hands_out_turn_credentials_coturn_accepts(
    ranged_sfu: EmbeddedSfuProcess, coturn_server: Coturn
) -> None:
    room = new_room_id()
    ranged_sfu.create_room(room)
    client = SfuClient(ranged_sfu.ws_url, room, ranged_sfu.room_token(room, "alice"))
    try:
        joined = await client.join()
    finally:
        await client.close()
    (relay,) = joined["ice_servers"]
    assert relay["urls"] == coturn_server.urls()
    expiry, identity = relay["username"].split(":")
    assert identity == "alice"
    assert abs(int(expiry) - time.time() - 6 * 3600) < 60  # the default lifetime, 6 h
    transport, _ = await turn.create_turn_endpoint(
        asyncio.DatagramProtocol,
        server_addr=(coturn_server.address, coturn_server.port),
        username=relay["username"],
        password=relay["credential"],
    )
    try:
        host, _port = transport.get_extra_info("sockname")
        assert host == coturn_server.address
    finally:
        transport.close()
        await asyncio.sleep(0.2)


def test_production_refuses_a_short_turn_secret() -> None:
    settings = EmbeddedSfuSettings.model_validate(
        {
            "EMBEDDED_SFU_APP_ENV": "production",
            "EMBEDDED_SFU_API_KEY": "vr-prod",
            "EMBEDDED_SFU_API_SECRET": secrets.token_hex(32),
            "turn_urls": "turn:turn.example.com:3478",
            "turn_secret": "short",
        }
    )
    assert any("TURN_SECRET" in problem for problem in settings.production_problems())
    settings = settings.model_copy(update={"turn_secret": secrets.token_hex(32)})
    assert settings.production_problems() == []
