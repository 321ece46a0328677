"""The registry file: a restarted SFU serves the rooms the backend created, and no others."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from embedded_sfu.room import RoomOptions, Rooms
from embedded_sfu.room_registry import RoomRegistry
from vr_common.tokens import issue_room_token
from vr_testkit.embedded_sfu import EmbeddedSfuProcess
from vr_testkit.sfu_client import SfuClient, SfuError


def test_rooms_created_and_deleted_are_what_a_new_process_loads(tmp_path: Path) -> None:
    registry = RoomRegistry(tmp_path / "state" / "rooms.json")
    rooms = Rooms(on_change=registry.save)
    rooms.create("kept", RoomOptions(4, 60))
    rooms.create("ended", RoomOptions(16, 300))
    assert RoomRegistry(tmp_path / "state" / "rooms.json").load() == {
        "kept": RoomOptions(4, 60),
        "ended": RoomOptions(16, 300),
    }


async def test_a_deleted_room_is_gone_from_the_file(tmp_path: Path) -> None:
    registry = RoomRegistry(tmp_path / "rooms.json")
    rooms = Rooms(on_change=registry.save)
    rooms.create("ended", RoomOptions(16, 300))
    assert await rooms.delete("ended")
    assert registry.load() == {}


def test_an_unreadable_file_starts_empty(tmp_path: Path) -> None:
    (tmp_path / "rooms.json").write_text("{not json")
    assert RoomRegistry(tmp_path / "rooms.json").load() == {}
    assert RoomRegistry(None).load() == {}


async def test_a_restarted_sfu_serves_created_rooms_but_not_deleted_ones(
    tmp_path: Path,
) -> None:
    sfu = EmbeddedSfuProcess(log_dir=tmp_path).start_and_wait()
    try:
        sfu.create_room("kept")
        sfu.create_room("ended")
        async with httpx.AsyncClient(base_url=sfu.http_url, headers=sfu.admin_headers()) as admin:
            assert (await admin.delete("/admin/rooms/ended")).status_code == 204
        sfu.stop()
        sfu.start_and_wait()
        kept = SfuClient(sfu.ws_url, "kept", _token(sfu, "kept", "alice"))
        ended = SfuClient(sfu.ws_url, "ended", _token(sfu, "ended", "bob"))
        try:
            await kept.join()
            with pytest.raises(SfuError) as refused:
                await ended.join()
            assert refused.value.code == "room_not_found"
        finally:
            await kept.close()
            await ended.close()
    finally:
        sfu.stop()


def _token(sfu: EmbeddedSfuProcess, room: str, identity: str) -> str:
    return issue_room_token(
        api_key=sfu.api_key,
        api_secret=sfu.api_secret,
        room_id=room,
        participant_id=identity,
        participant_name=identity,
        ttl=timedelta(minutes=5),
    )
