"""The production rule for the API key pair and other secrets, in one wording for every process
that holds them (the backend and the embedded SFU share the pair, so an operator sees the same
complaint from both)."""

from __future__ import annotations

from collections.abc import Mapping

# The development defaults are public (they are in this repository); production refuses them.
# `devkey`/`secret` are also what `livekit-server --dev` accepts.
DEV_SFU_API_KEY = "devkey"
DEV_SFU_API_SECRET = "secret"
MIN_SECRET_LENGTH = 32


def development_secret_problems(api_key: str, secrets: Mapping[str, tuple[str, str]]) -> list[str]:
    """Why these secrets must not run in production (empty when they may): the API key must not
    be the development one, and each secret (name -> (value, development default)) must be
    neither its development default nor shorter than MIN_SECRET_LENGTH."""
    problems: list[str] = []
    if api_key == DEV_SFU_API_KEY:
        problems.append("LIVEKIT_API_KEY is the development default")
    for name, (value, dev_default) in secrets.items():
        if value == dev_default:
            problems.append(f"{name} is the development default")
        elif len(value) < MIN_SECRET_LENGTH:
            problems.append(f"{name} is shorter than {MIN_SECRET_LENGTH} characters")
    return problems
