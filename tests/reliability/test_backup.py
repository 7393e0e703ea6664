"""Backups: `dongne backup` under load keeps everything committed before it began, with
the uploads; `dongne restore` puts it back; PostgreSQL's pg_dump/pg_restore round trip."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from dongne import backup
from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.models import Question
from dongne.models.migrations import upgrade
from dongne.runtime import build_runtime
from tests.fixtures.clients import Api, connect
from tests.fixtures.databases import fresh_database, postgres_base_url
from tests.fixtures.jeju import question_payload
from tests.fixtures.server import migrated_server, server_settings
from tests.fixtures.services import postgres_bin
from tests.media.test_uploads_http import jpeg_with_gps


async def question_ids(data_dir: Path, url: str) -> set[str]:
    runtime = build_runtime(server_settings(data_dir, url), SystemClock(), DiscardingSink())
    try:
        async with runtime.db.transaction(readonly=True) as uow:
            return set((await uow.session.execute(select(Question.id))).scalars())
    finally:
        await runtime.close()


async def test_backup_under_load_keeps_what_was_committed_before_it(tmp_path: Path) -> None:
    live = tmp_path / "live"
    live.mkdir()
    async with migrated_server("sqlite", live) as server:
        api = Api(server)
        askers = [await api.register() for _ in range(4)]
        uploaded = await api.http.post(
            "/api/uploads",
            files={"file": ("photo.jpg", jpeg_with_gps(), "image/jpeg")},
            headers=api.auth(askers[0]),
        )
        assert uploaded.status_code == 201, uploaded.text
        clients = [await connect(server, a.access_token) for a in askers]
        committed: list[str] = []
        stop = asyncio.Event()
        progress = asyncio.Condition()

        async def until(count: int) -> None:
            async with progress:
                await progress.wait_for(lambda: len(committed) >= count)

        async def ask(n: int) -> None:
            client = clients[n]
            while not stop.is_set():
                payload = question_payload(
                    title=f"{n}번 질문 {len(committed)}", content=f"내용 {n}-{len(committed)}"
                )
                ack = await client.call("create_question", payload)
                assert ack["ok"] is True, ack
                committed.append(str(ack["question"]["id"]))  # acknowledged: committed
                async with progress:
                    progress.notify_all()

        load = [asyncio.create_task(ask(n)) for n in range(len(clients))]
        await until(20)
        before = set(committed)
        manifest = await asyncio.to_thread(
            backup.backup, live, server.settings.resolved_database_url, tmp_path / "copy"
        )
        during_and_after = len(committed)
        await until(during_and_after + 10)  # the load went on meanwhile
        stop.set()
        await asyncio.gather(*load)
        for client in clients:
            await client.close()
        await api.close()
    assert int(str(manifest["files"])) >= 1

    restored = tmp_path / "restored"
    url = f"sqlite+aiosqlite:///{restored / 'dongne.db'}"
    backup.restore(tmp_path / "copy", restored, url)
    ids = await question_ids(restored, url)
    assert before <= ids, f"lost {len(before - ids)} committed questions"
    media = [p.name for p in (restored / "media").rglob("*") if p.is_file()]
    assert media, "the upload was not copied"


def test_restore_refuses_a_folder_that_is_not_a_backup(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError):
        backup.restore(tmp_path, tmp_path / "data", f"sqlite+aiosqlite:///{tmp_path}/x.db")


def test_backup_of_postgresql_points_to_pg_dump(tmp_path: Path) -> None:
    with pytest.raises(backup.BackupError, match="pg_dump"):
        backup.backup(tmp_path, "postgresql+asyncpg://u:p@127.0.0.1/db", tmp_path / "copy")


async def test_pg_dump_and_pg_restore_round_trip(tmp_path: Path) -> None:
    """What docs/reliability.md tells operators to run, once."""
    folder = postgres_bin()
    if postgres_base_url() is None or folder is None:
        pytest.skip("PostgreSQL is not available (DONGNE_TEST_POSTGRES_URL)")
    pg_dump = str(folder / "pg_dump") if (folder / "pg_dump").exists() else shutil.which("pg_dump")
    pg_restore = str(folder / "pg_restore")
    async with (
        fresh_database("postgres", tmp_path / "a") as source,
        fresh_database("postgres", tmp_path / "b") as target,
    ):
        await asyncio.to_thread(upgrade, source)
        (tmp_path / "a").mkdir(exist_ok=True)
        runtime = build_runtime(
            server_settings(tmp_path / "a", source), SystemClock(), DiscardingSink()
        )
        try:
            async with runtime.db.transaction() as uow:
                await runtime.users.create(
                    uow, email="kept@example.com", password="long enough pw", nickname="보관"
                )
        finally:
            await runtime.close()
        dump = tmp_path / "dongne.dump"
        dump_argv = [str(pg_dump), "--format=custom", f"--file={dump}", _libpq(source)]
        await asyncio.to_thread(subprocess.run, dump_argv, check=True)
        restore_argv = [pg_restore, "--no-owner", f"--dbname={_libpq(target)}", str(dump)]
        await asyncio.to_thread(subprocess.run, restore_argv, check=True)
        connection = await asyncpg.connect(_libpq(target))
        try:
            emails = await connection.fetch("SELECT email FROM users")
            revision = await connection.fetchval("SELECT version_num FROM alembic_version")
        finally:
            await connection.close()
    assert [row["email"] for row in emails] == ["kept@example.com"]
    assert revision


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
