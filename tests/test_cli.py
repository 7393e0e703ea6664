"""The real command line in a subprocess: migrate, user create / verify-local, demo."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest


def dongne(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DONGNE_DATA_DIR": str(data_dir),
        "DONGNE_PASSWORD_HASH_MEMORY_KIB": "1024",
        "DONGNE_DATABASE_URL": "",
    }
    env.pop("DONGNE_DATABASE_URL")
    return subprocess.run(
        [sys.executable, "-m", "dongne", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def users(data_dir: Path) -> dict[str, tuple[str, int]]:
    with sqlite3.connect(data_dir / "dongne.db") as db:
        rows = db.execute("SELECT email, role, is_local_verified FROM users").fetchall()
    return {email: (role, verified) for email, role, verified in rows}


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    result = dongne(tmp_path, "migrate")
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_user_create_and_verify_local(data_dir: Path) -> None:
    created = dongne(data_dir, "user", "create", "Halmang@Example.com", "--password", "pw-123456")
    assert created.returncode == 0, created.stderr
    admin = dongne(
        data_dir, "user", "create", "boss@example.com", "--password", "x" * 10, "--admin"
    )
    assert admin.returncode == 0, admin.stderr
    assert users(data_dir) == {
        "halmang@example.com": ("traveler", 0),
        "boss@example.com": ("admin", 0),
    }
    verified = dongne(data_dir, "user", "verify-local", "halmang@example.com")
    assert verified.returncode == 0, verified.stderr
    assert users(data_dir)["halmang@example.com"] == ("local", 1)


def test_user_create_twice_fails_clearly(data_dir: Path) -> None:
    assert (
        dongne(data_dir, "user", "create", "a@example.com", "--password", "pw-123456").returncode
        == 0
    )
    again = dongne(data_dir, "user", "create", "a@example.com", "--password", "pw-123456")
    assert again.returncode != 0
    assert "Email already registered" in again.stderr + again.stdout


def test_verify_unknown_user_fails(data_dir: Path) -> None:
    result = dongne(data_dir, "user", "verify-local", "ghost@example.com")
    assert result.returncode != 0


def test_demo_loads_locals_at_the_hotspots_once(data_dir: Path) -> None:
    first = dongne(data_dir, "demo")
    assert first.returncode == 0, first.stderr
    second = dongne(data_dir, "demo")
    assert second.returncode == 0, second.stderr
    assert "(0 new)" in second.stdout
    accounts = users(data_dir)
    locals_ = [
        email for email, (role, verified) in accounts.items() if role == "local" and verified
    ]
    assert len(locals_) == 30
    assert accounts["admin@dongne.demo"] == ("admin", 0)
    with sqlite3.connect(data_dir / "dongne.db") as db:
        regions = {
            r for (r,) in db.execute("SELECT DISTINCT home_region FROM users WHERE role='local'")
        }
    assert {"seongsan", "aewol", "jeju"} <= regions


def test_backup_and_restore_round_trip(
    data_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    created = dongne(data_dir, "user", "create", "kept@example.com", "--password", "pw-123456")
    assert created.returncode == 0, created.stderr
    copy = tmp_path_factory.mktemp("backup") / "copy"
    saved = dongne(data_dir, "backup", str(copy))
    assert saved.returncode == 0, saved.stderr
    assert "backup written to" in saved.stdout
    # After the backup: gone once the backup is put back.
    later = dongne(data_dir, "user", "create", "later@example.com", "--password", "pw-123456")
    assert later.returncode == 0, later.stderr
    restored = dongne(data_dir, "restore", str(copy))
    assert restored.returncode == 0, restored.stderr
    assert set(users(data_dir)) == {"kept@example.com"}


def test_restore_of_a_folder_that_is_no_backup_fails_clearly(data_dir: Path) -> None:
    result = dongne(data_dir, "restore", str(data_dir / "nothing-here"))
    assert result.returncode == 1
    assert result.stderr.startswith("error: ")
