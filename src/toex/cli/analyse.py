"""``toex analyse`` and ``toex graph`` (path, neighbours)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from toex.cli.common import (
    EngineOption,
    StoreOption,
    console,
    fail,
    opened_engine,
    opened_store,
    settings,
)
from toex.detect.config import load_analyse_config
from toex.detect.run import STEPS, AnalysisSummary, analyse
from toex.errors import ConfigError

_STEP_WORDS = {
    "graph": "building the graph over resolved entities",
    "indicators": "checking exploitation indicators",
    "trends": "looking for emerging trends",
    "travelling": "looking for travelling groups",
    "networks": "growing networks from people at risk",
}


def analyse_command(
    store: StoreOption = None,
    config: Annotated[Path | None, typer.Option("--config", help="YAML file of analyse parameters (docs/detectors.md).")] = None,
    engine: EngineOption = None,
) -> None:
    """Build the graph and run every detector; results replace the previous analysis."""
    try:
        cfg = load_analyse_config(config)
    except ConfigError as exc:
        raise fail(str(exc)) from exc
    with opened_engine(store, engine) as handle:
        if not handle.table_exists("entity_records") or not handle.scalar("SELECT count(*) FROM entity_records"):
            raise fail("no resolved entities yet: run 'toex resolve' first")
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("starting", total=len(STEPS))

            def step(name: str) -> None:
                progress.update(task, advance=1, description=_STEP_WORDS.get(name, name))

            summary = analyse(handle, cfg, actor=settings().actor, progress=step)
        print_summary(summary)


def print_summary(s: AnalysisSummary) -> None:
    """What the run found, in an analyst's words."""
    console.print(f"[bold]Analysis as of {s.as_of:%d %b %Y}[/bold] ({s.nodes:,} entities and events, "
                  f"{s.edges:,} links; {s.seconds:.1f}s)")
    console.print(f"\n[bold]Safeguarding[/bold]: {s.people_flagged:,} people flagged for review, "
                  f"{s.children_flagged:,} of them children. Flags are prompts for safeguarding, not labels; "
                  "children are potential victims first.")
    console.print(f"\n[bold]Emerging trends[/bold]: {s.trend_alerts}")
    for t in s.top_trends:
        console.print(f"  - {t}")
    console.print(f"\n[bold]Travelling groups[/bold]: {s.travelling_groups}")
    for g in s.top_groups:
        console.print(f"  - {g}")
    console.print(f"\n[bold]Suspected exploitation networks[/bold]: {len(s.networks)}")
    for n in s.networks[:10]:
        threats = ", ".join(t.replace("-", " ") for t in n.threats) or "type unclear"
        console.print(f"  [bold]{n.network_id}[/bold] {threats}; forces: {', '.join(n.forces[:8])}; "
                      f"organisers: {', '.join(n.organisers) or 'none identified'}; {n.exploited} potential victims "
                      f"({n.children} children) to safeguard")
    if len(s.networks) > 10:
        console.print(f"  ... and {len(s.networks) - 10} more (see 'toex assess' for priorities)")


graph_app = typer.Typer(help="Explore the graph: paths and neighbourhoods between entities.", no_args_is_help=True)


@graph_app.command("path")
def path_command(
    a: Annotated[str, typer.Argument(help="Entity id to start from, e.g. P-000123.")],
    b: Annotated[str, typer.Argument(help="Entity id to reach.")],
    max_hops: Annotated[int, typer.Option("--max-hops", help="Longest path searched.")] = 6,
    store: StoreOption = None,
) -> None:
    """The shortest chain of records linking two entities."""
    from toex.graph.algorithms import shortest_path

    with opened_store(store, read_only=True) as handle:
        steps = shortest_path(handle, a, b, max_hops=max_hops)
    if not steps:
        console.print(f"No link between {a} and {b} within {max_hops} steps.")
        raise typer.Exit(1)
    for s in steps:
        arrow = f"-{s.type}->" if s.forward else f"<-{s.type}-"
        grade = f" graded {s.grading}" if s.grading else ""
        console.print(f"{s.src} {arrow} {s.dst}   [dim]({s.source_id}:{s.ref}{grade})[/dim]")


@graph_app.command("neighbours")
def neighbours_command(
    entity: Annotated[str, typer.Argument(help="Entity id, e.g. P-000123.")],
    hops: Annotated[int, typer.Option("--hops", help="How far to look.")] = 1,
    store: StoreOption = None,
) -> None:
    """Everything linked to an entity within a few steps."""
    from toex.graph.algorithms import neighbourhood

    with opened_store(store, read_only=True) as handle:
        sub = neighbourhood(handle, entity, hops=hops)
    console.print(f"{len(sub.nodes)} nodes, {len(sub.edges)} links within {hops} step(s) of {entity}")
    for e in sorted(sub.edges, key=lambda e: (e.type, e.src, e.dst))[:200]:
        console.print(f"  {e.src} -{e.type}-> {e.dst} [dim]({e.source_id}:{e.ref})[/dim]")
