"""``toex task``: list, generate, approve, start, done and close tasks."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

import typer
from rich.table import Table

from toex.cli.common import (
    EngineOption,
    StoreOption,
    console,
    fail,
    opened_engine,
    opened_store,
    settings,
)
from toex.errors import ToexError
from toex.store import Store
from toex.task import OUTCOMES, approve, close, done, generate_tasks, start

task_app = typer.Typer(help="Tasking: 4P actions per network, approved by a named person, tracked to an outcome.",
                       no_args_is_help=True)

ActorOption = Annotated[str | None, typer.Option("--actor", help="Who makes the change (default: $TOEX_ACTOR).")]


@task_app.command("list")
def list_command(
    network: Annotated[str | None, typer.Option("--network", help="Only this network.")] = None,
    status: Annotated[str | None, typer.Option("--status", help="Only this status.")] = None,
    store: StoreOption = None,
) -> None:
    """Tasks with owner, status and due date."""
    with opened_store(store) as handle:
        rows = handle.fetchall(
            "SELECT task_id, network_id, strand, owner_level || ' ' || owner_unit, status, CAST(due AS VARCHAR), "
            "coalesce(approved_by, ''), action FROM tasks WHERE (? IS NULL OR network_id = ?) AND (? IS NULL OR status = ?) "
            "ORDER BY network_id, task_id", [network, network, status, status])
    table = Table(title=f"Tasks ({len(rows)})", title_justify="left")
    for col in ("task", "network", "strand", "owner", "status", "due", "approved by", "action"):
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(str(v) for v in row))
    console.print(table)


@task_app.command("generate")
def generate_command(store: StoreOption = None, engine: EngineOption = None) -> None:
    """Propose tasks for every assessed network (never duplicates an existing task)."""
    with opened_engine(store, engine) as handle:
        try:
            result = generate_tasks(handle, actor=settings().actor)
        except ToexError as exc:
            raise fail(str(exc)) from exc
    console.print(f"{result.proposed} task(s) proposed for {result.networks} network(s); {result.existing} already existed.")


def _apply(store: StoreOption, task_id: str, change: Callable[[Store], dict[str, Any]]) -> None:
    with opened_store(store) as handle:
        try:
            task = change(handle)
        except ToexError as exc:
            raise fail(str(exc)) from exc
    console.print(f"{task_id}: {task['status']} ({task['strand']}, owner {task['owner_unit']}).")


@task_app.command("approve")
def approve_command(task_id: str, actor: ActorOption = None, note: Annotated[str | None, typer.Option("--note")] = None,
                    store: StoreOption = None) -> None:
    """Approve (issue) a proposed task: needs a named approver (--actor 'Firstname Surname')."""
    who = actor or settings().actor
    _apply(store, task_id, lambda h: approve(h, task_id, approver=who, note=note))


@task_app.command("start")
def start_command(task_id: str, actor: ActorOption = None,
                  assignee: Annotated[str | None, typer.Option("--assignee", help="Who carries it out.")] = None,
                  store: StoreOption = None) -> None:
    """Mark an approved task in progress."""
    who = actor or settings().actor
    _apply(store, task_id, lambda h: start(h, task_id, actor=who, assignee=assignee))


@task_app.command("done")
def done_command(task_id: str, actor: ActorOption = None, note: Annotated[str | None, typer.Option("--note")] = None,
                 store: StoreOption = None) -> None:
    """Mark a task done."""
    who = actor or settings().actor
    _apply(store, task_id, lambda h: done(h, task_id, actor=who, note=note))


@task_app.command("close")
def close_command(task_id: str,
                  outcome: Annotated[str, typer.Option("--outcome", help=f"One of: {', '.join(OUTCOMES)}.")],
                  actor: ActorOption = None, note: Annotated[str | None, typer.Option("--note")] = None,
                  store: StoreOption = None) -> None:
    """Close a task with its outcome, so later reviews can learn from it."""
    who = actor or settings().actor
    _apply(store, task_id, lambda h: close(h, task_id, actor=who, outcome=outcome, note=note))
