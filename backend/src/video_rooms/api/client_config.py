"""`GET /api/config`: what the browser app needs to know about this server before a call."""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

router = APIRouter(prefix="/api", tags=["config"])


class ClientConfigPublic(BaseModel):
    https_url: str | None = Field(
        description="The app's https origin for other machines (PUBLIC_HTTPS_URL), or null",
        examples=["https://192.168.1.20:8443"],
    )


@router.get("/config")
async def client_config(request: Request) -> ClientConfigPublic:
    """Public and the same for everyone: nothing here is secret."""
    return ClientConfigPublic(https_url=request.app.state.settings.public_https_url)
