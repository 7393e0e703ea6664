"""The web client's routes: index.html for the client's paths, assets, the service worker,
and a page that says how to build the client when it is missing (issue [8])."""

from __future__ import annotations

from pathlib import Path

import httpx
from fastapi import FastAPI

from dongne.api.errors import install_error_handlers
from dongne.web import SPA_ROUTES, mount_web_client


def client_for(static_dir: Path) -> httpx.AsyncClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/api/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    mount_web_client(app, static_dir)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://dongne")


async def test_without_a_build_the_client_paths_say_how_to_build_it(tmp_path: Path) -> None:
    async with client_for(tmp_path) as http:
        for path in ("/", "/q/01JABC", "/settings"):
            response = await http.get(path)
            assert response.status_code == 503
            assert "웹 클라이언트가 아직 빌드되지 않았어요" in response.text
            assert "The web client is not built yet" in response.text
            assert "make run" in response.text
        assert (await http.get("/assets/main.js")).status_code == 404
        assert (await http.get("/sw.js")).status_code == 404
        assert (await http.get("/api/ping")).json() == {"pong": "yes"}


async def test_serves_the_build(tmp_path: Path) -> None:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><title>동네물어봐</title>")
    (tmp_path / "assets" / "main-abc123.js").write_text("console.log(1)")
    (tmp_path / "sw.js").write_text("self.addEventListener('push', () => {})")
    (tmp_path / "manifest.webmanifest").write_text("{}")
    async with client_for(tmp_path) as http:
        for path in ("/", "/login", "/signup", "/ask", "/notifications", "/profile", "/q/01J"):
            response = await http.get(path)
            assert response.status_code == 200, path
            assert "동네물어봐" in response.text
            assert response.headers["cache-control"] == "no-cache"
        asset = await http.get("/assets/main-abc123.js")
        assert asset.status_code == 200
        assert "immutable" in asset.headers["cache-control"]
        worker = await http.get("/sw.js")
        assert worker.headers["service-worker-allowed"] == "/"
        assert worker.headers["content-type"].startswith("text/javascript")
        manifest = await http.get("/manifest.webmanifest")
        assert manifest.headers["content-type"] == "application/manifest+json"
        # Only the client's own paths fall back to index.html; the rest stays a 404.
        for path in ("/nope", "/q/a/b", "/api/nope", "/assets/missing.js"):
            response = await http.get(path)
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "not_found"


async def test_an_unknown_path_is_a_404_page_for_browsers_and_json_for_programs(
    tmp_path: Path,
) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    async with client_for(tmp_path) as http:
        # Without a build: a short page of our own, never the raw JSON error.
        page = await http.get("/nope", headers=browser)
        assert page.status_code == 404
        assert page.headers["content-type"].startswith("text/html")
        assert "페이지를 찾을 수 없어요" in page.text
    (tmp_path / "index.html").write_text("<!doctype html><title>동네물어봐</title>")
    async with client_for(tmp_path) as http:
        for path in ("/nope", "/q/a/b", "/some/deep/path"):
            page = await http.get(path, headers=browser)
            assert page.status_code == 404, path
            assert "동네물어봐" in page.text  # the client, which renders its 404 screen
        for path in ("/api/nope", "/media/x/y.png", "/assets/missing.js"):
            response = await http.get(path, headers=browser)
            assert response.status_code == 404, path
            assert response.json()["error"]["code"] == "not_found"
        # Other methods are for programs: never a page.
        posted = await http.post("/nope", headers=browser)
        assert posted.headers["content-type"].startswith("application/json")
        assert (await http.get("/api/ping")).json() == {"pong": "yes"}
        assert (await http.delete("/api/ping")).status_code == 405


def test_the_client_routes_match_the_router() -> None:
    router = (Path(__file__).parents[2] / "web" / "src" / "router.ts").read_text()
    for path in SPA_ROUTES:
        literal = path.replace("/q/{question_id}", "/q/").replace("/u/{user_id}", "/u/")
        assert f'"{literal}"' in router or literal in ("/q/", "/u/"), path
    assert "/^\\/q\\/" in router
    assert "/^\\/u\\/" in router


async def test_the_admin_dashboard_is_a_page_of_its_own(tmp_path: Path) -> None:
    async with client_for(tmp_path) as http:
        missing = await http.get("/admin")
        assert missing.status_code == 503
        assert "make run" in missing.text
    (tmp_path / "index.html").write_text("<!doctype html><title>동네물어봐</title>")
    (tmp_path / "admin.html").write_text("<!doctype html><title>동네물어봐 운영 대시보드</title>")
    async with client_for(tmp_path) as http:
        for path in ("/admin", "/admin/"):
            response = await http.get(path)
            assert response.status_code == 200, path
            assert "운영 대시보드" in response.text
            assert response.headers["cache-control"] == "no-cache"
        # The client's pages do not carry the dashboard, and its sub-paths are not pages.
        assert "운영 대시보드" not in (await http.get("/")).text
        assert (await http.get("/admin/users")).status_code == 404
