"""``toex ingest``, ``toex status`` and ``toex quarantine``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from toex.cli.common import (
    EngineOption,
    StoreOption,
    console,
    err_console,
    fail,
    opened_engine,
    opened_store,
    settings,
)
from toex.engine import Engine
from toex.errors import IngestError
from toex.ingest import IngestItem, LoadResult, ingest, plan


def ingest_command(
    paths: Annotated[list[Path], typer.Argument(help="POLE dataset/source folders, data.police.uk CSVs or folders, or force exports.")],
    mapping: Annotated[Path | None, typer.Option("--mapping", help="YAML mapping for a force export in its own shape.")] = None,
    store: StoreOption = None,
    engine: EngineOption = None,
) -> None:
    """Load sources into the store; bad rows go to quarantine, a failed source leaves the store as it was."""
    try:
        items = plan(paths, mapping)
    except IngestError as exc:
        raise fail(str(exc)) from exc
    failures: list[tuple[IngestItem, IngestError]] = []
    with opened_engine(store, engine) as handle:
        results = _run_with_progress(handle, items, failures)
        _print_summary(results, failures)
        if failures:
            raise typer.Exit(1)


def _run_with_progress(handle: Engine, items: list[IngestItem], failures: list[tuple[IngestItem, IngestError]]) -> list[LoadResult]:
    actor = settings().actor
    with Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total} sources"),
                  TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("loading", total=len(items))

        def done(item: IngestItem, result: LoadResult | None, error: IngestError | None) -> None:
            if error is not None:
                failures.append((item, error))
            progress.update(task, advance=1, description=f"loaded {item.path.name}")

        return ingest(handle, items, actor=actor, on_done=done)


def _print_summary(results: list[LoadResult], failures: list[tuple[IngestItem, IngestError]]) -> None:
    if results:
        table = Table(title="Loaded", title_justify="left")
        table.add_column("source", overflow="fold")
        table.add_column("rows loaded", overflow="fold")
        table.add_column("refused", justify="right")
        table.add_column("secs", justify="right")
        for r in results:
            parts = [f"{v:,} {k}" for k, v in r.counts.items() if v]
            table.add_row(f"{r.source_id} [dim]({r.format})[/dim]", ", ".join(parts) or "none",
                          f"[yellow]{r.quarantined:,}[/yellow]" if r.quarantined else "0", f"{r.seconds:.1f}")
        console.print(table)
        total = sum(r.rows_loaded for r in results)
        refused = sum(r.quarantined for r in results)
        console.print(f"{len(results)} source(s) loaded: {total:,} rows, {refused:,} refused.")
        reasons: dict[str, int] = {}
        for r in results:
            for reason, count in r.reasons:
                reasons[reason] = reasons.get(reason, 0) + count
        if reasons:
            console.print("Refused rows, by reason (see [bold]toex quarantine[/bold]):")
            for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
                console.print(f"  {count:>8,}  {reason}")
    for _item, error in failures:
        err_console.print(f"[red]failed:[/red] {error} [dim](store unchanged for this source)[/dim]")


def status_command(store: StoreOption = None) -> None:
    """Sources, record counts per table, quarantine counts and the last loads."""
    with opened_store(store) as handle:
        console.print(f"Store: [bold]{handle.path}[/bold] (schema {handle.version})")
        counts = Table(title="Records", title_justify="left")
        counts.add_column("table")
        counts.add_column("rows", justify="right")
        for name in ("persons", "locations", "objects", "organisations", "events", "links", "quarantine"):
            counts.add_row(name, f"{handle.scalar(f'SELECT count(*) FROM {name}'):,}")
        console.print(counts)
        sources = handle.fetchall(
            """SELECT s.source_id, s.format, s.owner, s.kind,
                      (SELECT count(*) FROM persons p WHERE p.source_id = s.source_id)
                    + (SELECT count(*) FROM locations p WHERE p.source_id = s.source_id)
                    + (SELECT count(*) FROM objects p WHERE p.source_id = s.source_id)
                    + (SELECT count(*) FROM organisations p WHERE p.source_id = s.source_id)
                    + (SELECT count(*) FROM events p WHERE p.source_id = s.source_id)
                    + (SELECT count(*) FROM links p WHERE p.source_id = s.source_id),
                      (SELECT count(*) FROM quarantine q WHERE q.source_id = s.source_id),
                      strftime(s.loaded_at, '%Y-%m-%d %H:%M')
               FROM sources s ORDER BY s.source_id"""
        )
        table = Table(title=f"Sources ({len(sources)})", title_justify="left")
        for col in ("source", "format", "owner", "kind", "rows", "refused", "loaded (UTC)"):
            table.add_column(col, justify="right" if col in ("rows", "refused") else "left")
        for sid, fmt_, owner, kind, rows, refused, loaded in sources[:60]:
            table.add_row(sid, fmt_, owner, kind, f"{rows:,}", f"{refused:,}", loaded)
        console.print(table)
        if len(sources) > 60:
            console.print(f"... and {len(sources) - 60} more sources")
        loads = handle.fetchall(
            "SELECT strftime(finished_at, '%Y-%m-%d %H:%M:%S'), source_id, status, rows_loaded, rows_quarantined, "
            "coalesce(message, '') FROM loads ORDER BY finished_at DESC LIMIT 10"
        )
        last = Table(title="Last loads", title_justify="left")
        for col in ("finished (UTC)", "source", "status", "rows", "refused", "message"):
            last.add_column(col)
        for fin, sid, st, rows, refused, msg in loads:
            last.add_row(fin, sid, f"[red]{st}[/red]" if st == "failed" else st, f"{rows:,}", f"{refused:,}", msg[:80])
        console.print(last)


def quarantine_command(
    source: Annotated[str | None, typer.Option("--source", help="Only this source id.")] = None,
    limit: Annotated[int, typer.Option("--limit", help="How many rows to show.")] = 50,
    records: Annotated[bool, typer.Option("--records", help="Also show each refused row's raw content.")] = False,
    store: StoreOption = None,
) -> None:
    """The refused rows, with source, file, line and reason."""
    with opened_store(store) as handle:
        where, params = ("WHERE source_id = ?", [source]) if source else ("", [])
        total = handle.scalar(f"SELECT count(*) FROM quarantine {where}", params)
        rows = handle.fetchall(
            f"SELECT source_id, file, line, reason, record FROM quarantine {where} ORDER BY source_id, file, line LIMIT ?",
            [*params, limit],
        )
        table = Table(title=f"Quarantine: {total:,} row(s){' in ' + source if source else ''}", title_justify="left")
        for col in ("source", "file", "line", "reason", *(("record",) if records else ())):
            table.add_column(col, overflow="fold", justify="right" if col == "line" else "left")
        for sid, file, line, reason, record in rows:
            table.add_row(sid, file or "", str(line or ""), reason, *(((record or "")[:400],) if records else ()))
        console.print(table)
        if total > len(rows):
            console.print(f"showing {len(rows)} of {total:,}; use --limit or --source to see more")
