"""Serves the built web client: `index.html` for the client's routes, hashed files under
`/assets`, the service worker and the manifest at the root. Without a build, the client's
routes answer with a short page that says how to build it.

The build is looked up on every request, so `npm run build` while the server runs is
picked up without a restart.
"""

from __future__ import annotations

import os
from pathlib import Path

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from dongne.web import compressed

# The client's own routes (web/src/router.ts): each answers with index.html.
SPA_ROUTES = (
    "/",
    "/login",
    "/signup",
    "/forgot",
    "/reset",
    "/ask",
    "/notifications",
    "/settings",
    "/profile",
    "/q/{question_id}",
    "/u/{user_id}",
)

# The admin dashboard: a page of its own (web/admin.html), so the client's bundle stays free
# of it.
ADMIN_ROUTES = ("/admin", "/admin/")

# Files of the build that must live at the site root.
ROOT_FILES = {
    # The service worker controls only the paths below its own: it must be at `/`.
    "sw.js": "text/javascript; charset=utf-8",
    "manifest.webmanifest": "application/manifest+json",
    "icon.svg": "image/svg+xml",
    # PNG icons for installing (a splash screen needs a 512 px PNG).
    "icon-192.png": "image/png",
    "icon-512.png": "image/png",
}

NO_CACHE = {"Cache-Control": "no-cache"}
# Hashed file names change with their content: a year, never revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"

# Paths that are never the client's: an unknown one stays a JSON 404 (PROTOCOL.md's error body).
MACHINE_PREFIXES = ("api/", "media/", "assets/", "socket.io/", "admin/")

NOT_FOUND_PAGE = """<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>페이지를 찾을 수 없어요 · 동네물어봐</title>
<style>
body{font-family:system-ui,"Noto Sans CJK KR",sans-serif;max-width:36rem;margin:3rem auto;
padding:0 1rem;line-height:1.6;color:#1f1f1f}
</style>
</head>
<body>
<h1>페이지를 찾을 수 없어요</h1>
<p>주소가 바뀌었거나 없는 페이지예요. <a href="/">홈으로 가기</a></p>
<p lang="en">Page not found. <a href="/">Go home</a></p>
</body>
</html>
"""

NOT_BUILT_PAGE = """<!doctype html>
<html lang="ko">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>동네물어봐 — 웹 클라이언트가 아직 빌드되지 않았어요</title>
<style>
body{font-family:system-ui,"Noto Sans CJK KR",sans-serif;max-width:36rem;margin:3rem auto;
padding:0 1rem;line-height:1.6;color:#1f1f1f}
code{background:#f1ece4;padding:.1rem .3rem;border-radius:4px}
</style>
</head>
<body>
<h1>웹 클라이언트가 아직 빌드되지 않았어요</h1>
<p><code>make run</code>을 실행하면 클라이언트를 빌드한 뒤 서버를 시작합니다.
직접 빌드하려면 <code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>.
API는 지금도 동작합니다: <a href="/docs">/docs</a>.</p>
<h2 lang="en">The web client is not built yet</h2>
<p lang="en"><code>make run</code> builds it and then starts the server. To build it by hand:
<code>cd web &amp;&amp; npm ci &amp;&amp; npm run build</code>. The API works meanwhile:
<a href="/docs">/docs</a>.</p>
</body>
</html>
"""


class _Assets(StaticFiles):
    """Hashed build files: cached for good; a 404 (not a crash) while there is no build."""

    async def check_config(self) -> None:
        try:
            await super().check_config()
        except RuntimeError as exc:  # the directory does not exist (yet)
            raise HTTPException(status_code=404) from exc

    def file_response(
        self,
        full_path: os.PathLike[str] | str,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        request_headers = Headers(scope=scope)
        response = super().file_response(full_path, stat_result, scope, status_code)
        if response.status_code == 304:
            response.headers["Cache-Control"] = IMMUTABLE
            return response
        return compressed.file_response(
            Path(full_path),
            request_headers,
            headers={"Cache-Control": IMMUTABLE},
            status_code=status_code,
        )


def mount_web_client(app: FastAPI, static_dir: Path) -> None:
    """Adds the web client's routes to `app` (after the API's, which keep their paths)."""

    def html_page(name: str, paths: tuple[str, ...]) -> None:
        async def serve(request: Request) -> Response:
            page = static_dir / name
            if page.is_file():
                return compressed.file_response(
                    page, request.headers, media_type="text/html", headers=NO_CACHE
                )
            return HTMLResponse(NOT_BUILT_PAGE, status_code=503, headers=NO_CACHE)

        for path in paths:
            app.router.add_route(path, serve, methods=["GET"], include_in_schema=False)

    html_page("index.html", SPA_ROUTES)
    html_page("admin.html", ADMIN_ROUTES)

    def root_file(name: str, media_type: str) -> None:
        async def serve(request: Request) -> Response:
            target = static_dir / name
            if not target.is_file():
                raise HTTPException(status_code=404)
            headers = dict(NO_CACHE)
            if name == "sw.js":
                headers["Service-Worker-Allowed"] = "/"
            return compressed.file_response(
                target, request.headers, media_type=media_type, headers=headers
            )

        app.router.add_route(f"/{name}", serve, methods=["GET"], include_in_schema=False)

    for name, media_type in ROOT_FILES.items():
        root_file(name, media_type)

    app.mount(
        "/assets", _Assets(directory=static_dir / "assets", check_dir=False), name="web-assets"
    )

    # Last of all: an unknown path. A browser asking for a page gets the client, which shows
    # its "page not found" screen, with the status 404; programs keep the JSON error.
    async def not_found(request: Request) -> Response:
        path = request.url.path.lstrip("/")
        wants_page = "text/html" in request.headers.get("accept", "")
        if path.startswith(MACHINE_PREFIXES) or not wants_page:
            raise HTTPException(status_code=404)
        page = static_dir / "index.html"
        if page.is_file():
            return compressed.file_response(
                page, request.headers, media_type="text/html", headers=NO_CACHE, status_code=404
            )
        return HTMLResponse(NOT_FOUND_PAGE, status_code=404, headers=NO_CACHE)

    # GET only: a wrong method on a real API path stays a 405.
    app.router.add_route("/{path:path}", not_found, methods=["GET"], include_in_schema=False)
