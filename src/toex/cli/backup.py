"""``toex backup`` and ``toex restore``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toex.cli.common import StoreOption, console, fail, settings
from toex.errors import ToexError
from toex.store.backup import backup, restore


def backup_command(
    target: Annotated[Path, typer.Argument(help="Backup file to write.")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace an existing backup file.")] = False,
    store: StoreOption = None,
) -> None:
    """Write a consistent copy of the store, with a .sha256 checksum beside it."""
    try:
        info = backup(settings(store).store, target, overwrite=overwrite)
    except ToexError as exc:
        raise fail(str(exc)) from exc
    console.print(f"backed up to [bold]{info.path}[/bold] ({info.bytes / 1e6:.1f} MB, sha256 {info.sha256[:16]}...)")


def restore_command(
    source: Annotated[Path, typer.Argument(help="Backup file written by 'toex backup'.")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="Replace the store that is there now.")] = False,
    store: StoreOption = None,
) -> None:
    """Check a backup (checksum, toex store) and put it in place as the store."""
    try:
        info = restore(source, settings(store).store, overwrite=overwrite)
    except ToexError as exc:
        raise fail(str(exc)) from exc
    console.print(f"restored [bold]{info.path}[/bold] from {source} (sha256 {info.sha256[:16]}...)")
