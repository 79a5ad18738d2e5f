"""The DuckDB engine (the default): toex SQL runs as it is on a :class:`toex.store.Store`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from toex.engine.base import (
    CsvOptions,
    DuckDBDialect,
    Engine,
    EngineError,
    ListRows,
    Params,
    Reject,
    Rows,
)
from toex.errors import UnreadableFileError
from toex.store import Store
from toex.store.sql import quote_ident

if TYPE_CHECKING:
    import pyarrow as pa
    from splink.internals.database_api import DatabaseAPI

#: Longest CSV record accepted, in bytes (DuckDB's default is 2 MB; intelligence
#: text can be long, and a longer line is quarantined, not fatal).
MAX_LINE_BYTES = 16_000_000

#: DuckDB's names for the encodings a mapping may give.
_ENCODINGS = {"utf8": "utf-8", "latin1": "latin-1", "iso88591": "latin-1", "utf16": "utf-16"}


class DuckDBEngine(Engine):
    """A :class:`Store` (one DuckDB connection) seen as an :class:`Engine`."""

    name = "duckdb"
    dialect = DuckDBDialect()

    def __init__(self, store: Store, *, owns_store: bool = False) -> None:
        self.store = store
        self._owns = owns_store

    def _run(self, sql: str, params: Params) -> Rows:
        # every result is read to the end: DuckDB 2 refuses new work on a connection with one pending
        try:
            return ListRows(self.store.execute(sql, params).fetchall())  # type: ignore[arg-type]
        except duckdb.Error as exc:
            raise _engine_error(exc, sql) from exc

    def fetch_arrow(self, sql: str, params: Params = None) -> pa.Table:
        try:
            table: pa.Table = self.store.con.sql(sql, params=params).to_arrow_table()
        except duckdb.Error as exc:
            raise _engine_error(exc, sql) from exc
        return table

    def register(self, name: str, table: pa.Table) -> None:
        self.store.con.register(name, table)

    def unregister(self, name: str) -> None:
        self.store.con.unregister(name)

    def table_exists(self, name: str) -> bool:
        return bool(self._do(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = ? "
            "AND (table_schema = 'main' OR table_catalog = 'temp')", [name])[0][0])

    @contextmanager
    def transaction(self) -> Iterator[Engine]:
        with self.store.transaction():
            yield self

    def stage_csv(self, path: Path, table: str, options: CsvOptions) -> tuple[int, tuple[Reject, ...]]:
        encoding = options.encoding.lower().replace("-", "").replace("_", "")
        source = (
            "read_csv($path, header=true, auto_detect=false, columns=$columns, delim=$delim, quote='\"', "
            f"escape='\"', store_rejects=true, strict_mode=true, encoding=$encoding, max_line_size={MAX_LINE_BYTES}, "
            "rejects_table='__toex_rejects', rejects_scan='__toex_reject_scans')"
        )
        params = {"path": str(path), "columns": {name: "VARCHAR" for name in options.columns},
                  "delim": options.delimiter, "encoding": _ENCODINGS.get(encoding, options.encoding),
                  "file": path.name}
        try:
            self._do(
                f"CREATE OR REPLACE TEMP TABLE {quote_ident(table)} AS "
                f"SELECT *, $file AS __file, row_number() OVER () + 1 AS __line FROM {source}",
                params,
            )
            # one reject per record: DuckDB lists a record missing two columns twice; the first problem stands
            reject_rows = self._do(
                "SELECT line, error_type, error_message, csv_line FROM __toex_rejects "
                "QUALIFY row_number() OVER (PARTITION BY line ORDER BY column_idx NULLS FIRST) = 1 ORDER BY line")
        except duckdb.Error as exc:
            raise UnreadableFileError(path, _explain(exc)) from exc
        rejects = tuple(Reject(int(line), f"{kind.lower()}: {msg}", raw or "") for line, kind, msg, raw in reject_rows)
        self._number_lines(table, rejects)
        return int(self._do(f"SELECT count(*) FROM {quote_ident(table)}")[0][0]), rejects

    def _number_lines(self, table: str, rejects: tuple[Reject, ...]) -> None:
        """Give each parsed row its line: the n-th line number >= 2 that was not rejected."""
        self._do("DROP TABLE IF EXISTS __toex_rejects")
        self._do("DROP TABLE IF EXISTS __toex_reject_scans")
        if not rejects:
            return  # rows are numbered in file order already
        staged = quote_ident(table)
        self._do("CREATE OR REPLACE TEMP TABLE __toex_rejected_lines (line BIGINT)")
        self.store.con.executemany("INSERT INTO __toex_rejected_lines VALUES (?)", [[r.line] for r in rejects])
        self._do(
            f"""CREATE OR REPLACE TEMP TABLE {staged} AS
            WITH lines AS (
                SELECT line, row_number() OVER (ORDER BY line) + 1 AS __line
                FROM (SELECT range + 2 AS line FROM range((SELECT count(*) FROM {staged})
                                                          + (SELECT count(*) FROM __toex_rejected_lines))
                      WHERE range + 2 NOT IN (SELECT line FROM __toex_rejected_lines))
            )
            SELECT r.* EXCLUDE (__line), l.line AS __line
            FROM {staged} r JOIN lines l USING (__line) ORDER BY l.line"""
        )
        self._do("DROP TABLE __toex_rejected_lines")

    def stage_parquet(self, path: Path, table: str) -> tuple[tuple[str, ...], int]:
        try:
            names = [row[0] for row in self._do(
                "SELECT name FROM parquet_schema(?) WHERE num_children IS NULL OR num_children = 0", [str(path)])]
            names = [n for n in names if n not in ("schema", "duckdb_schema")]
            casts = ", ".join(f"CAST({quote_ident(n)} AS VARCHAR) AS {quote_ident(n)}" for n in names)
            self._do(
                f"CREATE OR REPLACE TEMP TABLE {quote_ident(table)} AS SELECT {casts}, $file AS __file, "
                f"row_number() OVER () + 1 AS __line FROM read_parquet($path)",
                {"path": str(path), "file": path.name},
            )
        except duckdb.Error as exc:
            raise UnreadableFileError(path, _explain(exc)) from exc
        return tuple(names), int(self._do(f"SELECT count(*) FROM {quote_ident(table)}")[0][0])

    def _do(self, sql: str, params: Any = None) -> list[tuple[Any, ...]]:
        """Run on the connection and read the result to the end (DuckDB errors pass through)."""
        return self.store.execute(sql, params).fetchall()

    def splink_backend(self) -> DatabaseAPI[Any]:
        from splink import DuckDBAPI

        backend: DatabaseAPI[Any] = DuckDBAPI(self.store.con)
        return backend

    def close(self) -> None:
        if self._owns:
            self.store.close()


def _engine_error(exc: duckdb.Error, sql: str) -> EngineError:
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return EngineError(f"{first}\n[duckdb] while running: {sql.strip()[:800]}")


def _explain(exc: duckdb.Error) -> str:
    """One line a person can act on, from a DuckDB reader error."""
    text = str(exc)
    lowered = text.lower()
    if "unicode" in lowered or "utf-8" in lowered or "encoding" in lowered:
        line = _line_of(text)
        return f"not UTF-8 text{line}; re-save the file as UTF-8 (or name its encoding in the mapping)"
    if "parquet" in lowered and ("magic" in lowered or "not a" in lowered or "invalid" in lowered):
        return "not a readable Parquet file"
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return f"cannot be read: {first}"


def _line_of(text: str) -> str:
    marker = "Line: "
    if marker in text:
        tail = text.split(marker, 1)[1]
        digits = "".join(ch for ch in tail[:12] if ch.isdigit())
        if digits:
            return f" (line {digits})"
    return ""
