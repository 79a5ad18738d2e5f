"""Small helpers for building SQL safely: identifiers are quoted in one place."""

from __future__ import annotations


def quote_ident(name: str) -> str:
    """Quote an identifier (table or column name) for DuckDB and Spark SQL alike."""
    return '"' + name.replace('"', '""') + '"'


def quote_literal(value: str) -> str:
    """Quote a string literal; prefer bound parameters where the engine allows them."""
    return "'" + value.replace("'", "''") + "'"
