"""``toex serve`` (the API and web application) and ``toex user`` (accounts)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from toex.cli.common import StoreOption, console, fail, opened_store, settings

user_app = typer.Typer(help="API users: add, list, disable, and the purpose policy.", no_args_is_help=True)


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
    session_hours: Annotated[float, typer.Option("--session-hours", help="Sign-in sessions expire after this.")] = 8.0,
    https: Annotated[bool, typer.Option("--https/--no-https", help="Behind HTTPS (adds HSTS).")] = False,
    workers_threads: Annotated[int | None, typer.Option("--threads", help="DuckDB threads.")] = None,
    ingest_dir: Annotated[Path | None, typer.Option(
        "--ingest-dir", help="Folder from which administrators may load sources while serving (POST /api/v1/admin/ingest).",
        exists=True, file_okay=False)] = None,
    store: StoreOption = None,
) -> None:
    """Serve the REST API (/api/v1) and the web application over the store."""
    import uvicorn

    from toex.api.app import create_app
    from toex.api.db import Database
    from toex.api.settings import ApiSettings
    from toex.errors import ToexError

    cfg = settings(store)
    api_settings = ApiSettings(store=cfg.store, session_hours=session_hours, https=https, threads=workers_threads,
                               ingest_dir=ingest_dir)
    try:
        db = Database.open(cfg.store, threads=workers_threads)
    except ToexError as exc:
        raise fail(str(exc)) from exc
    users = int(db.store.scalar("SELECT count(*) FROM users WHERE NOT disabled"))
    app = create_app(api_settings, db)
    console.print(f"toex serving {cfg.store} at [bold]http://{host}:{port}/[/bold] (API docs: http://{host}:{port}/api/docs)")
    if users == 0:
        console.print("[yellow]no users yet[/yellow]: create one with 'toex user add USERNAME --role admin --scope national'")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    try:
        uvicorn.run(app, host=host, port=port, access_log=False, log_level="warning", server_header=False)
    finally:
        db.close()


@user_app.command("add")
def add_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option("--role", help="analyst, supervisor, tasking or admin.")] = "analyst",
    scope: Annotated[str, typer.Option("--scope", help="force, region or national.")] = "force",
    scope_id: Annotated[str | None, typer.Option("--scope-id", help="Force id or region id.")] = None,
    clearance: Annotated[str, typer.Option("--clearance", help="OFFICIAL, OFFICIAL-SENSITIVE, SECRET or TOP SECRET.")] = "OFFICIAL-SENSITIVE",
    handling_c: Annotated[bool, typer.Option("--handling-c", help="May read handling code C intelligence.")] = False,
    display_name: Annotated[str | None, typer.Option("--name", help="Full name shown in the audit trail.")] = None,
    store: StoreOption = None,
) -> None:
    """Create a user; the password is asked for (twice) and only its argon2 hash is kept."""
    from toex.api.auth import UserError, add_user
    from toex.store import audit

    password = typer.prompt("Password (12+ characters)", hide_input=True, confirmation_prompt=True)
    with opened_store(store, create=True) as handle:
        try:
            add_user(handle, username, password, role=role, scope_kind=scope, scope_id=scope_id, clearance=clearance,
                     handling_c=handling_c, display_name=display_name, created_by=settings(store).actor)
        except UserError as exc:
            raise fail(str(exc)) from exc
        audit.record(handle, settings(store).actor, "alteration", f"user:{username}",
                     {"created": {"role": role, "scope": scope, "scope_id": scope_id, "clearance": clearance,
                                  "handling_c": handling_c}})
    console.print(f"user [bold]{username}[/bold] created ({role}, {scope}{':' + scope_id if scope_id else ''})")


@user_app.command("list")
def list_command(store: StoreOption = None) -> None:
    """Every user (never their password hashes)."""
    from toex.api.auth import list_users

    with opened_store(store) as handle:
        table = Table(title="Users", title_justify="left")
        for col in ("username", "name", "role", "scope", "clearance", "handling C", "disabled", "demo"):
            table.add_column(col)
        for u in list_users(handle):
            scope = u["scope_kind"] + (f":{u['scope_id']}" if u["scope_id"] else "")
            table.add_row(u["username"], str(u["display_name"]), u["role"], scope, u["clearance"],
                          "yes" if u["handling_c"] else "", "yes" if u["disabled"] else "", "yes" if u["demo"] else "")
        console.print(table)


@user_app.command("disable")
def disable_command(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    enable: Annotated[bool, typer.Option("--enable", help="Re-enable instead.")] = False,
    store: StoreOption = None,
) -> None:
    """Disable a user (their sessions end at once), or re-enable with --enable."""
    from toex.api.auth import UserError, set_disabled
    from toex.store import audit

    with opened_store(store) as handle:
        try:
            set_disabled(handle, username, not enable)
        except UserError as exc:
            raise fail(str(exc)) from exc
        audit.record(handle, settings(store).actor, "alteration", f"user:{username}", {"disabled": not enable})
    console.print(f"user [bold]{username}[/bold] {'enabled' if enable else 'disabled'}")


@user_app.command("policy")
def policy_command(
    purpose_required: Annotated[str | None, typer.Option(
        "--purpose-required", help="Comma list of consultations that need a purpose: person_search, search, "
        "profile, record, network, graph, explain, export, audit ('' for none).")] = None,
    store: StoreOption = None,
) -> None:
    """Show or set which consultations ask for a purpose or case reference."""
    from toex.api.audit_log import purpose_policy, set_purpose_policy
    from toex.store import audit

    with opened_store(store) as handle:
        if purpose_required is not None:
            kinds = [k.strip() for k in purpose_required.split(",") if k.strip()]
            try:
                set_purpose_policy(handle, kinds)
            except ValueError as exc:
                raise fail(str(exc)) from exc
            audit.record(handle, settings(store).actor, "alteration", "api-policy", {"purpose_required": kinds})
        console.print("purpose required for: " + (", ".join(sorted(purpose_policy(handle))) or "nothing"))
