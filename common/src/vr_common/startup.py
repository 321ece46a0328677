"""What every process of the app does the same way when it starts: refuse a bad or unsafe
configuration with one line, and keep its long-lived start-up objects away from the GC."""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable
from typing import Protocol, TypeVar

from pydantic import ValidationError


class ProductionChecked(Protocol):
    def production_problems(self) -> list[str]: ...


SettingsT = TypeVar("SettingsT", bound=ProductionChecked)


def settings_or_exit(program: str, load: Callable[[], SettingsT]) -> SettingsT:
    """The loaded settings, or exit 2 with one line naming what is wrong: the first thing an
    operator sees in `docker compose logs`."""
    try:
        settings = load()
    except ValidationError as exc:
        print(f"{program}: invalid configuration: {exc}", file=sys.stderr)
        sys.exit(2)
    problems = settings.production_problems()
    if problems:
        print(
            f"{program}: refusing to start in production: " + "; ".join(problems), file=sys.stderr
        )
        sys.exit(2)
    return settings


def freeze_startup_heap() -> None:
    """Everything imported and built so far lives as long as the process: keep it out of the
    cyclic collector's scans, and collect the young generation less often (requests and
    forwarded packets allocate short-lived objects that reference counting frees). Measured
    with `make bench`: joins +10 %/s and p90 halved (80 -> 38 ms); the embedded SFU's GC time
    per bench run 155 -> 71 ms."""
    gc.freeze()
    gc.set_threshold(50_000, 20, 20)
