"""The production rule for the API key pair and other secrets, in one wording for every process
that holds them (the backend and the embedded SFU share the pair, so an operator sees the same
complaint from both; the debug service's DEBUG_TOKEN follows the same rule)."""

from __future__ import annotations

from collections.abc import Mapping

# The development defaults are public (they are in this repository); production refuses them.
# `devkey`/`secret` are also what `livekit-server --dev` accepts.
DEV_SFU_API_KEY = "devkey"
DEV_SFU_API_SECRET = "secret"
MIN_SECRET_LENGTH = 32


# The pair's names: SFU-neutral, with the seed's LIVEKIT_* read when they are not set.
API_KEY_NAMES = "SFU_API_KEY (or LIVEKIT_API_KEY)"
API_SECRET_NAMES = "SFU_API_SECRET (or LIVEKIT_API_SECRET)"


def development_secret_problems(
    api_key: str, api_secret: str, others: Mapping[str, tuple[str, str]] | None = None
) -> list[str]:
    """Why these secrets must not run in production (empty when it may): the API key must not
    be the development one, and the API secret and each other secret (name -> (value,
    development default)) must be neither its development default nor shorter than
    MIN_SECRET_LENGTH."""
    problems: list[str] = []
    if api_key == DEV_SFU_API_KEY:
        problems.append(f"{API_KEY_NAMES} is the development default")
    return problems + secret_problems(
        {API_SECRET_NAMES: (api_secret, DEV_SFU_API_SECRET), **(others or {})}
    )


def secret_problems(secrets: Mapping[str, tuple[str, str]]) -> list[str]:
    """The rule for every production secret (name -> (value, development default)): set, not
    its development default, and at least MIN_SECRET_LENGTH characters."""
    problems: list[str] = []
    for name, (value, dev_default) in secrets.items():
        if not value.strip():
            problems.append(f"{name} is not set")
        elif value == dev_default:
            problems.append(f"{name} is the development default")
        elif len(value) < MIN_SECRET_LENGTH:
            problems.append(f"{name} is shorter than {MIN_SECRET_LENGTH} characters")
    return problems
