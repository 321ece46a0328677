"""Configuration from the environment, in one place."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from vr_common.log_entry import DEFAULT_LIMITS
from vr_common.production_secrets import secret_problems

DEVELOPMENT_TOKEN = "development-only-token"


class Settings(BaseSettings):
    """Every knob of the service; the environment variable is the field name in capitals."""

    model_config = SettingsConfigDict(case_sensitive=False, extra="ignore")

    app_env: Literal["development", "production"] = "development"
    debug_host: str = "127.0.0.1"
    debug_port: int = Field(default=5000, ge=0, le=65535)
    # UDP syslog input for nginx's access log, on debug_host; 0 turns it off.
    debug_syslog_port: int = Field(default=5514, ge=0, le=65535)
    debug_db_path: Path = Path("data/debug.db")
    debug_token: str = DEVELOPMENT_TOKEN
    debug_log_level: Literal["debug", "info", "warning", "error"] = "info"

    debug_retention_max_rows: int = Field(default=500_000, ge=1)
    debug_retention_max_age_hours: float = Field(default=168.0, gt=0)
    debug_retention_interval_s: float = Field(default=60.0, gt=0)

    debug_max_body_bytes: int = Field(default=1_048_576, ge=1024)
    # The shipping handlers trim to these defaults (vr_common.log_entry): lowering them makes
    # the services' own long lines refused.
    debug_max_batch: int = Field(default=DEFAULT_LIMITS.max_batch, ge=1)
    debug_max_message_chars: int = Field(default=DEFAULT_LIMITS.max_message_chars, ge=1)
    debug_max_metadata_bytes: int = Field(default=DEFAULT_LIMITS.max_metadata_bytes, ge=2)

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

    def startup_problem(self) -> str | None:
        """Why the service must not start with these settings, in one line (None: it may)."""
        if not self.production:
            return None
        problems = secret_problems({"DEBUG_TOKEN": (self.debug_token, DEVELOPMENT_TOKEN)})
        return ("refusing to start in production: " + "; ".join(problems)) if problems else None
