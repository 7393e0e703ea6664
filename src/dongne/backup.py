"""`dongne backup PATH` / `dongne restore PATH` for the embedded mode.

A backup is a folder: `dongne.db`, a consistent copy made with SQLite's online backup API
while the server keeps running (one step, under a read transaction: every transaction
committed before it began is in it, none half-written); then the data folder's other files
— uploads (`media/`), the VAPID key, the generated JWT secret — copied after the database,
so every upload the copy refers to is there. `backup.json` says when and what.

PostgreSQL (the scaled mode) is backed up with its own tools: docs/reliability.md.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

DATABASE_FILE = "dongne.db"
MANIFEST = "backup.json"
# SQLite's own side files: never copied, the backup API gives a whole database.
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


class BackupError(Exception):
    pass


def sqlite_path(database_url: str) -> Path:
    url = make_url(database_url)
    if not url.drivername.startswith("sqlite") or not url.database:
        raise BackupError(
            "dongne backup copies the embedded SQLite database; for PostgreSQL use "
            "pg_dump/pg_restore (docs/reliability.md, Backups)"
        )
    return Path(url.database)


def _is_database_file(path: Path, database: Path) -> bool:
    return path.name == database.name or any(
        path.name == database.name + side for side in SQLITE_SIDE_FILES
    )


def backup(data_dir: Path, database_url: str, target: Path) -> dict[str, object]:
    database = sqlite_path(database_url)
    if not database.exists():
        raise BackupError(f"no database at {database}")
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"{target} is not empty")
    target.mkdir(parents=True, exist_ok=True)
    started = datetime.now(UTC)
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    copy = sqlite3.connect(target / DATABASE_FILE)
    try:
        with copy:
            source.backup(copy)  # all pages in one step: one consistent snapshot
    finally:
        copy.close()
        source.close()
    files = 0
    for item in sorted(data_dir.iterdir()) if data_dir.exists() else []:
        if _is_database_file(item, database) or item.resolve() == target.resolve():
            continue
        if item.is_dir():
            shutil.copytree(item, target / item.name)
            files += sum(1 for p in (target / item.name).rglob("*") if p.is_file())
        else:
            shutil.copy2(item, target / item.name)
            files += 1
    manifest: dict[str, object] = {
        "startedAt": started.isoformat(),
        "finishedAt": datetime.now(UTC).isoformat(),
        "database": DATABASE_FILE,
        "files": files,
    }
    (target / MANIFEST).write_text(json.dumps(manifest, indent=2))
    return manifest


def restore(source: Path, data_dir: Path, database_url: str) -> dict[str, object]:
    """Puts a backup back. The server must be stopped: the database file is replaced."""
    manifest_file = source / MANIFEST
    if not manifest_file.exists():
        raise BackupError(f"{source} is not a dongne backup (no {MANIFEST})")
    manifest: dict[str, object] = json.loads(manifest_file.read_text())
    database = sqlite_path(database_url)
    check = sqlite3.connect(f"file:{source / DATABASE_FILE}?mode=ro", uri=True)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise BackupError("the backup's database fails SQLite's integrity check")
    finally:
        check.close()
    data_dir.mkdir(parents=True, exist_ok=True)
    database.parent.mkdir(parents=True, exist_ok=True)
    for side in SQLITE_SIDE_FILES:
        Path(str(database) + side).unlink(missing_ok=True)
    shutil.copy2(source / DATABASE_FILE, database)
    for item in sorted(source.iterdir()):
        if item.name in (DATABASE_FILE, MANIFEST):
            continue
        destination = data_dir / item.name
        if item.is_dir():
            shutil.rmtree(destination, ignore_errors=True)
            shutil.copytree(item, destination)
        else:
            shutil.copy2(item, destination)
    return manifest
