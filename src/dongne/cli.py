"""Command line: `dongne serve | migrate | backup | restore | demo | simulate | user …`."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, TypeVar

import typer
import uvicorn

from dongne import backup
from dongne.config import Settings
from dongne.kit.clock import SystemClock
from dongne.kit.errors import DongneError
from dongne.kit.events import DiscardingSink
from dongne.models.migrations import upgrade
from dongne.realtime.server import CONNECTIONS_GRACE_S, MAX_MESSAGE_BYTES
from dongne.runtime import Runtime, build_runtime
from dongne.users.schemas import Role

app = typer.Typer(help="동네물어봐 (Dongne): real-time Q&A for Jeju.", no_args_is_help=True)
user_app = typer.Typer(help="Manage accounts.", no_args_is_help=True)
app.add_typer(user_app, name="user")

T = TypeVar("T")


def _with_runtime(action: Callable[[Runtime], Awaitable[T]]) -> T:
    async def run() -> T:
        runtime = build_runtime(Settings(), SystemClock(), DiscardingSink())
        try:
            return await action(runtime)
        finally:
            await runtime.close()

    try:
        return asyncio.run(run())
    except DongneError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(1) from exc


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Overrides DONGNE_HOST.")] = None,
    port: Annotated[int | None, typer.Option(help="Overrides DONGNE_PORT.")] = None,
) -> None:
    """Run the server (HTTP API, Socket.IO, web client)."""
    settings = Settings()
    uvicorn.run(
        "dongne.app:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
        loop="uvloop",
        http="httptools",
        ws="websockets-sansio",
        # Per-message deflate costs ~100 KB per connection (DESIGN.md pitfalls).
        ws_per_message_deflate=False,
        # Client addresses come from DONGNE_TRUSTED_PROXIES (kit/net.py), not uvicorn's default.
        proxy_headers=False,
        # Engine.IO's max_http_buffer_size covers polling; this bounds websocket messages.
        ws_max_size=MAX_MESSAGE_BYTES,
        timeout_graceful_shutdown=CONNECTIONS_GRACE_S,
        log_config=None,
        access_log=False,
    )


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema."""
    settings = Settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    upgrade(settings.resolved_database_url)
    typer.echo("database is up to date")


@app.command("backup")
def backup_command(
    path: Annotated[Path, typer.Argument(help="A new or empty folder for the backup.")],
) -> None:
    """Copy the embedded database (consistently, while the server runs) and the uploads."""
    settings = Settings()
    try:
        manifest = backup.backup(settings.data_dir, settings.resolved_database_url, path)
    except backup.BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"backup written to {path} ({manifest['files']} files besides the database)")


@app.command("restore")
def restore_command(
    path: Annotated[Path, typer.Argument(help="A folder written by `dongne backup`.")],
) -> None:
    """Put a backup back (stop the server first: the database file is replaced)."""
    settings = Settings()
    try:
        manifest = backup.restore(path, settings.data_dir, settings.resolved_database_url)
    except backup.BackupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(1) from exc
    typer.echo(f"restored the backup of {manifest['startedAt']} into {settings.data_dir}")


@app.command()
def demo() -> None:
    """Load the Jeju demo accounts (idempotent)."""
    from dongne.demo import DEMO_PASSWORD, load_demo

    summary = _with_runtime(load_demo)
    typer.echo(summary)
    typer.echo(f"demo password for every account: {DEMO_PASSWORD}")


@user_app.command("create")
def user_create(
    email: str,
    password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
    nickname: Annotated[str | None, typer.Option()] = None,
    admin: Annotated[bool, typer.Option("--admin")] = False,
    local: Annotated[bool, typer.Option("--local", help="A verified local.")] = False,
) -> None:
    """Create an account."""
    role = Role.ADMIN if admin else Role.LOCAL if local else Role.TRAVELER

    async def create(runtime: Runtime) -> str:
        async with runtime.db.transaction() as uow:
            user = await runtime.users.create(
                uow,
                email=email,
                password=password,
                nickname=nickname or email.split("@")[0][:20],
                role=role,
                local_verified=local,
            )
            return user.id

    typer.echo(f"created {email} ({role.value}) id={_with_runtime(create)}")


@user_app.command("verify-local")
def user_verify_local(email: str) -> None:
    """Mark an account as a verified local."""

    async def verify(runtime: Runtime) -> str:
        async with runtime.db.transaction() as uow:
            user = await runtime.users.get_by_email(uow, email)
            await runtime.users.verify_local(uow, user.id)
            return user.role

    typer.echo(f"{email} is now a verified local (role {_with_runtime(verify)})")


@app.command()
def simulate(
    scenario: Annotated[
        Path | None, typer.Option(help="Scenario YAML; default: the shipped jeju-day.yaml.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="Overrides the scenario's seed.")] = None,
    out: Annotated[Path, typer.Option(help="Folder for the report and plot.")] = Path(
        "var/simulation"
    ),
    find_min_locals: Annotated[
        str | None,
        typer.Option(metavar="REGION", help="Search the fewest locals for the target ('all')."),
    ] = None,
    policy: Annotated[
        list[str] | None, typer.Option(help="Policies to run (repeatable); default: scenario's.")
    ] = None,
    progress: Annotated[bool, typer.Option(help="Show progress.")] = True,
) -> None:
    """Simulate a day of questions on a virtual clock and compare notification policies."""
    from dongne.simulation.command import main as simulate_main

    simulate_main(
        scenario_path=scenario,
        seed=seed,
        out=out,
        find_min_locals_in=find_min_locals,
        policies=policy or [],
        show_progress=progress,
    )


def main() -> None:
    app()
