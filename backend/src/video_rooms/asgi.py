"""Import target for ASGI servers (`uvicorn video_rooms.asgi:app`); each worker builds its app."""

from __future__ import annotations

from vr_common.startup import freeze_startup_heap

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

freeze_startup_heap()
