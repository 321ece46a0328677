from debug_service.ratelimit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_burst_then_rate_per_client() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=10, burst=20, clock=clock)
    assert limiter.take("a", 20) == 0
    assert limiter.take("a", 1) > 0
    assert limiter.take("b", 5) == 0  # another client has its own bucket
    clock.now = 0.5
    assert limiter.take("a", 5) == 0
    assert limiter.take("a", 1) > 0


def test_a_batch_larger_than_the_burst_passes_once_and_leaves_debt() -> None:
    clock = Clock()
    limiter = RateLimiter(rate=10, burst=20, clock=clock)
    assert limiter.take("a", 50) == 0
    assert limiter.wait_time("a") == 3.1  # 30 lines of debt plus one token, at 10/s
    clock.now = 3.2
    assert limiter.wait_time("a") == 0


def test_memory_is_bounded_by_forgetting_the_least_recent_client() -> None:
    limiter = RateLimiter(rate=1, burst=1, max_clients=2, clock=Clock())
    limiter.take("a", 1)
    limiter.take("b", 1)
    limiter.take("c", 1)
    assert limiter.take("a", 1) == 0  # forgotten, so it starts with a full bucket
