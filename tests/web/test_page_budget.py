"""The first screen's weight, checked on every build: what index.html loads before the user
does anything (its scripts, preloads and styles), gzipped as served. Lighthouse itself is
run by `bench/lighthouse.py` (it needs a browser and half a minute; figures in README)."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest

from tests.e2e.build import INDEX, STATIC, ensure_built

# Measured 2026-12: ~49 KB of JavaScript and ~3.5 KB of CSS gzipped; the budget leaves
# room to grow without letting a map library or a framework slip into the first load.
BUDGET_JS_GZIP = 70_000
BUDGET_CSS_GZIP = 8_000


def _first_load() -> dict[str, Path]:
    html = INDEX.read_text()
    refs = re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', html)
    return {ref: STATIC / ref.lstrip("/") for ref in refs}


def _gzipped(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=9))


def test_the_first_screen_stays_within_its_budget() -> None:
    try:
        ensure_built()
    except Exception as exc:  # noqa: BLE001 - no Node here: nothing to measure
        pytest.skip(f"the web client cannot be built here: {exc}")
    assets = _first_load()
    js = sum(_gzipped(p) for ref, p in assets.items() if ref.endswith(".js"))
    css = sum(_gzipped(p) for ref, p in assets.items() if ref.endswith(".css"))
    assert any(ref.endswith(".js") for ref in assets), assets
    assert js <= BUDGET_JS_GZIP, f"first-load JavaScript is {js} bytes gzipped"
    assert css <= BUDGET_CSS_GZIP, f"first-load CSS is {css} bytes gzipped"
    # Leaflet (the map) loads only when a map is shown.
    assert not any("leaflet" in ref for ref in assets), assets
