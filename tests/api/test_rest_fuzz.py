"""schemathesis throws generated requests at every operation of /openapi.json: no 5xx."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import pytest

from tests.fixtures.clients import Api

SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")


@pytest.mark.skipif(not SCHEMATHESIS.exists(), reason="schemathesis is not installed")
@pytest.mark.timeout(600)  # as long as the run below may take (2 min on a busy machine)
async def test_no_operation_answers_with_a_server_error(
    api: Api, backend: str, tmp_path: Path
) -> None:
    if backend != "sqlite":
        pytest.skip("the REST fuzz exercises the API's logic: once, on SQLite, is enough")
    account = await api.register()
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "run",
        f"{api.server.url}/openapi.json",
        "--checks",
        "not_a_server_error",
        "--max-examples",
        "25",
        "--generation-deterministic",
        "--header",
        f"Authorization: Bearer {account.access_token}",
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        cwd=tmp_path,
        env={**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_HOOKS": ""},
    )
    output, _ = await asyncio.wait_for(process.communicate(), timeout=600)
    text = output.decode(errors="replace")
    assert process.returncode == 0, text[-6000:]
    assert "Server error" not in text
