"""What every command shares: the console, store options, error handling."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from toex.config import Settings, load_settings
from toex.engine import Engine, get_engine
from toex.errors import ToexError
from toex.store import Store, open_store

console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Store file (default: $TOEX_STORE or ./toex.duckdb).", show_default=False),
]


ENGINES = ("duckdb", "spark")


def check_engine(name: str | None) -> str | None:
    """An ``--engine`` value, refused at once (before any work) when it names no engine."""
    if name is not None and name not in ENGINES:
        raise typer.BadParameter(f"unknown engine {name!r}; expected {' or '.join(ENGINES)}", param_hint="--engine")
    return name


EngineOption = Annotated[
    str | None,
    typer.Option("--engine", help="Engine to run on: duckdb (the store file) or spark (the $TOEX_SPARK_WAREHOUSE "
                 "folder) (default: $TOEX_ENGINE or duckdb).", show_default=False, callback=check_engine),
]


def settings(store: Path | None = None, engine: str | None = None) -> Settings:
    """Settings from the environment with the command's options on top."""
    return load_settings(store=store, engine=check_engine(engine))


@contextmanager
def opened_engine(store: Path | None, engine: str | None) -> Iterator[Engine]:
    """Open the engine the options (or settings) name, turning toex errors into a one-line message and exit code 1."""
    cfg = settings(store, engine)
    try:
        handle = get_engine(cfg)
    except ToexError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    try:
        yield handle
    finally:
        handle.close()


@contextmanager
def opened_store(store: Path | None, *, read_only: bool = False) -> Iterator[Store]:
    """Open the store, turning toex errors into a one-line message and exit code 1."""
    cfg = settings(store)
    try:
        handle = open_store(cfg.store, read_only=read_only)
    except ToexError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    try:
        yield handle
    finally:
        handle.close()


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(1)
