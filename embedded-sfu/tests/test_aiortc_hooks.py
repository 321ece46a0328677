"""The start-up self-test: passes on the pinned aiortc, refuses any other version."""

from __future__ import annotations

import aioice
import aiortc
import pytest
from embedded_sfu import aiortc_hooks


def test_the_installed_aiortc_is_the_pinned_one() -> None:
    assert aiortc.__version__ == aiortc_hooks.PINNED_AIORTC_VERSION
    aiortc_hooks.self_test()


def test_another_version_is_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aiortc, "__version__", "9.9.9")
    with pytest.raises(aiortc_hooks.ForwardingUnavailable, match=r"9\.9\.9.*1\.16\.0"):
        aiortc_hooks.self_test()


def test_a_moved_internal_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(aiortc.RTCDtlsTransport, "_send_rtp")
    with pytest.raises(aiortc_hooks.ForwardingUnavailable, match="_send_rtp"):
        aiortc_hooks.self_test()


def test_another_aioice_is_refused_with_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(aioice, "__version__", "9.9.9")
    with pytest.raises(aiortc_hooks.ForwardingUnavailable, match=r"aioice 9\.9\.9.*0\.13\.0"):
        aiortc_hooks.self_test()
