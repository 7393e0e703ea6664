"""The build's files as the browser accepts them: `name.br` or `name.gz` (written beside each
text file by the build, web/vite.config.ts) when the request allows that encoding, the plain
file otherwise. No compression work happens per request."""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse

# Best first: brotli is ~15 % smaller than gzip on our bundles.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))


def accepted(accept_encoding: str) -> set[str]:
    """The codings a client accepts (`q=0` means refused)."""
    codings: set[str] = set()
    for part in accept_encoding.split(","):
        name, _, params = part.strip().partition(";")
        if params.strip().replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            continue
        if name:
            codings.add(name.strip().lower())
    return codings


def file_response(
    path: Path,
    request_headers: Headers,
    *,
    media_type: str | None = None,
    headers: dict[str, str] | None = None,
    status_code: int = 200,
) -> FileResponse:
    """`path` itself, or its pre-compressed sibling the client accepts."""
    media = media_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    out = {**(headers or {}), "Vary": "Accept-Encoding"}
    codings = accepted(request_headers.get("accept-encoding", ""))
    for coding, suffix in ENCODINGS:
        sibling = path.with_name(path.name + suffix)
        if coding in codings and sibling.is_file():
            out["Content-Encoding"] = coding
            return FileResponse(sibling, status_code=status_code, media_type=media, headers=out)
    return FileResponse(path, status_code=status_code, media_type=media, headers=out)
