"""The embedded store: one DuckDB file, created on first use, migrated in place.

Invariants:
- a file that is not a toex store is refused and never written to;
- the schema version lives in ``toex_meta`` and only moves forward, one
  migration file at a time, each in its own transaction;
- every write that must be all-or-nothing goes through :meth:`Store.transaction`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb

from toex.errors import ForeignStoreError, StoreError, StoreVersionError

APPLICATION = "toex"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


def migrations() -> list[tuple[int, str, str]]:
    """Every migration shipped with the package as (version, name, sql), in order."""
    found = []
    for entry in resources.files("toex.store").joinpath("migrations").iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    return sorted(found)


def latest_version() -> int:
    """The schema version this toex writes."""
    return migrations()[-1][0]


class Store:
    """A connection to one toex store file (or an in-memory store for tests)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None) -> None:
        self.con = con
        self.path = path

    # -- queries -------------------------------------------------------------
    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> duckdb.DuckDBPyConnection:
        """Run one statement with bound parameters."""
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def fetchall(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return every row."""
        return self.execute(sql, params).fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] | None = None) -> Any:
        """Run a query and return the first column of the first row (or None)."""
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    def table_exists(self, name: str) -> bool:
        """Whether a table or view of that name exists in the main schema."""
        return bool(
            self.scalar(
                "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'main' AND table_name = ?",
                [name],
            )
        )

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """All-or-nothing: commit when the block ends, roll back if it raises."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- metadata ------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        """A value from ``toex_meta``."""
        value = self.scalar("SELECT value FROM toex_meta WHERE key = ?", [key])
        return None if value is None else str(value)

    def set_meta(self, key: str, value: str) -> None:
        """Set a value in ``toex_meta``."""
        self.execute(
            "INSERT INTO toex_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [key, value],
        )

    @property
    def version(self) -> int:
        """The schema version of this store."""
        value = self.meta("schema_version")
        return int(value) if value else 0

    def close(self) -> None:
        """Close the connection."""
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _connect(path: Path | None, read_only: bool) -> duckdb.DuckDBPyConnection:
    target = ":memory:" if path is None else str(path)
    try:
        return duckdb.connect(target, read_only=read_only)
    except duckdb.IOException as exc:
        text = str(exc)
        if "wal" in text.lower() and "replay" in text.lower():
            raise StoreError(
                f"{path}: the store's write-ahead log ({path}.wal) cannot be replayed ({text.splitlines()[0]}); "
                "the last write was interrupted. Restore the latest backup with 'toex restore', or move the .wal "
                "file aside to open the store as it was before that write."
            ) from exc
        if "lock" in text.lower():
            raise StoreError(
                f"{path}: the store is in use by another toex process; wait for it to finish or use another --store"
            ) from exc
        raise ForeignStoreError(
            f"{path}: not a toex store (not a DuckDB database file); toex will not overwrite it. "
            "Choose another path with --store or TOEX_STORE."
        ) from exc
    except duckdb.Error as exc:
        raise ForeignStoreError(
            f"{path}: cannot be opened as a toex store ({exc}); toex will not overwrite it."
        ) from exc


def _check_is_toex(store: Store) -> None:
    tables = {row[0] for row in store.fetchall("SELECT table_name FROM information_schema.tables")}
    if not tables:
        return
    if "toex_meta" not in tables or store.meta("application") != APPLICATION:
        raise ForeignStoreError(
            f"{store.path}: a DuckDB database that was not made by toex (tables: "
            f"{', '.join(sorted(tables)[:5])}); toex will not write to it. Choose another --store."
        )


def migrate(store: Store, target: int | None = None) -> list[int]:
    """Apply every pending migration up to ``target`` (default: the latest); return those applied."""
    if not store.table_exists("toex_meta"):
        with store.transaction():
            store.execute("CREATE TABLE toex_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            store.set_meta("application", APPLICATION)
            store.set_meta("schema_version", "0")
    current = store.version
    newest = latest_version()
    if current > newest:
        raise StoreVersionError(
            f"{store.path}: schema version {current} was written by a newer toex "
            f"(this one knows up to {newest}); upgrade toex to open it."
        )
    applied = []
    for version, name, sql in migrations():
        if version <= current or (target is not None and version > target):
            continue
        try:
            with store.transaction():
                store.con.execute(sql)
                store.set_meta("schema_version", str(version))
        except duckdb.Error as exc:
            raise StoreError(f"{store.path}: migration {version:04d}_{name} failed: {exc}") from exc
        applied.append(version)
    return applied


def open_store(path: Path | str | None, *, read_only: bool = False, migrate_to: int | None = None) -> Store:
    """Open (creating on first use) and migrate a store; ``None`` gives an in-memory store."""
    file = None if path is None else Path(path)
    if file is not None:
        if file.is_dir():
            raise ForeignStoreError(f"{file}: is a folder, not a store file")
        if not read_only:
            file.parent.mkdir(parents=True, exist_ok=True)
        elif not file.exists():
            raise StoreError(f"{file}: no store here yet; load data with 'toex ingest' first")
    store = Store(_connect(file, read_only), file)
    try:
        _check_is_toex(store)
        if not read_only:
            migrate(store, migrate_to)
            if migrate_to is None:
                from toex.store.reference_tables import refresh_reference_tables

                refresh_reference_tables(store)
        elif store.version != latest_version():
            raise StoreError(f"{file}: store needs an upgrade; open it once without read-only")
    except BaseException:
        store.close()
        raise
    return store
