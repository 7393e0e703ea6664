"""Start-up: the analyser is loaded before the server listens, the index built after."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.models.migrations import upgrade
from dongne.runtime import build_runtime
from dongne.similar import analyzer
from tests.fixtures.server import server_settings


async def test_start_returns_with_the_analyser_loaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Loading Kiwi's model holds the GIL for seconds: the app's start-up awaits it, so
    # that it is over before uvicorn listens and no client's event waits behind it.
    monkeypatch.setattr(analyzer, "_kiwi", None)
    url = f"sqlite+aiosqlite:///{tmp_path / 'dongne.db'}"
    await asyncio.to_thread(upgrade, url)
    runtime = build_runtime(server_settings(tmp_path, url), SystemClock(), DiscardingSink())
    try:
        await runtime.similar.start(build=True)
        assert analyzer.loaded()
        # The index of an empty archive is then built in the background.
        assert len(await runtime.similar.ready()) == 0
    finally:
        await runtime.close()
