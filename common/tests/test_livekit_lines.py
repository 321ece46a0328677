"""livekit-server's JSON lines as records, and a real livekit-server's lines in a real debug
service through `vr-ship-output` (as `make up` and the test stacks run it)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import httpx
import pytest
from livekit import api
from vr_common.livekit_lines import livekit_record
from vr_common.log_entry import record_to_entry
from vr_common.output_shipping import main
from vr_testkit.debug_service import DebugServiceProcess
from vr_testkit.livekit import LiveKitServer
from vr_testkit.sfu_client import eventually

# Lines as livekit-server v1.13.5 writes them with `logging.json: true`.
DEV_KEYS = (
    '{"level":"info","ts":1796311532.156232,"logger":"livekit","caller":"server/main.go:213",'
    '"msg":"no keys provided, using placeholder keys","API Key":"devkey","API Secret":"secret"}'
)
PARTICIPANT_CLOSED = (
    '{"level":"warn","ts":1796311540.5,"logger":"livekit.room","caller":"rtc/room.go:820",'
    '"msg":"participant closed","room":"room-1","roomID":"RM_x","participant":"p-1",'
    '"pID":"PA_y","rtc.portTCP":7881}\n'
)


def _entry(line: str) -> dict[str, Any]:
    record = livekit_record(line)
    assert record is not None
    return record_to_entry(record, "livekit")


def test_fields_become_the_entrys_room_participant_and_level() -> None:
    entry = _entry(PARTICIPANT_CLOSED)
    assert entry["level"] == "warn"
    assert entry["message"] == "participant closed"
    assert entry["timestamp"] == 1796311540.5
    metadata = entry["metadata"]
    assert metadata["logger"] == "livekit.room"
    assert metadata["room_id"] == "room-1"
    assert metadata["participant_id"] == "p-1"
    assert metadata["livekit_room_sid"] == "RM_x"
    assert metadata["livekit_participant_sid"] == "PA_y"
    assert metadata["rtc_portTCP"] == 7881


def test_secrets_it_prints_are_not_kept() -> None:
    metadata = _entry(DEV_KEYS)["metadata"]
    assert metadata["API_Secret"] == "[redacted]"
    assert metadata["API_Key"] == "devkey"


def test_the_wrapper_copies_the_output_and_returns_the_programs_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DEBUG_SERVICE_URL", raising=False)
    status = main(["--service", "x", "--", "sh", "-c", "echo one; echo two >&2; exit 3"])
    assert status == 3
    assert capsys.readouterr().out == "one\ntwo\n"


def test_zap_levels_and_lines_that_are_not_json() -> None:
    def level(name: str) -> int:
        record = livekit_record(f'{{"level":"{name}","ts":1,"msg":"m"}}')
        assert record is not None
        return record.levelno

    assert [level(n) for n in ("debug", "info", "warn", "error", "panic", "fatal")] == [
        logging.DEBUG,
        logging.INFO,
        logging.WARNING,
        logging.ERROR,
        logging.ERROR,
        logging.ERROR,
    ]
    plain = livekit_record("panic: runtime error: index out of range\n")
    assert plain is not None
    assert plain.getMessage() == "panic: runtime error: index out of range"
    assert livekit_record("  \n") is None
    # A field named like a record attribute keeps its value without replacing the attribute.
    clash = livekit_record('{"level":"info","ts":1,"msg":"m","name":"x","args":[1]}')
    assert clash is not None
    assert clash.name == "livekit"
    assert vars(clash)["livekit_name"] == "x"


async def test_a_real_livekit_servers_lines_reach_the_debug_service(tmp_path: Path) -> None:
    with DebugServiceProcess(tmp_path / "debug.db", log_dir=tmp_path) as debug:
        server = LiveKitServer(workdir=tmp_path / "livekit", debug_service_url=debug.base_url)
        server.start()
        try:
            async with api.LiveKitAPI(server.http_url, server.api_key, server.api_secret) as lk:
                await lk.room.create_room(api.CreateRoomRequest(name="room-shipped"))

            def lines() -> list[dict[str, Any]]:
                response = httpx.get(
                    f"{debug.base_url}/api/logs",
                    params={"service": "livekit", "room_id": "room-shipped", "limit": 100},
                )
                logs: list[dict[str, Any]] = response.json()["logs"]
                return logs

            await eventually(lambda: bool(lines()), within=20, what="livekit's room line")
            created = next(line for line in lines() if "CreateRoom" in line["message"])
            assert created["level"] == "info"
            assert created["metadata"]["logger"] == "livekit.api"
            # The terminal (the process's log file) still shows LiveKit's lines as written.
            assert server.process is not None
            assert '"msg":"starting LiveKit server"' in server.process.output()
        finally:
            server.stop()
