"""Read one input file into a staging table of text columns, with its line numbers.

Rows the CSV parser cannot split (too many or too few fields, unterminated
quotes) are not lost: they come back as rejects with their line and raw text,
for the quarantine. A file that cannot be read at all (not UTF-8, no header,
not a CSV or Parquet file) raises :class:`UnreadableFileError`.

``line`` is the record's number in the file counting the header as line 1; it
equals the physical line unless earlier fields hold line breaks.

The reading itself is the engine's (:meth:`toex.engine.Engine.stage_csv`):
DuckDB's ``read_csv`` with its rejects table, or Spark's CSV reader in
PERMISSIVE mode with a corrupt-record column; the header check is here, once.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from pathlib import Path

from toex.engine import CsvOptions, Engine, Reject
from toex.errors import UnreadableFileError

__all__ = ["Reject", "StagedFile", "read_header", "stage_csv", "stage_parquet"]


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
    engine: Engine, path: Path, table: str, *, delimiter: str = ",", encoding: str = "utf-8"
) -> StagedFile:
    """Stage a CSV file; every column is text, unknown columns are kept."""
    names = read_header(path, delimiter, encoding)
    rows, rejects = engine.stage_csv(path, table, CsvOptions(tuple(names), delimiter, encoding))
    return StagedFile(path, table, tuple(names), rows, rejects)


def stage_parquet(engine: Engine, path: Path, table: str) -> StagedFile:
    """Stage a Parquet file with every column cast to text; ``line`` is the row number + 1."""
    names, rows = engine.stage_parquet(path, table)
    return StagedFile(path, table, names, rows, ())
