"""What every command shares: the console, store options, error handling."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Annotated, Protocol, TypeVar

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


class _Closable(Protocol):
    def close(self) -> None: ...


_H = TypeVar("_H", bound=_Closable)


@contextmanager
def _opened(open_handle: Callable[[], _H]) -> Iterator[_H]:
    """Open a handle, turning toex errors into a one-line message and exit code 1; close it after the block."""
    try:
        handle = open_handle()
    except ToexError as exc:
        err_console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc
    try:
        yield handle
    finally:
        handle.close()


def opened_engine(store: Path | None, engine: str | None) -> AbstractContextManager[Engine]:
    """Open the engine the options (or settings) name, turning toex errors into a one-line message and exit code 1."""
    cfg = settings(store, engine)
    return _opened(lambda: get_engine(cfg))


def opened_store(store: Path | None, *, read_only: bool = False, create: bool = False) -> AbstractContextManager[Store]:
    """Open the store, turning toex errors into a one-line message and exit code 1. Only a command that may
    start a store (``create``) makes one where there is none: the others would show an empty new store as if
    it were the user's (a mistyped ``--store``)."""
    cfg = settings(store)
    if not create and not Path(cfg.store).exists():
        raise fail(f"{cfg.store}: there is no store here; load sources with 'toex ingest' (or run 'toex demo'), "
                   "or give the store's path with --store or TOEX_STORE")
    return _opened(lambda: open_store(cfg.store, read_only=read_only))


def fail(message: str) -> typer.Exit:
    """Print a one-line error and return the exit to raise."""
    err_console.print(f"[red]error:[/red] {message}")
    return typer.Exit(1)
