"""The API's interactive docs at `/api/docs`, under `/api/` so nginx serves them as it serves
the API, with Swagger UI's files served from here (the `fastapi-offline` package ships them):
no CDN, and no inline script or style, so the app's Content-Security-Policy allows the page.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import fastapi_offline
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

DOCS_PATH = "/api/docs"
OPENAPI_PATH = "/api/openapi.json"
ASSETS_PATH = f"{DOCS_PATH}/assets"
SWAGGER_UI_FILES = Path(fastapi_offline.__file__).parent / "static"

router = APIRouter(include_in_schema=False)

_PAGE = f"""<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Video Rooms API</title>
<link rel="icon" href="{ASSETS_PATH}/favicon.png">
<link rel="stylesheet" href="{ASSETS_PATH}/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="{ASSETS_PATH}/swagger-ui-bundle.js"></script>
<script src="{DOCS_PATH}/init.js"></script>
</body>
</html>
"""

# No validator badge: it would load an image from swagger.io.
_INIT = f"""window.ui = SwaggerUIBundle({{
  url: "{OPENAPI_PATH}",
  dom_id: "#swagger-ui",
  validatorUrl: null,
  deepLinking: true,
}});
"""


@router.get(DOCS_PATH)
async def docs_page() -> HTMLResponse:
    return HTMLResponse(_PAGE)


@router.get(f"{DOCS_PATH}/init.js")
async def docs_init() -> Response:
    return Response(_INIT, media_type="text/javascript")


assets = StaticFiles(directory=SWAGGER_UI_FILES)


@router.get("/openapi.json")
async def openapi_at_the_root(request: Request) -> dict[str, Any]:
    """Where the description was first served; kept for the tools that read it there."""
    spec: dict[str, Any] = request.app.openapi()
    return spec
