"""Configuration of the embedded SFU process, read from the environment.

The API key and secret are read under the same names as the backend's (`SFU_API_KEY`,
`SFU_API_SECRET`, or the seed's `LIVEKIT_API_KEY`, `LIVEKIT_API_SECRET`): one `.env` configures
both, and join tokens mean the same to both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from aiortc import RTCIceServer
from pydantic import AliasChoices, Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from vr_common.production_secrets import (
    DEV_SFU_API_KEY,
    DEV_SFU_API_SECRET,
    development_secret_problems,
)

from embedded_sfu.ice_ports import IcePolicy, PortRange
from embedded_sfu.turn_credentials import TurnRelay


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
        validation_alias=AliasChoices("EMBEDDED_SFU_API_KEY", "SFU_API_KEY", "LIVEKIT_API_KEY"),
    )
    api_secret: str = Field(
        default=DEV_SFU_API_SECRET,
        validation_alias=AliasChoices(
            "EMBEDDED_SFU_API_SECRET", "SFU_API_SECRET", "LIVEKIT_API_SECRET"
        ),
    )
    # Comma-separated STUN/TURN URLs (stun:host:port); empty keeps ICE to host candidates,
    # which is all a single machine or a LAN needs.
    ice_servers: str = ""
    # The UDP ports media sockets bind to, "FIRST-LAST": the firewall opens these. Each
    # participant holds two (one per connection) on each of the host's addresses, so the
    # default's 200 serve ~100 participants; empty: any ephemeral port (no firewall possible).
    udp_ports: str = "50000-50199"
    # The public address of a host behind 1:1 NAT (a cloud VM), offered to browsers beside the
    # host's own addresses; the NAT must forward `udp_ports` to this host unchanged.
    advertised_ip: str = ""
    # A TURN relay (coturn) for browsers without UDP to the SFU: comma-separated turn:/turns:
    # URLs handed to browsers in `joined.ice_servers` with short-lived credentials minted from
    # `turn_secret` (coturn's static-auth-secret), valid for `turn_ttl_seconds`.
    turn_urls: str = ""
    turn_secret: str = ""
    turn_ttl_seconds: int = Field(default=6 * 3600, ge=60)
    # Where the rooms the backend created are kept, so a restarted SFU still serves them (its
    # browsers rejoin); unset, a restart forgets every room and ends every call.
    room_registry_file: Path | None = None
    # Where participants joining and leaving are reported, signed as LiveKit signs its webhooks
    # (the backend's /api/webhooks/livekit); empty: not reported, and the backend's connected
    # counts (room_full, GET /api/rooms/{id} when the SFU is down) stay at 0.
    webhook_url: str = ""
    # How long a client may take to answer the server's offer before its session is ended.
    answer_timeout_seconds: float = Field(default=15.0, gt=0)
    # Enables the downlink- and uplink-loss admin endpoints used by tests; refused in production.
    test_hooks: bool = False
    # Where this process ships its log lines (the debug service, as the backend's
    # DEBUG_SERVICE_URL), with the debug service's token; empty: the terminal only.
    debug_service_url: str = Field(
        default="",
        validation_alias=AliasChoices("EMBEDDED_SFU_DEBUG_SERVICE_URL", "DEBUG_SERVICE_URL"),
    )
    debug_token: str = Field(
        default="", validation_alias=AliasChoices("EMBEDDED_SFU_DEBUG_TOKEN", "DEBUG_TOKEN")
    )
    log_level: str = Field(
        default="INFO", validation_alias=AliasChoices("EMBEDDED_SFU_LOG_LEVEL", "LOG_LEVEL")
    )

    @field_validator("udp_ports")
    @classmethod
    def _port_range(cls, value: str) -> str:
        if value.strip():
            PortRange.parse(value)
        return value

    @field_validator("advertised_ip")
    @classmethod
    def _address(cls, value: str) -> str:
        if value.strip():
            IcePolicy(advertised_ip=value.strip())
        return value.strip()

    @field_validator("turn_urls")
    @classmethod
    def _turn_urls(cls, value: str) -> str:
        urls = [url.strip() for url in value.split(",") if url.strip()]
        wrong = [url for url in urls if not url.startswith(("turn:", "turns:"))]
        if wrong:
            raise ValueError(f"not a turn: or turns: URL: {', '.join(wrong)}")
        return ",".join(urls)

    @model_validator(mode="after")
    def _turn_secret_with_urls(self) -> EmbeddedSfuSettings:
        if self.turn_urls and not self.turn_secret:
            raise ValueError("EMBEDDED_SFU_TURN_URLS needs EMBEDDED_SFU_TURN_SECRET (coturn's)")
        return self

    def production_problems(self) -> list[str]:
        """Why this configuration must not run in production (empty when it may).

        The key/secret rule and wording are shared with the backend
        (`vr_common.production_secrets`): the two processes hold the same pair.
        """
        if self.app_env != "production":
            return []
        problems = development_secret_problems(self.api_key, self.api_secret)
        if self.turn_urls and len(self.turn_secret) < 32:
            problems.append("EMBEDDED_SFU_TURN_SECRET must have 32+ characters with TURN URLs")
        if self.test_hooks:
            # The hooks let an admin token degrade anyone's media on purpose.
            problems.append("EMBEDDED_SFU_TEST_HOOKS is enabled")
        return problems

    def ice_policy(self) -> IcePolicy:
        return IcePolicy(
            ports=PortRange.parse(self.udp_ports) if self.udp_ports.strip() else None,
            advertised_ip=self.advertised_ip or None,
        )

    def turn_relay(self) -> TurnRelay | None:
        if not self.turn_urls:
            return None
        return TurnRelay(self.turn_urls.split(","), self.turn_secret, self.turn_ttl_seconds)

    def rtc_ice_servers(self) -> list[RTCIceServer]:
        urls = [url.strip() for url in self.ice_servers.split(",")]
        return [RTCIceServer(urls=url) for url in urls if url]
