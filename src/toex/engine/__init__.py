"""Engines beneath the stages: DuckDB (default, one machine) and Spark (pyspark, a cluster).

    engine = get_engine(load_settings())       # TOEX_ENGINE=duckdb|spark
    engine.execute("INSERT INTO ...", [...])    # toex SQL: DuckDB syntax + engine.dialect
    with engine.transaction(): ...              # the stage's output tables change together

A stage takes an :class:`Engine` (or a :class:`toex.store.Store`, seen through
:func:`as_engine`) and never asks which one it has. The Spark engine is an
optional extra: ``pip install 'toex[spark]'`` (and Java 17+).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from toex.engine.base import (
    CsvOptions,
    Dialect,
    DuckDBDialect,
    Engine,
    EngineError,
    EngineUnavailableError,
    Reject,
    record_audit,
)
from toex.engine.duckdb import DuckDBEngine
from toex.errors import StoreError
from toex.store.sql import quote_ident

if TYPE_CHECKING:
    from toex.config import Settings
    from toex.engine.spark import SparkEngine
    from toex.store import Store

__all__ = [
    "CsvOptions",
    "Dialect",
    "DuckDBDialect",
    "DuckDBEngine",
    "Engine",
    "EngineError",
    "EngineUnavailableError",
    "Reject",
    "SparkEngine",
    "as_engine",
    "copy_tables",
    "get_engine",
    "record_audit",
]


def as_engine(target: Store | Engine) -> Engine:
    """An engine for a stage: an engine as it is, a DuckDB store wrapped (not owned)."""
    return target if isinstance(target, Engine) else DuckDBEngine(target)


def copy_tables(source: Engine, target: Engine, names: Sequence[str]) -> dict[str, int]:
    """Replace the rows of tables on ``target`` with ``source``'s, in one transaction; returns rows per table.

    Columns are matched by name (the target's schema stands; a column the
    source lacks is an error). Each table travels as one Arrow table through
    this process, so this is for moving a store of modest size between engines
    (a test store, a sample for a Spark trial), not for bulk migration.
    """
    missing = [n for n in names if not source.table_exists(n) or not target.table_exists(n)]
    if missing:
        raise StoreError(f"copy_tables: no table {', '.join(map(repr, missing))} on both "
                         f"{source.name} and {target.name}; open both stores first so their schemas exist")
    copied: dict[str, int] = {}
    with target.transaction():
        for name in names:
            data = source.read_table(name)
            absent = [c for c in target.columns(name) if c not in data.column_names]
            if absent:
                raise StoreError(f"copy_tables: {name} on {source.name} has no column {', '.join(absent)}; "
                                 "migrate the source store first")
            target.execute(f"DELETE FROM {quote_ident(name)}")
            target.insert_arrow(name, data, ", ".join(quote_ident(c) for c in target.columns(name)))
            copied[name] = data.num_rows
    return copied


def get_engine(settings: Settings) -> Engine:
    """The engine the settings name, opened (and its store created on first use)."""
    if settings.engine == "spark":
        from toex.engine.spark import SparkEngine

        return SparkEngine(settings.spark_warehouse, settings.spark_master, driver_memory=settings.spark_driver_memory)
    from toex.store import open_store

    return DuckDBEngine(open_store(settings.store), owns_store=True)


def __getattr__(name: str) -> Any:
    """``toex.engine.SparkEngine`` imports pyspark only when asked for (and says how to install it)."""
    if name == "SparkEngine":
        from toex.engine.spark import SparkEngine

        return SparkEngine
    raise AttributeError(f"module 'toex.engine' has no attribute {name!r}")
