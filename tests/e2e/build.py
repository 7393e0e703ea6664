"""Builds the web client (web/ -> src/dongne/static) if missing or older than its sources."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
STATIC = ROOT / "src" / "dongne" / "static"
INDEX = STATIC / "index.html"
# What the build reads besides web/: the bundled Jeju data.
DATA = ROOT / "src" / "dongne" / "regions" / "data"


def _newest_source() -> float:
    paths = [
        WEB / "index.html",
        WEB / "admin.html",
        WEB / "vite.config.ts",
        WEB / "package-lock.json",
    ]
    for folder in (WEB / "src", WEB / "public"):
        paths += [p for p in folder.rglob("*") if p.is_file()]
    paths += [DATA / "jeju_hotspots.json", DATA / "jeju_regions.geojson"]
    return max(p.stat().st_mtime for p in paths if p.exists())


def build_needed() -> bool:
    return not INDEX.is_file() or INDEX.stat().st_mtime < _newest_source()


def ensure_built() -> Path:
    """Runs `npm ci` (if node_modules is missing or stale) and `npm run build` when needed."""
    if not build_needed():
        return STATIC
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed: it is needed to build the web client")
    env = {**os.environ, "CI": os.environ.get("CI", "")}
    stamp = WEB / "node_modules" / ".package-lock.json"
    lock = WEB / "package-lock.json"
    if not stamp.is_file() or stamp.stat().st_mtime < lock.stat().st_mtime:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=WEB, check=True, env=env, timeout=600
        )
    subprocess.run([npm, "run", "build"], cwd=WEB, check=True, env=env, timeout=600)
    return STATIC
