"""The key pair under its SFU-neutral names, the seed's LIVEKIT_* names, or the SFU's own."""

from __future__ import annotations

import pytest
from embedded_sfu.settings import EmbeddedSfuSettings

NAMES = (
    "EMBEDDED_SFU_API_KEY",
    "EMBEDDED_SFU_API_SECRET",
    "SFU_API_KEY",
    "SFU_API_SECRET",
    "LIVEKIT_API_KEY",
    "LIVEKIT_API_SECRET",
)


@pytest.mark.parametrize(
    ("env", "pair"),
    [
        ({"SFU_API_KEY": "k1", "SFU_API_SECRET": "s1"}, ("k1", "s1")),
        ({"LIVEKIT_API_KEY": "k2", "LIVEKIT_API_SECRET": "s2"}, ("k2", "s2")),
        (
            {"SFU_API_KEY": "k1", "SFU_API_SECRET": "s1", "LIVEKIT_API_KEY": "k2"},
            ("k1", "s1"),
        ),
        ({"EMBEDDED_SFU_API_KEY": "k3", "SFU_API_KEY": "k1"}, ("k3", "secret")),
    ],
)
def test_the_pair_is_read_under_each_name(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], pair: tuple[str, str]
) -> None:
    for name in NAMES:
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = EmbeddedSfuSettings(_env_file=None)  # type: ignore[call-arg]
    assert (settings.api_key, settings.api_secret) == pair
