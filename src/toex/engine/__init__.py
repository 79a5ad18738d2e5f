"""Engines beneath the stages: DuckDB (default, one machine) and Spark (pyspark, a cluster).

    engine = get_engine(load_settings())       # TOEX_ENGINE=duckdb|spark
    engine.execute("INSERT INTO ...", [...])    # toex SQL: DuckDB syntax + engine.dialect
    with engine.transaction(): ...              # the stage's output tables change together

A stage takes an :class:`Engine` (or a :class:`toex.store.Store`, seen through
:func:`as_engine`) and never asks which one it has. The Spark engine is an
optional extra: ``pip install 'toex[spark]'`` (and Java 17+).
"""

from __future__ import annotations

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
    "get_engine",
    "record_audit",
]


def as_engine(target: Store | Engine) -> Engine:
    """An engine for a stage: an engine as it is, a DuckDB store wrapped (not owned)."""
    return target if isinstance(target, Engine) else DuckDBEngine(target)


def get_engine(settings: Settings) -> Engine:
    """The engine the settings name, opened (and its store created on first use)."""
    if settings.engine == "spark":
        from toex.engine.spark import SparkEngine

        return SparkEngine(settings.spark_warehouse, settings.spark_master)
    from toex.store import open_store

    return DuckDBEngine(open_store(settings.store), owns_store=True)


def __getattr__(name: str) -> Any:
    """``toex.engine.SparkEngine`` imports pyspark only when asked for (and says how to install it)."""
    if name == "SparkEngine":
        from toex.engine.spark import SparkEngine

        return SparkEngine
    raise AttributeError(f"module 'toex.engine' has no attribute {name!r}")
