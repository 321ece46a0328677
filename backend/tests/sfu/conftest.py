"""The embedded SFU as a real process (one per module), for the backend's provider of it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from vr_testkit.embedded_sfu import EmbeddedSfuProcess, new_room_id, running_sfu


@pytest.fixture(scope="module")
def sfu(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedSfuProcess]:
    yield from running_sfu(tmp_path_factory.mktemp("embedded-sfu"))


@pytest.fixture
def room_id() -> str:
    return new_room_id()
