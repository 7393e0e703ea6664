"""Lighthouse on the first screen (mobile profile), with Debian's Chromium.

    python bench/lighthouse.py [--url http://127.0.0.1:8000/login]

Without --url it starts `dongne serve` on a fresh database in a temporary folder. Lighthouse
11.7 (the last with the PWA/installability category) runs through npx; the run fails when
performance, accessibility, best practices or PWA score below 0.90.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

LIGHTHOUSE = "lighthouse@11.7.1"
CATEGORIES = ("performance", "accessibility", "best-practices", "pwa")
THRESHOLD = 0.90
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "cumulative-layout-shift",
    "total-byte-weight",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {**os.environ, "DONGNE_DATA_DIR": str(folder)}
    dongne = str(Path(sys.executable).with_name("dongne"))
    subprocess.run([dongne, "migrate"], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [dongne, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/login"
    for _ in range(100):
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return server, url
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not start")


def _lighthouse(url: str, report: Path) -> dict[str, Any]:
    subprocess.run(
        [
            "npx", "--yes", LIGHTHOUSE, url, "--quiet",
            "--chrome-flags=--headless=new --no-sandbox",
            f"--only-categories={','.join(CATEGORIES)}",
            "--output=json", f"--output-path={report}",
        ],
        env={**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")},
        check=True,
    )  # fmt: skip
    return json.loads(report.read_text())  # type: ignore[no-any-return]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = None
        url = args.url
        if url is None:
            server, url = _serve(Path(tmp))
        try:
            result = _lighthouse(url, Path(tmp) / "report.json")
        finally:
            if server is not None:
                server.terminate()
    categories = result["categories"]
    audits = result["audits"]
    scores = {name: categories[name]["score"] for name in CATEGORIES}
    print(f"Lighthouse {result['lighthouseVersion']} (mobile) {url}")
    for name, score in scores.items():
        print(f"  {name:<15} {round(score * 100)}")
    for metric in METRICS:
        print(f"  {metric:<25} {audits[metric]['displayValue']}")
    return 0 if all(score >= THRESHOLD for score in scores.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
