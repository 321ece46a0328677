"""Reading an ingest body with a hard size limit, before and after gzip."""

from __future__ import annotations

import zlib

from starlette.requests import Request

from debug_service.errors import ApiError


def _too_large(max_bytes: int) -> ApiError:
    return ApiError(413, "payload_too_large", f"the body is larger than {max_bytes} bytes")


async def read_body(request: Request, max_bytes: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        raise _too_large(max_bytes)
    # Read chunk by chunk so that a body without (or lying about) Content-Length cannot make
    # the service buffer more than the limit.
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    body = b"".join(chunks)
    encoding = request.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding != "gzip":
        raise ApiError(
            415, "unsupported_media_type", f"Content-Encoding {encoding} is not supported"
        )
    decompressor = zlib.decompressobj(wbits=31)
    try:
        # max_length bounds the output: a small "gzip bomb" cannot expand past the limit.
        plain = decompressor.decompress(body, max_bytes + 1)
    except zlib.error:
        raise ApiError(400, "invalid_body", "the body is not valid gzip") from None
    if len(plain) > max_bytes or decompressor.unconsumed_tail:
        raise _too_large(max_bytes)
    return plain
