"""``toex assess``: score, rank and compare the threat picture; ``toex assess override``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from toex.assess import DIMENSIONS, OverrideError, run_assess, set_override
from toex.cli.common import (
    EngineOption,
    StoreOption,
    console,
    fail,
    opened_engine,
    opened_store,
    settings,
)
from toex.engine import Engine
from toex.errors import ToexError
from toex.task import generate_tasks

assess_app = typer.Typer(help="Rank the threat picture: networks, people to safeguard, alerts.",
                         invoke_without_command=True, no_args_is_help=False)


@assess_app.callback(invoke_without_command=True)
def assess_command(
    ctx: typer.Context,
    store: StoreOption = None,
    show_only: Annotated[bool, typer.Option("--show", help="Print the current picture without re-running.")] = False,
    no_tasks: Annotated[bool, typer.Option("--no-tasks", help="Do not propose tasks for the networks.")] = False,
    top: Annotated[int, typer.Option("--top", help="Rows to print per table.")] = 20,
    engine: EngineOption = None,
) -> None:
    """Score and rank the networks, build the safeguarding list and alerts, propose tasks, print the picture."""
    if ctx.invoked_subcommand is not None:
        return
    actor = settings().actor
    with opened_engine(store, engine) as handle:
        try:
            if not show_only:
                result = run_assess(handle, actor=actor)
                console.print(f"Assessment {result.run_id} (weights {result.weights_version}, data up to "
                              f"{result.reference_date}): {result.networks} networks, {result.safeguarding} people "
                              f"to safeguard, {result.alerts} alerts ({result.change_alerts} changes).")
                if not no_tasks:
                    tasking = generate_tasks(handle, actor=actor)
                    console.print(f"Tasking: {tasking.proposed} new proposed task(s); nothing is issued until a "
                                  "named person approves it ([bold]toex task approve[/bold]).")
        except ToexError as exc:
            raise fail(str(exc)) from exc
        print_picture(handle, top)


def print_picture(handle: Engine, top: int) -> None:
    """The ranked networks, people to safeguard and alerts."""
    has_owners = handle.table_exists("network_owners")
    networks = handle.fetchall(
        "SELECT s.rank, s.network_id, s.score, "
        + ("coalesce(o.owner_level || ' ' || o.owner_unit, '')" if has_owners else "''")
        + ", s.summary FROM network_scores s "
        + ("LEFT JOIN network_owners o USING (network_id) " if has_owners else "")
        + "ORDER BY s.rank LIMIT ?", [top])
    table = Table(title="Networks (highest priority first)", title_justify="left")
    for col in ("rank", "network", "score", "owner", "summary"):
        table.add_column(col, overflow="fold")
    for rank, nid, score, owner, summary in networks:
        table.add_row(str(rank), nid, f"{score:.1f}", owner, _first_sentence(summary))
    console.print(table)
    people = handle.fetchall("SELECT rank, entity_id, score, age, network_id, summary FROM safeguarding_list "
                             "ORDER BY rank LIMIT ?", [top])
    table = Table(title="People to safeguard (children and NRM-referred first)", title_justify="left")
    for col in ("rank", "person", "score", "age", "network", "summary"):
        table.add_column(col, overflow="fold")
    for rank, eid, score, age, nid, summary in people:
        table.add_row(str(rank), eid, f"{score:.1f}", "" if age is None else str(age), nid or "", summary or "")
    console.print(table)
    alerts = handle.fetchall("SELECT kind, score, summary FROM alerts ORDER BY score DESC, alert_id LIMIT ?", [top])
    table = Table(title="Alerts (most significant first)", title_justify="left")
    for col in ("kind", "score", "summary"):
        table.add_column(col, overflow="fold")
    for kind, score, summary in alerts:
        table.add_row(kind, f"{score:.0f}", summary)
    console.print(table)


def _first_sentence(text: str | None) -> str:
    if not text:
        return ""
    head = text.split(". ")[0]
    return head if head.endswith(".") else head + "."


@assess_app.command("override")
def override_command(
    network: Annotated[str, typer.Argument(help="Network id, e.g. N-0001.")],
    dimension: Annotated[str, typer.Argument(help=f"One of: {', '.join(DIMENSIONS)}.")],
    value: Annotated[float, typer.Argument(help="The analyst's value, 0 to 1.")],
    rationale: Annotated[str, typer.Option("--rationale", help="Why the automated value is wrong.")] = "",
    actor: Annotated[str | None, typer.Option("--actor", help="Who makes the override (default: $TOEX_ACTOR).")] = None,
    store: StoreOption = None,
) -> None:
    """Override one scoring dimension of a network; the automated value is kept and the change audited."""
    who = actor or settings().actor
    with opened_store(store) as handle:
        try:
            ov = set_override(handle, network, dimension, value, rationale=rationale, actor=who)
        except OverrideError as exc:
            raise fail(str(exc)) from exc
        row = handle.execute("SELECT rank, score FROM network_scores WHERE network_id = ?", [network]).fetchone()
        where = f": now rank {row[0]}, score {row[1]:.1f}" if row else ""
        console.print(f"Override {ov.override_id}: {network} {dimension} = {value} by {who}{where}.")
