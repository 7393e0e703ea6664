"""Settings: production refuses a missing secret; the embedded default keeps one on disk."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from dongne.config import JWT_SECRET_FILE, Environment, Settings
from dongne.kit.clock import SystemClock
from dongne.kit.events import DiscardingSink
from dongne.runtime import build_runtime


def test_production_without_a_secret_is_a_startup_error() -> None:
    with pytest.raises(ValidationError, match="DONGNE_JWT_SECRET"):
        Settings(env=Environment.PRODUCTION, jwt_secret=None)


def test_production_with_a_secret_starts(tmp_path: Path) -> None:
    settings = Settings(env=Environment.PRODUCTION, jwt_secret="s" * 48, data_dir=tmp_path)
    assert settings.resolved_jwt_secret() == "s" * 48
    assert not (tmp_path / JWT_SECRET_FILE).exists()


def test_embedded_secret_is_generated_once_and_kept(tmp_path: Path) -> None:
    first = Settings(data_dir=tmp_path / "data").resolved_jwt_secret()
    again = Settings(data_dir=tmp_path / "data").resolved_jwt_secret()
    assert len(first) >= 32
    assert first == again
    assert (tmp_path / "data" / JWT_SECRET_FILE).stat().st_mode & 0o077 == 0


def test_environment_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("DONGNE_CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("DONGNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DONGNE_PORT", "9001")
    monkeypatch.setenv("DONGNE_REDIS_URL", "redis://127.0.0.1:6379/0")
    settings = Settings()
    assert settings.cors_origins == ["https://a.example", "https://b.example"]
    assert settings.port == 9001
    assert settings.redis_url == "redis://127.0.0.1:6379/0"
    assert settings.resolved_database_url == f"sqlite+aiosqlite:///{tmp_path / 'dongne.db'}"


async def test_the_caps_reach_the_router(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The bench and the soak lift both caps through the environment."""
    monkeypatch.setenv("DONGNE_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DONGNE_FATIGUE_CAP", "25")
    monkeypatch.setenv("DONGNE_DAILY_CAP", "40")
    runtime = build_runtime(Settings(), SystemClock(), DiscardingSink())
    try:
        assert runtime.escalation.router.config.fatigue_cap == 25
        assert runtime.escalation.router.config.daily_cap == 40
    finally:
        await runtime.close()
