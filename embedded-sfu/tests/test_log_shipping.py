"""The embedded SFU's lines reach a real debug service, structured by room, participant and
track: joins, published tracks, negotiations, and ICE/DTLS state of both connections."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from vr_testkit.debug_service import DebugServiceProcess
from vr_testkit.embedded_sfu import EmbeddedSfuProcess, new_room_id
from vr_testkit.media import MovingVideoTrack, ToneTrack
from vr_testkit.sfu_client import SfuClient, eventually


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, EmbeddedSfuProcess]]:
    workdir: Path = tmp_path_factory.mktemp("sfu-shipping")
    with DebugServiceProcess(workdir / "debug.db", log_dir=workdir) as debug:
        sfu = EmbeddedSfuProcess(log_dir=workdir, DEBUG_SERVICE_URL=debug.base_url)
        sfu.start_and_wait()
        try:
            yield debug.base_url, sfu
        finally:
            sfu.stop()


def _lines(debug_url: str, room_id: str) -> list[dict[str, Any]]:
    response = httpx.get(
        f"{debug_url}/api/logs",
        params={"service": "embedded-sfu", "room_id": room_id, "limit": 1000},
    )
    response.raise_for_status()
    logs: list[dict[str, Any]] = response.json()["logs"]
    return logs


async def test_a_call_is_told_in_structured_lines(
    shipped: tuple[str, EmbeddedSfuProcess],
) -> None:
    debug_url, sfu = shipped
    room = new_room_id()
    sfu.create_room(room)

    async with (
        SfuClient(sfu.ws_url, room, sfu.room_token(room, "ada")) as ada,
        SfuClient(sfu.ws_url, room, sfu.room_token(room, "bob")) as bob,
    ):
        await ada.join()
        await bob.join()
        await ada.publish({"microphone": ToneTrack(), "camera": MovingVideoTrack()})
        await eventually(lambda: bob.frames("ada", "camera") >= 5, what="bob sees ada")

        def told(line: dict[str, Any], **fields: Any) -> bool:
            metadata = line["metadata"]
            return all(metadata.get(key) == value for key, value in fields.items())

        def has(**fields: Any) -> bool:
            return any(told(line, **fields) for line in _lines(debug_url, room))

        wanted: list[dict[str, Any]] = [
            {"participant_id": "ada", "event": "participant_joined"},
            {"participant_id": "bob", "event": "participant_joined"},
            {"participant_id": "ada", "source": "camera", "kind": "video"},
            {"participant_id": "ada", "pc": "publish", "ice_state": "completed"},
            {"participant_id": "ada", "pc": "publish", "dtls_state": "connected"},
            {"participant_id": "ada", "pc": "publish", "connection_state": "connected"},
            {"participant_id": "bob", "pc": "subscribe", "dtls_state": "connected"},
            {"participant_id": "bob", "pc": "subscribe", "negotiation": 1},
        ]
        for fields in wanted:
            await eventually(lambda f=fields: has(**f), within=20, what=f"a line with {fields}")
        camera = next(
            line
            for line in _lines(debug_url, room)
            if told(line, participant_id="ada", source="camera")
        )
        assert camera["message"] == "camera published"
        assert camera["metadata"]["track"].endswith("-camera")
        assert camera["level"] == "info"

        # Ada stops her camera: a renegotiation, and the track's end is a line of its own.
        pc = ada.publish_pc
        assert pc is not None
        await pc.setLocalDescription(await pc.createOffer())
        microphone_mid = ada.transceivers["microphone"].mid
        assert microphone_mid is not None
        await ada.offer(pc.localDescription.sdp, {microphone_mid: "microphone"})
        await eventually(
            lambda: has(participant_id="ada", pc="publish", negotiation=2), what="renegotiated"
        )
        ended = [
            line
            for line in _lines(debug_url, room)
            if told(line, participant_id="ada", source="camera")
            and "unpublished" in line["message"]
        ]
        assert ended, "no line for the camera's end"
    await eventually(
        lambda: has(participant_id="bob", event="participant_left"), what="bob's departure"
    )
