"""The client's files go out compressed (pre-compressed by the build) with long-lived caching
for hashed names, and the first screen fits a stated byte budget (issue [16] item 11).

The first screen of a signed-in phone at home: index.html, what it loads (main script,
socket.io chunk, stylesheet) and the map (Leaflet's script and stylesheet)."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
from fastapi import FastAPI

from dongne.api.errors import install_error_handlers
from dongne.web import mount_web_client
from dongne.web.compressed import accepted
from tests.e2e.build import ensure_built

# Bytes on the wire for the first screen, brotli. Uncompressed it was ~297 KB (issue [16]).
FIRST_SCREEN_BUDGET = 110_000
BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd", "Accept": "text/html,*/*"}


def first_screen(static: Path) -> list[str]:
    index = (static / "index.html").read_text()
    paths = ["/", *re.findall(r'(?:src|href)="(/assets/[^"]+)"', index)]
    paths += [
        f"/assets/{p.name}"
        for p in (static / "assets").glob("leaflet*")
        if p.suffix in (".js", ".css")
    ]
    return sorted(set(paths))


def client_for(static: Path) -> httpx.AsyncClient:
    app = FastAPI()
    install_error_handlers(app)
    mount_web_client(app, static)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dongne")


async def test_the_first_screen_is_sent_compressed_within_its_budget() -> None:
    static = ensure_built()
    paths = first_screen(static)
    assert any("leaflet" in p for p in paths)
    assert any(p.endswith(".css") for p in paths)
    total = plain = 0
    async with client_for(static) as http:
        for path in paths:
            response = await http.get(path, headers=BROWSER)
            assert response.status_code == 200, path
            assert response.headers["content-encoding"] == "br", path
            assert response.headers["vary"] == "Accept-Encoding"
            if path.startswith("/assets/"):
                assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
            total += response.num_bytes_downloaded
            name = "index.html" if path == "/" else path.lstrip("/")
            plain += (static / name).stat().st_size
    print(f"first screen: {total} bytes brotli, {plain} bytes uncompressed")
    assert total <= FIRST_SCREEN_BUDGET, (
        f"first screen is {total} bytes, budget {FIRST_SCREEN_BUDGET}"
    )
    assert total < plain / 3


async def test_gzip_for_older_clients_and_plain_for_those_that_refuse(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>동네물어봐</title>")
    script = "console.log('동네');\n" * 200
    (tmp_path / "assets" / "main-abc.js").write_text(script)
    import gzip

    (tmp_path / "assets" / "main-abc.js.gz").write_bytes(gzip.compress(script.encode()))
    async with client_for(tmp_path) as http:
        zipped = await http.get("/assets/main-abc.js", headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["content-encoding"] == "gzip"
        assert zipped.headers["content-type"].startswith("text/javascript")
        assert zipped.text == script
        # No brotli file: gzip even when brotli is preferred.
        assert (await http.get("/assets/main-abc.js", headers=BROWSER)).headers[
            "content-encoding"
        ] == "gzip"
        plain = await http.get("/assets/main-abc.js", headers={"Accept-Encoding": "identity"})
        assert "content-encoding" not in plain.headers
        assert plain.text == script


def test_accept_encoding_is_read_with_its_weights() -> None:
    assert accepted("gzip, deflate, br") == {"gzip", "deflate", "br"}
    assert accepted("br;q=0, gzip;q=0.8") == {"gzip"}
    assert accepted("") == set()
