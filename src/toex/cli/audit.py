"""``toex audit``: read and verify the audit trail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from toex.cli.common import StoreOption, console, fail, opened_store, settings
from toex.store import audit

audit_app = typer.Typer(help="The append-only, tamper-evident audit trail (DPA 2018 s.62).", no_args_is_help=True)


@audit_app.command("verify")
def verify_command(store: StoreOption = None) -> None:
    """Recompute the hash chain; exit 1 if any entry was changed, inserted or removed."""
    with opened_store(store) as handle:
        result = audit.verify(handle)
        if not result.ok:
            raise fail(f"audit trail broken at entry {result.first_bad_seq}: {result.reason}")
        console.print(f"[green]audit trail intact[/green]: {result.entries:,} entries verified")


@audit_app.command("show")
def show_command(
    limit: Annotated[int, typer.Option("--limit", help="How many of the latest entries.")] = 20,
    store: StoreOption = None,
) -> None:
    """The latest entries."""
    with opened_store(store) as handle:
        rows = handle.fetchall(
            "SELECT seq, strftime(logged_at, '%Y-%m-%d %H:%M:%S'), actor, action, coalesce(target, ''), "
            "coalesce(purpose, ''), CAST(detail AS VARCHAR) FROM audit ORDER BY seq DESC LIMIT ?",
            [limit],
        )
        table = Table(title="Audit trail (latest first)", title_justify="left")
        for col in ("seq", "at (UTC)", "who", "action", "what", "purpose", "detail"):
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(str(v) for v in row[:6]), str(row[6])[:100])
        console.print(table)


@audit_app.command("export")
def export_command(
    out: Annotated[Path, typer.Option("--out", help="CSV file to write.")] = Path("toex-audit.csv"),
    store: StoreOption = None,
) -> None:
    """Write the whole trail as CSV (itself recorded as a disclosure)."""
    import csv

    from toex.share.export import safe_cell

    with opened_store(store) as handle:
        rows = handle.fetchall(
            "SELECT seq, strftime(logged_at, '%Y-%m-%dT%H:%M:%S.%f'), actor, action, target, purpose, "
            "CAST(detail AS VARCHAR), prev_hash, hash FROM audit ORDER BY seq"
        )
        with out.open("w", newline="", encoding="utf-8") as handle_out:
            writer = csv.writer(handle_out)
            writer.writerow(["seq", "logged_at", "actor", "action", "target", "purpose", "detail", "prev_hash", "hash"])
            for row in rows:
                writer.writerow([safe_cell(v) if isinstance(v, str) else v for v in row])
        audit.record(handle, settings(store).actor, "disclosure", "audit-export",
                     {"file": str(out), "entries": len(rows), "recipients": [settings(store).actor]})
        console.print(f"{len(rows):,} audit entries written to {out}")
