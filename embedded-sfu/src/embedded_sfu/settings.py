"""Configuration of the embedded SFU process, read from the environment.

The API key and secret are read under the same names as the backend's (`LIVEKIT_API_KEY`,
`LIVEKIT_API_SECRET`): one `.env` configures both, and join tokens mean the same to both.
"""

from __future__ import annotations

from typing import Literal

from aiortc import RTCIceServer
from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict
from vr_common.production_secrets import (
    DEV_SFU_API_KEY,
    DEV_SFU_API_SECRET,
    development_secret_problems,
)


class EmbeddedSfuSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EMBEDDED_SFU_", env_file=".env", extra="ignore")

    # Read as APP_ENV, like the backend's: one `.env` puts both in production.
    app_env: Literal["development", "production"] = Field(
        default="development", validation_alias=AliasChoices("EMBEDDED_SFU_APP_ENV", "APP_ENV")
    )
    host: str = "127.0.0.1"
    port: int = 7890
    api_key: str = Field(
        default=DEV_SFU_API_KEY,
        validation_alias=AliasChoices("EMBEDDED_SFU_API_KEY", "LIVEKIT_API_KEY"),
    )
    api_secret: str = Field(
        default=DEV_SFU_API_SECRET,
        validation_alias=AliasChoices("EMBEDDED_SFU_API_SECRET", "LIVEKIT_API_SECRET"),
    )
    # Comma-separated STUN/TURN URLs (stun:host:port); empty keeps ICE to host candidates,
    # which is all a single machine or a LAN needs.
    ice_servers: str = ""
    max_participants: int = Field(default=16, ge=2, le=100)
    empty_timeout_seconds: int = Field(default=300, ge=10)
    # How long a client may take to answer the server's offer before its session is ended.
    answer_timeout_seconds: float = Field(default=15.0, gt=0)
    # Enables the downlink- and uplink-loss admin endpoints used by tests; refused in production.
    test_hooks: bool = False
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("EMBEDDED_SFU_LOG_LEVEL", "LOG_LEVEL")
    )

    def production_problems(self) -> list[str]:
        """Why this configuration must not run in production (empty when it may).

        The key/secret rule and wording are shared with the backend
        (`vr_common.production_secrets`): the two processes hold the same pair.
        """
        if self.app_env != "production":
            return []
        problems = development_secret_problems(
            self.api_key, {"LIVEKIT_API_SECRET": (self.api_secret, DEV_SFU_API_SECRET)}
        )
        if self.test_hooks:
            # The hooks let an admin token degrade anyone's media on purpose.
            problems.append("EMBEDDED_SFU_TEST_HOOKS is enabled")
        return problems

    def rtc_ice_servers(self) -> list[RTCIceServer]:
        urls = [url.strip() for url in self.ice_servers.split(",")]
        return [RTCIceServer(urls=url) for url in urls if url]
