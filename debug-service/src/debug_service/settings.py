"""Configuration from the environment, in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from vr_common.log_entry import DEFAULT_LIMITS
from vr_common.production_secrets import DEV_SFU_API_KEY, DEV_SFU_API_SECRET, secret_problems

DEVELOPMENT_TOKEN = "development-only-token"


class Settings(BaseSettings):
    """Every knob of the service; the environment variable is the field name in capitals."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore", populate_by_name=True)

    app_env: Literal["development", "production"] = "development"
    debug_host: str = "127.0.0.1"
    debug_port: int = Field(default=5000, ge=0, le=65535)
    # UDP syslog input for nginx's access log, on debug_host; 0 turns it off.
    debug_syslog_port: int = Field(default=5514, ge=0, le=65535)
    debug_db_path: Path = Path("data/debug.db")
    debug_token: str = DEVELOPMENT_TOKEN
    debug_log_level: Literal["debug", "info", "warning", "error"] = "info"

    # The SFU's API pair (the backend's), to read which room and participant a browser's
    # room token is for; in production the public development pair counts as unset.
    sfu_api_key: str = Field(
        default=DEV_SFU_API_KEY, validation_alias=AliasChoices("SFU_API_KEY", "LIVEKIT_API_KEY")
    )
    sfu_api_secret: str = Field(
        default=DEV_SFU_API_SECRET,
        validation_alias=AliasChoices("SFU_API_SECRET", "LIVEKIT_API_SECRET"),
    )

    debug_retention_max_rows: int = Field(default=500_000, ge=1)
    # What the stored lines may take on disk (database and its write-ahead log); beyond it the
    # oldest lines of the source (service) holding the most go first, so that a flood of
    # browser lines evicts browser lines, not the backend's.
    debug_storage_max_bytes: int = Field(default=1 << 30, ge=1 << 20)
    # Below this much free space on the database's disk, ingest refuses (507).
    debug_min_free_disk_bytes: int = Field(default=256 << 20, ge=0)
    debug_retention_max_age_hours: float = Field(default=168.0, gt=0)
    debug_retention_interval_s: float = Field(default=60.0, gt=0)

    debug_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # The shipping handlers trim to these defaults (vr_common.log_entry): lowering them makes
    # the services' own long lines refused.
    debug_max_batch: int = Field(default=DEFAULT_LIMITS.max_batch, ge=1)
    debug_max_message_chars: int = Field(default=DEFAULT_LIMITS.max_message_chars, ge=1)
    debug_max_metadata_bytes: int = Field(default=DEFAULT_LIMITS.max_metadata_bytes, ge=2)

    # Lines per second (and burst) of one anonymous client address, and of one participant.
    debug_browser_rate: float = Field(default=20.0, gt=0)
    debug_browser_burst: int = Field(default=200, ge=1)
    debug_viewer_buffer: int = Field(default=2000, ge=1)
    debug_cors_origins: str = ""
    debug_forwarded_allow_ips: str = "127.0.0.1"

    debug_monitor_interval_s: float = Field(default=5.0, gt=0)
    debug_monitor_timeout_s: float = Field(default=2.0, gt=0)
    backend_url: str = "http://127.0.0.1:4000"
    sfu_health_url: str = ""
    frontend_url: str = ""

    @property
    def production(self) -> bool:
        return self.app_env == "production"

    @property
    def cors_origins(self) -> list[str]:
        return [origin.strip() for origin in self.debug_cors_origins.split(",") if origin.strip()]

    @property
    def room_token_keys(self) -> tuple[str, str] | None:
        """The pair room tokens are checked with, or None when browser lines stay untagged."""
        if not self.sfu_api_key or not self.sfu_api_secret:
            return None
        if self.production and self.sfu_api_secret == DEV_SFU_API_SECRET:
            return None
        return self.sfu_api_key, self.sfu_api_secret

    def startup_problem(self) -> str | None:
        """Why the service must not start with these settings, in one line (None: it may)."""
        if not self.production:
            return None
        problems = secret_problems({"DEBUG_TOKEN": (self.debug_token, DEVELOPMENT_TOKEN)})
        return ("refusing to start in production: " + "; ".join(problems)) if problems else None
