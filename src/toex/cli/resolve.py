"""``toex resolve``, ``toex explain`` and ``toex review``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
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
from toex.resolve import ResolveConfig, ResolveSummary, decide, explain, queue, resolve
from toex.resolve.comparisons import REFUSE_ALL
from toex.resolve.review import RecordRef

review_app = typer.Typer(help="The review queue of uncertain person pairs, and analysts' decisions.", no_args_is_help=True)


def resolve_command(
    threshold: Annotated[float | None, typer.Option("--threshold", help="Match probability at or above which two records are linked (default 0.5).")] = None,
    retrain: Annotated[bool, typer.Option("--retrain", help="Train the person model afresh instead of reusing the stored one.")] = False,
    allow: Annotated[list[str] | None, typer.Option(
        "--allow", metavar="CONTRADICTION",
        help="Let the model's weights decide pairs with this contradiction instead of refusing the link: pnc, sex, "
             "dob (two or more years apart) or forenames (sharing nothing). Repeatable. Only for data with no twins "
             "and no documents held by others (a register, a benchmark): on police data keep every safeguard.")] = None,
    store: StoreOption = None,
    engine: EngineOption = None,
) -> None:
    """Link every person, location, object and organisation record into entities."""
    options: dict[str, Any] = {} if threshold is None else {"threshold": threshold}
    if allow:
        unknown = sorted(set(allow) - set(REFUSE_ALL))
        if unknown:
            raise typer.BadParameter(f"{', '.join(unknown)}: not a contradiction (one of {', '.join(REFUSE_ALL)})",
                                     param_hint="--allow")
        options["refuse"] = tuple(name for name in REFUSE_ALL if name not in allow)
    config = ResolveConfig(**options)
    with opened_engine(store, engine) as handle:
        with Progress(SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("resolving", total=None)
            try:
                summary = resolve(handle, config, retrain=retrain, actor=settings().actor,
                                  progress=lambda msg: progress.update(task, description=msg))
            except ToexError as exc:
                raise fail(str(exc)) from exc
        _print_summary(summary, config)


def _count(n: int, one: str, many: str | None = None) -> str:
    """'1 large entity', '2 large entities' (``many`` defaults to ``one`` + 's')."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _print_summary(summary: ResolveSummary, config: ResolveConfig) -> None:
    table = Table(title="Resolved", title_justify="left")
    table.add_column("kind")
    table.add_column("records", justify="right")
    table.add_column("entities", justify="right")
    for kind, records in summary.records.items():
        table.add_row(kind, f"{records:,}", f"{summary.entities.get(kind, 0):,}")
    console.print(table)
    model = f"model {summary.model_id} ({'trained now' if summary.trained else 'stored, not retrained'})"
    console.print(f"People: {summary.pairs_scored:,} pairs scored; {summary.pairs_above:,} at or above the threshold "
                  f"{config.threshold}; {summary.pairs_near:,} near it ({config.review_floor} to {config.threshold}); {model}.")
    if config.allowed:
        console.print(f"[yellow]Contradictions not refused this run: {', '.join(config.allowed)}.[/yellow]")
    console.print(f"Safeguards: {_count(summary.contradictions, 'above-threshold pair')} refused for contradictions, "
                  f"{_count(summary.pairs_cut, 'weak bridge or conflicting merge', 'weak bridges or conflicting merges')} "
                  f"cut, {_count(summary.decisions_applied, 'analyst decision')} applied, "
                  f"{_count(summary.large_entities, 'large entity', 'large entities')} flagged.")
    console.print(f"Review queue: {_count(summary.review_items, 'item')} (see [bold]toex review list[/bold]). "
                  f"Took {summary.seconds.get('total', 0):.1f}s.")


def _record(text: str) -> RecordRef:
    try:
        return RecordRef.parse(text)
    except ToexError as exc:
        raise typer.BadParameter(str(exc)) from exc


def explain_command(
    left: Annotated[str, typer.Argument(help="First person record, SOURCE:REF.")],
    right: Annotated[str, typer.Argument(help="Second person record, SOURCE:REF.")],
    store: StoreOption = None,
) -> None:
    """Why two person records are (or are not) one person: each comparison's contribution."""
    a, b = _record(left), _record(right)
    with opened_store(store) as handle:
        try:
            result = explain(handle, a, b)
        except ToexError as exc:
            raise fail(str(exc)) from exc
    verdict = "[green]one person[/green]" if result.same_entity else "[yellow]different entities[/yellow]"
    console.print(f"[bold]{a}[/bold] ({result.entity_left}) and [bold]{b}[/bold] ({result.entity_right}): {verdict}")
    table = Table(title=f"Match weight {result.match_weight:+.2f}, probability {result.match_probability:.4f}", title_justify="left")
    for col in ("comparison", a.__str__(), b.__str__(), "level", "weight"):
        table.add_column(col, overflow="fold", justify="right" if col == "weight" else "left")
    table.add_row("prior", "", "", "two random records", f"{result.prior_weight:+.2f}")
    for c in result.contributions:
        colour = "green" if c.weight > 0 else "red" if c.weight < 0 else "dim"
        table.add_row(c.comparison, c.left, c.right, c.level, f"[{colour}]{c.weight:+.2f}[/{colour}]")
    console.print(table)
    if result.contradiction:
        console.print(f"[red]Contradiction:[/red] {result.contradiction}: toex never links these two on its own.")
    if result.allowed:
        console.print(f"[yellow]Contradiction allowed by the last run (--allow):[/yellow] {result.allowed}: "
                      "left to the weights above.")
    if result.decision:
        decision, actor, at, note = result.decision
        console.print(f"Analyst decision: [bold]{decision}[/bold] by {actor} at {at:%Y-%m-%d %H:%M}" + (f" ({note})" if note else ""))
    console.print(f"[dim]model {result.model_id}[/dim]")


@review_app.command("list")
def review_list_command(
    limit: Annotated[int, typer.Option("--limit", help="How many items to show.")] = 50,
    store: StoreOption = None,
) -> None:
    """Uncertain pairs and large entities waiting for an analyst."""
    with opened_store(store, read_only=True) as handle:
        items = queue(handle, limit)
    table = Table(title=f"Review queue ({len(items)} shown)", title_justify="left")
    for col in ("pair", "left", "right", "probability", "reason"):
        table.add_column(col, overflow="fold")
    for item in items:
        prob = "" if item.match_probability is None else f"{item.match_probability:.3f}"
        table.add_row(item.pair_id, str(item.left), str(item.right), prob, item.reason)
    console.print(table)
    console.print("Decide with [bold]toex review decide SOURCE:REF SOURCE:REF same|different --note ...[/bold]")


@review_app.command("decide")
def review_decide_command(
    left: Annotated[str, typer.Argument(help="First person record, SOURCE:REF.")],
    right: Annotated[str, typer.Argument(help="Second person record, SOURCE:REF.")],
    decision: Annotated[str, typer.Argument(help="same or different.")],
    note: Annotated[str | None, typer.Option("--note", help="Why (kept with the decision).")] = None,
    actor: Annotated[str | None, typer.Option("--actor", help="Who decides (default: the configured actor).")] = None,
    store: StoreOption = None,
) -> None:
    """Record that two person records are the same person or not; every later run respects it."""
    a, b = _record(left), _record(right)
    with opened_store(store) as handle:
        try:
            decide(handle, a, b, decision, actor or settings().actor, note)
        except ToexError as exc:
            raise fail(str(exc)) from exc
    console.print(f"Recorded: {a} and {b} are [bold]{decision}[/bold]. Run [bold]toex resolve[/bold] to apply it.")
