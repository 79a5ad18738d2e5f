"""Small query helpers that always finish their result.

DuckDB 2 refuses new work on a connection while an earlier result is only
partly fetched, and Splink shares the store's connection, so resolve reads
every result to the end (``fetchall``) rather than ``fetchone``. They take an
:class:`~toex.engine.Engine` (DuckDB or Spark) or a DuckDB store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from toex.engine import Engine
from toex.store import Store


def row(store: Engine | Store, sql: str, params: Sequence[Any] | None = None) -> tuple[Any, ...] | None:
    """The first row of a query (the rest are read and dropped)."""
    rows = store.fetchall(sql, params)
    return rows[0] if rows else None


def value(store: Engine | Store, sql: str, params: Sequence[Any] | None = None) -> Any:
    """The first column of the first row, or None."""
    first = row(store, sql, params)
    return None if first is None else first[0]
