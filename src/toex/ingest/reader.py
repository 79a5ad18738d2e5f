"""Read one input file into a staging table of text columns, with its line numbers.

Rows the CSV parser cannot split (too many or too few fields, unterminated
quotes) are not lost: they come back as rejects with their line and raw text,
for the quarantine. A file that cannot be read at all (not UTF-8, no header,
not a CSV or Parquet file) raises :class:`UnreadableFileError`.

``line`` is the record's number in the file counting the header as line 1; it
equals the physical line unless earlier fields hold line breaks.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

import duckdb

from toex.errors import UnreadableFileError
from toex.store import Store
from toex.store.sql import quote_ident

#: Longest CSV record accepted, in bytes (DuckDB's default is 2 MB; intelligence
#: text can be long, and a longer line is quarantined, not fatal).
MAX_LINE_BYTES = 16_000_000


@dataclass(frozen=True)
class Reject:
    """A row the parser could not split."""

    line: int
    reason: str
    raw: str


@dataclass(frozen=True)
class StagedFile:
    """A file staged as ``table`` with text columns plus ``__file`` and ``__line``."""

    path: Path
    table: str
    columns: tuple[str, ...]
    rows: int
    rejects: tuple[Reject, ...]


def read_header(path: Path, delimiter: str = ",", encoding: str = "utf-8") -> list[str]:
    """The header row of a CSV file, as column names (BOM and surrounding spaces removed)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(1_048_576)
    except OSError as exc:
        raise UnreadableFileError(path, f"cannot be opened ({exc.strerror})") from exc
    if not head.strip():
        raise UnreadableFileError(path, "empty file: no header row")
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line and encoding.lower().replace("-", "") == "utf8":
        raise UnreadableFileError(path, "not a CSV text file (NUL bytes in the header; wrong encoding or binary)")
    try:
        text = head.decode(encoding)
    except UnicodeDecodeError as exc:
        if len(head) == 1_048_576 and exc.start > len(head) - 4:
            text = head[: exc.start].decode(encoding)
        else:
            label = "UTF-8" if encoding.lower().replace("-", "") == "utf8" else encoding
            raise UnreadableFileError(path, f"not {label} text (invalid byte at offset {exc.start})") from exc
    except LookupError as exc:
        raise UnreadableFileError(path, f"unknown encoding {encoding!r}") from exc
    text = text.removeprefix("\ufeff")
    header = next(csv.reader(io.StringIO(text), delimiter=delimiter), [])
    names = [name.strip() for name in header]
    if not names or all(not n for n in names):
        raise UnreadableFileError(path, "no header row")
    if any(not n for n in names):
        raise UnreadableFileError(path, f"header has an empty column name (column {names.index('') + 1})")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise UnreadableFileError(path, f"header repeats column(s) {', '.join(duplicates)}")
    return names


def stage_csv(
    store: Store, path: Path, table: str, *, delimiter: str = ",", encoding: str = "utf-8"
) -> StagedFile:
    """Stage a CSV file; every column is text, unknown columns are kept."""
    names = read_header(path, delimiter, encoding)
    columns = {name: "VARCHAR" for name in names}
    duck_encoding = {"utf8": "utf-8", "latin1": "latin-1", "iso88591": "latin-1", "utf16": "utf-16"}.get(
        encoding.lower().replace("-", "").replace("_", ""), encoding
    )
    source = (
        "read_csv($path, header=true, auto_detect=false, columns=$columns, delim=$delim, quote='\"', "
        f"escape='\"', store_rejects=true, strict_mode=true, encoding=$encoding, max_line_size={MAX_LINE_BYTES}, "
        "rejects_table='__toex_rejects', rejects_scan='__toex_reject_scans')"
    )
    params = {"path": str(path), "columns": columns, "delim": delimiter, "encoding": duck_encoding}
    params["file"] = path.name
    try:
        store.execute(
            f"CREATE OR REPLACE TEMP TABLE {quote_ident(table)} AS "
            f"SELECT *, $file AS __file, row_number() OVER () + 1 AS __line FROM {source}",
            params,
        )
        reject_rows = store.fetchall(
            "SELECT line, error_type, error_message, csv_line FROM __toex_rejects ORDER BY line"
        )
    except duckdb.Error as exc:
        raise UnreadableFileError(path, _explain(exc)) from exc
    rejects = tuple(Reject(int(line), f"{kind.lower()}: {msg}", raw or "") for line, kind, msg, raw in reject_rows)
    _number_lines(store, table, path, rejects)
    rows = int(store.scalar(f"SELECT count(*) FROM {quote_ident(table)}"))
    return StagedFile(path, table, tuple(names), rows, rejects)


def _number_lines(store: Store, table: str, path: Path, rejects: tuple[Reject, ...]) -> None:
    """Give each parsed row its line: the n-th line number >= 2 that was not rejected."""
    _drop_reject_tables(store)
    if not rejects:
        return  # rows are numbered in file order already
    staged = quote_ident(table)
    store.execute("CREATE OR REPLACE TEMP TABLE __toex_rejected_lines (line BIGINT)")
    store.con.executemany("INSERT INTO __toex_rejected_lines VALUES (?)", [[r.line] for r in rejects])
    store.execute(
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
    store.execute("DROP TABLE __toex_rejected_lines")


def _drop_reject_tables(store: Store) -> None:
    store.execute("DROP TABLE IF EXISTS __toex_rejects")
    store.execute("DROP TABLE IF EXISTS __toex_reject_scans")


def stage_parquet(store: Store, path: Path, table: str) -> StagedFile:
    """Stage a Parquet file with every column cast to text; ``line`` is the row number + 1."""
    try:
        names = [row[0] for row in store.fetchall("SELECT name FROM parquet_schema(?) WHERE num_children IS NULL OR num_children = 0", [str(path)])]
        names = [n for n in names if n not in ("schema", "duckdb_schema")]
        casts = ", ".join(f"CAST({quote_ident(n)} AS VARCHAR) AS {quote_ident(n)}" for n in names)
        store.execute(
            f"CREATE OR REPLACE TEMP TABLE {quote_ident(table)} AS SELECT {casts}, $file AS __file, "
            f"row_number() OVER () + 1 AS __line FROM read_parquet($path)",
            {"path": str(path), "file": path.name},
        )
    except duckdb.Error as exc:
        raise UnreadableFileError(path, _explain(exc)) from exc
    rows = int(store.scalar(f"SELECT count(*) FROM {quote_ident(table)}"))
    return StagedFile(path, table, tuple(names), rows, ())


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
