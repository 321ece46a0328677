"""Import target for ASGI servers (`uvicorn video_rooms.asgi:app`); each worker builds its app."""

from __future__ import annotations

import gc

from video_rooms.app import create_app
from video_rooms.logging_setup import configure_logging
from video_rooms.settings import Settings

_settings = Settings()
configure_logging(
    _settings.log_level,
    json_lines=_settings.is_production,
    debug_service_url=_settings.debug_service_url,
    debug_token=_settings.debug_token,
)
app = create_app(_settings)

# Everything imported and built so far lives as long as the process: keep it out of the cyclic
# garbage collector's scans, and collect the young generation less often. Measured with
# `make bench` (joins at concurrency 64): +10 % joins/s and p90 halved (80 -> 38 ms).
gc.freeze()
gc.set_threshold(50_000, 20, 20)
