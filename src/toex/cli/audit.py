"""``toex audit``: read and verify the audit trail."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from toex.cli.common import StoreOption, console, fail, opened_store
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
