"""The engine surface beneath the stages, and the dialect that names what differs.

A stage builds SQL as strings in *toex SQL*: DuckDB's syntax (the default
engine's), with every construct that has no automatic translation taken from
the engine's :class:`Dialect` (``engine.dialect.regexp_full_match(...)``).
An engine runs that SQL as it is (DuckDB) or transpiles it first (Spark, with
sqlglot). Stage code never asks which engine it runs on.

The abstract surface is small on purpose (Splink's ``DatabaseAPI`` is the model):
:meth:`Engine._run` one statement, :meth:`Engine.register` an Arrow table,
:meth:`Engine.table_exists`, :meth:`Engine.transaction`, :meth:`Engine.fetch_arrow`,
the two file readers, :meth:`Engine.splink_backend` and :meth:`Engine.close`.
Everything else (``fetchall``, ``scalar``, ``create_table``, ``replace_tables``...)
is built on them once, here.

Errors: an engine's own error is raised as :class:`EngineError` naming the
engine and the statement, ``from`` the original.
"""

from __future__ import annotations

import json
import unicodedata
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from toex.errors import ConfigError, StoreError
from toex.store.sql import quote_ident, quote_literal

if TYPE_CHECKING:
    import pyarrow as pa
    from splink.internals.database_api import DatabaseAPI

#: Bound parameters: positional (``?``) or named (``$name``).
Params = Sequence[Any] | Mapping[str, Any] | None


class EngineError(StoreError):
    """A statement failed in the engine; the message names the engine and the statement."""


class EngineUnavailableError(ConfigError):
    """An optional engine was asked for but its dependencies are not installed."""


class Rows(Protocol):
    """What a statement returns: its rows, read once."""

    def fetchone(self) -> tuple[Any, ...] | None: ...

    def fetchall(self) -> list[tuple[Any, ...]]: ...


class ListRows:
    """:class:`Rows` over a list already in memory."""

    def __init__(self, rows: list[tuple[Any, ...]]) -> None:
        self._rows = rows
        self._next = 0

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._next >= len(self._rows):
            return None
        self._next += 1
        return self._rows[self._next - 1]

    def fetchall(self) -> list[tuple[Any, ...]]:
        rest, self._next = self._rows[self._next:], len(self._rows)
        return rest


@dataclass(frozen=True)
class Reject:
    """A CSV record the parser could not split: its line, why, and its raw text."""

    line: int
    reason: str
    raw: str


@dataclass(frozen=True)
class CsvOptions:
    """How to read one CSV file: its header (already read and checked) and format."""

    columns: tuple[str, ...]
    delimiter: str = ","
    encoding: str = "utf-8"


def _no(backend: str, what: str) -> NotImplementedError:
    return NotImplementedError(f"Backend '{backend}' does not have {what}; add it to its Dialect in toex.engine")


class Dialect:
    """SQL vocabulary that differs between engines; each method returns a SQL fragment.

    Arguments named ``expr`` are SQL expressions; ``pattern`` and ``fmt`` are
    plain Python strings (quoted here). The base class raises a
    ``NotImplementedError`` naming the backend for anything it lacks.
    """

    name = "generic"
    #: Column type of JSON documents (``JSON`` in DuckDB; Spark keeps JSON as text).
    json_type = "JSON"

    def regexp_full_match(self, expr: str, pattern: str) -> str:
        """Whether the whole of ``expr`` matches ``pattern``."""
        raise _no(self.name, "a full regular-expression match")

    def regexp_matches(self, expr: str, pattern: str) -> str:
        """Whether ``pattern`` matches somewhere in ``expr``."""
        raise _no(self.name, "a partial regular-expression match")

    def regexp_replace_all(self, expr: str, pattern: str, replacement: str) -> str:
        """Every match of ``pattern`` in ``expr`` replaced."""
        raise _no(self.name, "a global regular-expression replace")

    def strip_accents(self, expr: str) -> str:
        """``expr`` with accents removed ('Ionuț' -> 'Ionut')."""
        raise _no(self.name, "'strip_accents'")

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        """A JSON object (as text or JSON) from (key, value expression) pairs; NULL values kept."""
        raise _no(self.name, "'json_object'")

    def to_json(self, fields: Sequence[tuple[str, str]], json_fields: Sequence[tuple[str, str]] = ()) -> str:
        """A JSON text of a record: ``fields`` hold values, ``json_fields`` hold JSON documents nested as such."""
        raise _no(self.name, "'to_json' of a record")

    def try_cast(self, expr: str, sql_type: str) -> str:
        """``expr`` cast to ``sql_type``, NULL where it does not convert."""
        return f"TRY_CAST({expr} AS {sql_type})"

    def local_timestamp(self, expr: str, zone: str) -> str:
        """A date-time text with a UTC offset, as the wall-clock time in ``zone`` (NULL when unparseable)."""
        raise _no(self.name, "time zone conversion of a date-time with an offset")

    def reformat_datetime(self, expr: str, strptime_fmt: str, strftime_fmt: str) -> str:
        """Text parsed with a strptime format and written with a strftime format; NULL when it does not parse."""
        raise _no(self.name, "strptime/strftime date parsing")

    def list_agg(self, expr: str, order_by: str | None = None) -> str:
        """An aggregate that collects ``expr`` into a list (in ``order_by`` order when given)."""
        raise _no(self.name, "a list aggregate")

    def sorted_set_agg(self, expr: str, where: str | None = None) -> str:
        """An aggregate: the distinct non-NULL values of ``expr`` (over rows meeting ``where``), sorted.

        With no such value it gives NULL on some engines and an empty list on others: read both as none.
        """
        raise _no(self.name, "a sorted distinct list aggregate")

    def json_agg(self, fields: Sequence[tuple[str, str]], order_by: Sequence[str], limit: int) -> str:
        """An aggregate: a JSON array (as JSON text) of objects made of (key, value expression) ``fields``.

        The objects come in ``order_by`` order (ascending, NULLs last), at most ``limit`` of them.
        """
        raise _no(self.name, "a JSON array aggregate")

    def list_contains(self, list_expr: str, value: str) -> str:
        """Whether a list holds a value."""
        raise _no(self.name, "'list_contains'")

    def list_length(self, list_expr: str) -> str:
        """The number of items in a list."""
        raise _no(self.name, "a list length")

    def json_array_field(self, expr: str, field: str) -> str:
        """A list: the non-NULL values of text field ``field`` of the objects in the JSON array ``expr``."""
        raise _no(self.name, "reading a field of each object of a JSON array")

    def qualify_first(self, select: str, partition_by: str, order_by: str, columns: Sequence[str]) -> str:
        """The first row of each ``partition_by`` group of ``select`` (as ``columns``) in ``order_by`` order."""
        cols = ", ".join(columns)
        return (
            f"SELECT {cols} FROM (SELECT *, row_number() OVER (PARTITION BY {partition_by} ORDER BY {order_by}) "
            f"AS __qualify_rn FROM ({select}) __qualify_in) __qualify_out WHERE __qualify_rn = 1"
        )

    def range_table(self, count: int, column: str = "range") -> str:
        """A table expression of one BIGINT column holding 0 .. count - 1."""
        raise _no(self.name, "a 'range' table function")


def _pattern(pattern: str) -> str:
    return quote_literal(pattern)


class DuckDBDialect(Dialect):
    """DuckDB's own vocabulary (toex SQL is DuckDB syntax, so this is mostly the identity)."""

    name = "duckdb"

    def regexp_full_match(self, expr: str, pattern: str) -> str:
        return f"regexp_full_match({expr}, {_pattern(pattern)})"

    def regexp_matches(self, expr: str, pattern: str) -> str:
        return f"regexp_matches({expr}, {_pattern(pattern)})"

    def regexp_replace_all(self, expr: str, pattern: str, replacement: str) -> str:
        return f"regexp_replace({expr}, {_pattern(pattern)}, {quote_literal(replacement)}, 'g')"

    def strip_accents(self, expr: str) -> str:
        return f"strip_accents({expr})"

    def json_object(self, pairs: Sequence[tuple[str, str]]) -> str:
        return "json_object(" + ", ".join(f"{quote_literal(k)}, {v}" for k, v in pairs) + ")"

    def to_json(self, fields: Sequence[tuple[str, str]], json_fields: Sequence[tuple[str, str]] = ()) -> str:
        parts = ", ".join(f"{quote_ident(k)} := {v}" for k, v in (*fields, *json_fields))
        return f"CAST(to_json(struct_pack({parts})) AS VARCHAR)"

    def local_timestamp(self, expr: str, zone: str) -> str:
        return f"timezone({quote_literal(zone)}, TRY_CAST({expr} AS TIMESTAMPTZ))"

    def reformat_datetime(self, expr: str, strptime_fmt: str, strftime_fmt: str) -> str:
        return f"strftime(try_strptime({expr}, {quote_literal(strptime_fmt)}), {quote_literal(strftime_fmt)})"

    def list_agg(self, expr: str, order_by: str | None = None) -> str:
        return f"list({expr}{f' ORDER BY {order_by}' if order_by else ''})"

    def sorted_set_agg(self, expr: str, where: str | None = None) -> str:
        condition = f"({expr}) IS NOT NULL" + (f" AND ({where})" if where else "")
        return f"list(DISTINCT {expr} ORDER BY {expr}) FILTER (WHERE {condition})"

    def json_agg(self, fields: Sequence[tuple[str, str]], order_by: Sequence[str], limit: int) -> str:
        record = ", ".join(f"{quote_literal(k)}: {v}" for k, v in fields)
        return f"to_json(list({{{record}}} ORDER BY {', '.join(order_by)})[1:{int(limit)}])"

    def list_contains(self, list_expr: str, value: str) -> str:
        return f"list_contains({list_expr}, {value})"

    def list_length(self, list_expr: str) -> str:
        return f"len({list_expr})"

    def json_array_field(self, expr: str, field: str) -> str:
        shape = quote_literal(json.dumps([{field: "VARCHAR"}]))
        return (f"list_filter(list_transform(from_json({expr}, {shape}), lambda x: x.{quote_ident(field)}), "
                "lambda v: v IS NOT NULL)")

    def qualify_first(self, select: str, partition_by: str, order_by: str, columns: Sequence[str]) -> str:
        return (f"SELECT {', '.join(columns)} FROM ({select}) __qualify_in "
                f"QUALIFY row_number() OVER (PARTITION BY {partition_by} ORDER BY {order_by}) = 1")

    def range_table(self, count: int, column: str = "range") -> str:
        return f"(SELECT range AS {quote_ident(column)} FROM range({int(count)}))"


#: Latin letters folded by :func:`accent_map` (Latin-1 supplement, Latin Extended-A/B and Additional).
_ACCENT_BLOCKS = ((0x00C0, 0x024F), (0x1E00, 0x1EFF))


@cache
def accent_map() -> tuple[str, str]:
    """(accented letters, their base letters) for SQL ``translate``: what ``strip_accents`` does to them.

    Each letter whose canonical decomposition is one ASCII letter plus
    combining marks maps to that letter ('ț' -> 't'); letters with no such
    decomposition ('ø', 'ß', 'æ') stay as they are, as in DuckDB.
    """
    src, dst = [], []
    for lo, hi in _ACCENT_BLOCKS:
        for code in range(lo, hi + 1):
            char = chr(code)
            base = "".join(c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c))
            if len(base) == 1 and base != char and base.isascii():
                src.append(char)
                dst.append(base)
    return "".join(src), "".join(dst)


class Engine(ABC):
    """One store on one engine: the surface every stage runs on."""

    #: Short name used in messages and settings ("duckdb", "spark").
    name: str
    dialect: Dialect

    # -- the abstract surface ------------------------------------------------
    @abstractmethod
    def _run(self, sql: str, params: Params) -> Rows:
        """Run one statement of toex SQL with bound parameters."""

    @abstractmethod
    def register(self, name: str, table: pa.Table) -> None:
        """Make an Arrow table queryable as ``name`` until :meth:`unregister`."""

    @abstractmethod
    def unregister(self, name: str) -> None:
        """Forget a table made with :meth:`register`."""

    @abstractmethod
    def table_exists(self, name: str) -> bool:
        """Whether a table (stored or temporary) of that name exists."""

    @abstractmethod
    def transaction(self) -> AbstractContextManager[Engine]:
        """All-or-nothing: every table written in the block changes together at its end, or not at all."""

    @abstractmethod
    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        """A query's result as an Arrow table."""

    @abstractmethod
    def stage_csv(self, path: Path, table: str, options: CsvOptions) -> tuple[int, tuple[Reject, ...]]:
        """Read a CSV file into temp table ``table``: its columns as text plus ``__file`` and ``__line``.

        Returns the rows staged and the records the parser could not split.
        ``__line`` is the record's number counting the header as 1.
        """

    @abstractmethod
    def stage_parquet(self, path: Path, table: str) -> tuple[tuple[str, ...], int]:
        """Read a Parquet file into temp table ``table`` with every column as text; returns its columns and rows."""

    @abstractmethod
    def splink_backend(self) -> DatabaseAPI[Any]:
        """Splink's ``DatabaseAPI`` for this engine (DuckDBAPI or SparkAPI), sharing its connection or session."""

    @abstractmethod
    def close(self) -> None:
        """Release the engine's connection or session."""

    # -- built on the surface, once ----------------------------------------
    def execute(self, sql: str, params: Params = None) -> Rows:
        """Run one statement; its rows (if any) can be fetched from the result."""
        return self._run(sql, params)

    def fetchall(self, sql: str, params: Params = None) -> list[tuple[Any, ...]]:
        """Run a query and return every row."""
        return self._run(sql, params).fetchall()

    def scalar(self, sql: str, params: Params = None) -> Any:
        """The first column of the first row (or None)."""
        rows = self.fetchall(sql, params)
        return rows[0][0] if rows else None

    def count(self, table: str, where: str = "TRUE", params: Params = None) -> int:
        """Rows of ``table`` satisfying ``where``."""
        return int(self.scalar(f"SELECT count(*) FROM {quote_ident(table)} WHERE {where}", params))

    def create_table(self, name: str, query: str, params: Params = None, *, temporary: bool = True) -> None:
        """Create (or replace) a table from a query; temporary tables live as long as the engine."""
        kind = "TEMP TABLE" if temporary else "TABLE"
        self._run(f"CREATE OR REPLACE {kind} {quote_ident(name)} AS {query}", params)

    def drop_table(self, name: str) -> None:
        """Drop a table if it exists."""
        self._run(f"DROP TABLE IF EXISTS {quote_ident(name)}", None)

    def insert_arrow(self, table: str, data: pa.Table, select: str = "*") -> None:
        """Append Arrow rows to ``table`` (``select`` may reshape them, over ``__toex_arrow``)."""
        self.register("__toex_arrow", data)
        try:
            self._run(f"INSERT INTO {quote_ident(table)} SELECT {select} FROM __toex_arrow", None)
        finally:
            self.unregister("__toex_arrow")

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    types: Mapping[str, pa.DataType] | None = None) -> None:
        """Append Python rows (small: parameters, results of graph algorithms) to ``table`` by column name.

        The engine-neutral ``executemany``: the rows go in as one Arrow table.
        ``types`` names the Arrow type of a column whose values may all be NULL.
        """
        import pyarrow as pa

        if not rows:
            return
        given = types or {}
        arrays = {c: pa.array([r[i] for r in rows], type=given.get(c)) for i, c in enumerate(columns)}
        names = ", ".join(quote_ident(c) for c in columns)
        self.register("__toex_rows", pa.table(arrays))
        try:
            self._run(f"INSERT INTO {quote_ident(table)} ({names}) SELECT {names} FROM __toex_rows", None)
        finally:
            self.unregister("__toex_rows")

    def replace_tables(self, queries: Mapping[str, str], params: Params = None) -> None:
        """Replace the rows of several stored tables with queries' results, atomically."""
        with self.transaction():
            for name, query in queries.items():
                self._run(f"DELETE FROM {quote_ident(name)}", None)
                self._run(f"INSERT INTO {quote_ident(name)} {query}", params)

    def read_table(self, name: str) -> pa.Table:
        """A whole table as Arrow."""
        return self.fetch_arrow(f"SELECT * FROM {quote_ident(name)}")

    def columns(self, table: str) -> list[str]:
        """The column names of a table, in order."""
        return list(self.fetch_arrow(f"SELECT * FROM {quote_ident(table)} LIMIT 0").column_names)

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def record_audit(engine: Engine, actor: str, action: str, target: str | None = None,
                 detail: dict[str, Any] | None = None, purpose: str | None = None) -> int:
    """Append an audit entry through any engine (the hash chain is :mod:`toex.store.audit`'s).

    ``audit.record`` only calls ``execute(sql, params)`` and ``fetchone()`` on its
    result, which every :class:`Engine` provides, hence the cast.
    """
    from typing import cast

    from toex.store import Store, audit

    return audit.record(cast(Store, engine), actor, action, target, detail, purpose)
