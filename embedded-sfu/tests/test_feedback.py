from __future__ import annotations

from embedded_sfu.feedback import KeyframeRequester, RembForwarder


async def test_keyframe_requests_are_throttled() -> None:
    sent: list[int] = []

    async def send() -> None:
        sent.append(1)

    requester = KeyframeRequester(send, interval=60.0)
    for _ in range(5):
        await requester.request()
    assert len(sent) == 1 == requester.sent

    eager = KeyframeRequester(send, interval=0.0)
    await eager.request()
    await eager.request()
    assert len(sent) == 3


async def test_the_smallest_estimate_is_forwarded() -> None:
    sent: list[int] = []

    async def send(bitrate: int) -> None:
        sent.append(bitrate)

    forwarder = RembForwarder(send, interval=0.0)
    await forwarder.update([None, None])
    assert sent == []
    await forwarder.update([900_000, None, 300_000, 1_200_000])
    assert sent == [300_000]
    assert forwarder.last_sent == 300_000
