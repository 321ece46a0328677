"""All backend configuration, read once from the environment (and an optional `.env`)."""

from __future__ import annotations

from functools import cached_property
from typing import Literal

from pydantic import AliasChoices, Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from vr_common.production_secrets import (
    DEV_SFU_API_KEY,
    DEV_SFU_API_SECRET,
    development_secret_problems,
)

# The development defaults are public (they are in this repository); production refuses them.
DEV_SECRET_KEY_BASE = "dev-secret-key-base-do-not-use-in-production-0000"
DEV_ADMIN_TOKEN = "dev-admin-token"


# An SFU URL browsers can open: absolute ws(s)://, or a path on the page's own origin.
PUBLIC_URL_PATTERN = r"^(wss?://[^\s/]+(/\S*)?|/\S*)$"


class Settings(BaseSettings):
    # populate_by_name: code (tests, the registry) passes fields by name; the environment may
    # use any of a field's alias choices.
    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    app_env: Literal["development", "production"] = "development"
    host: str = "127.0.0.1"
    port: int = 4000
    workers: int = Field(default=1, ge=1, description="uvicorn worker processes")

    database_url: str = "sqlite+aiosqlite:///data/video_rooms.db"
    redis_url: str | None = None

    # A name registered in video_rooms.sfu.registry.PROVIDERS.
    sfu_provider: str = "livekit"
    # The one API key/secret pair: signs room tokens for either SFU, and admin calls. The
    # seed's LIVEKIT_API_KEY / LIVEKIT_API_SECRET are read when SFU_API_KEY / SFU_API_SECRET
    # are not set.
    sfu_api_key: str = Field(
        default=DEV_SFU_API_KEY, validation_alias=AliasChoices("SFU_API_KEY", "LIVEKIT_API_KEY")
    )
    sfu_api_secret: str = Field(
        default=DEV_SFU_API_SECRET,
        validation_alias=AliasChoices("SFU_API_SECRET", "LIVEKIT_API_SECRET"),
    )
    # Where the backend reaches the chosen SFU's server API, and where browsers connect to it.
    # A public URL is a ws:// or wss:// URL, or a path on the app's own origin (nginx proxies
    # /rtc to the SFU; the browser picks ws or wss to match the page). Unset, each provider
    # reads its own variables below (LIVEKIT_URL is the seed's name).
    sfu_url: str | None = None
    sfu_public_url: str | None = Field(default=None, pattern=PUBLIC_URL_PATTERN)
    livekit_url: str = "http://127.0.0.1:7880"
    livekit_public_url: str = Field(default="/", pattern=PUBLIC_URL_PATTERN)
    # The embedded SFU's admin API and signalling WebSocket (`python -m embedded_sfu`, see
    # docs/embedded-sfu.md).
    embedded_sfu_url: str = "http://127.0.0.1:7890"
    embedded_sfu_public_url: str = Field(default="/rtc", pattern=PUBLIC_URL_PATTERN)

    # The app's https address for people on other machines (`make up` sets it to
    # https://<LAN address>:8443): the page a colleague opened over plain http links to it,
    # since only a secure page gets camera and microphone. Unset or empty: the page cannot link.
    public_https_url: str | None = Field(default=None, pattern=r"^https://[^\s/]+$")

    secret_key_base: str = DEV_SECRET_KEY_BASE
    admin_token: str = DEV_ADMIN_TOKEN

    token_ttl_seconds: int = Field(default=3600, ge=60, le=86400)
    # How long one participant's session may be kept alive by renewing its token (a renewal
    # past this is refused; the person joins again).
    max_session_seconds: int = Field(default=43200, ge=60)
    # How long a request to join waits in the lobby for a host before it expires.
    lobby_request_seconds: int = Field(default=300, ge=5, le=3600)
    # When the SFU reports the last host's media gone, how long the room waits for a host to
    # come back (a network drop, a reload) before the longest present becomes host.
    host_handover_grace_seconds: float = Field(default=30, ge=0, le=600)
    room_empty_timeout_seconds: int = Field(default=300, ge=10)
    room_max_participants: int = Field(default=16, ge=2, le=1000)
    max_body_bytes: int = Field(default=16 * 1024, ge=1024)
    # How long a health answer from the SFU is trusted before it is asked again.
    sfu_health_ttl_seconds: float = Field(default=2.0, gt=0)

    # Realtime channels (/ws). A socket silent for this long is closed (phoenix.js sends a
    # heartbeat every 30 s).
    realtime_heartbeat_timeout_seconds: float = Field(default=60.0, gt=0)
    realtime_max_frame_bytes: int = Field(default=16 * 1024, ge=1024)
    # Per socket: frames per second sustained, and the burst allowed above that.
    realtime_rate_per_second: float = Field(default=10.0, gt=0)
    realtime_rate_burst: int = Field(default=30, ge=1)
    # Frames queued for a client that is not reading before it is disconnected.
    realtime_max_pending_frames: int = Field(default=1000, ge=10)
    # With REDIS_URL: a backend process that has not heartbeated for this long is taken for
    # dead and its presences removed (within about 1.25 times this).
    realtime_presence_ttl_seconds: float = Field(default=20.0, ge=2, le=45)

    debug_service_url: str | None = None
    # The debug service's operator token: in production its ingest is rate-limited like a
    # browser's unless the backend presents it.
    debug_token: str | None = None
    log_level: str = "INFO"

    @field_validator("public_https_url", "sfu_url", "sfu_public_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        # env.example writes an unset value as NAME= (an empty string); for SFU_URL and
        # SFU_PUBLIC_URL unset means the provider's own variable.
        return None if value == "" else value

    @field_validator("sfu_provider")
    @classmethod
    def _registered_provider(cls, name: str) -> str:
        # Imported here: the registry builds providers from these settings.
        from video_rooms.sfu.registry import PROVIDERS

        if name not in PROVIDERS:
            raise ValueError(f"must be one of {', '.join(sorted(PROVIDERS))}")
        return name

    @cached_property
    def is_production(self) -> bool:
        return self.app_env == "production"

    def production_problems(self) -> list[str]:
        """Why this configuration must not run in production (empty when it may)."""
        if not self.is_production:
            return []
        return development_secret_problems(
            self.sfu_api_key,
            self.sfu_api_secret,
            {
                "SECRET_KEY_BASE": (self.secret_key_base, DEV_SECRET_KEY_BASE),
                "ADMIN_TOKEN": (self.admin_token, DEV_ADMIN_TOKEN),
            },
        )
