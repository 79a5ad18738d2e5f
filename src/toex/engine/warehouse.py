"""The Spark store: a folder of Parquet tables with one manifest, changed by atomic swap.

Layout::

    <warehouse>/
      _manifest.json            {"format": 1, "schema_version": 6, "reference_version": "...",
                                 "tables": {"persons": {"version": "v000004-1a2b3c", "schema": {...}}, ...}}
      persons/v000004-1a2b3c/   part-*.parquet of the current version (an empty table has none)
      _checkpoints/             Spark and Splink checkpoints (safe to delete when idle)

Invariants:
- a table's readable rows are exactly the version folder the manifest names;
- a commit writes every changed table to a *new* version folder, then replaces
  ``_manifest.json`` in one ``os.replace`` (the commit point), then deletes the
  old folders; a crash before the replace leaves the previous state (orphan
  version folders are removed on the next open);
- the schema is the DuckDB store's (the migrations are the one source of
  truth): a new warehouse, or one written by an older toex, is brought in step
  by reading the tables of a fresh in-memory DuckDB store.

One writer at a time: the warehouse is for one toex process (as the DuckDB
file is). ``os.replace`` is atomic on a local or POSIX shared file system; on
object stores (S3, ADLS) use a table format with its own commit protocol
(Delta Lake, Iceberg) instead.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from toex.errors import ForeignStoreError, StoreVersionError

MANIFEST = "_manifest.json"
CHECKPOINTS = "_checkpoints"
FORMAT = 1


@dataclass
class Manifest:
    """What the warehouse holds: each table's current version folder and Spark schema (as JSON)."""

    schema_version: int = 0
    reference_version: str = ""
    tables: dict[str, dict[str, Any]] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps({"format": FORMAT, "schema_version": self.schema_version,
                           "reference_version": self.reference_version, "tables": self.tables},
                          indent=1, sort_keys=True)


class Warehouse:
    """The folder, its manifest and the version folders of its tables."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest = self._open()

    def _open(self) -> Manifest:
        path = self.root / MANIFEST
        if not path.exists():
            if self.root.exists() and any(p.name != CHECKPOINTS for p in self.root.iterdir()):
                raise ForeignStoreError(
                    f"{self.root}: a folder that is not a toex Spark warehouse (no {MANIFEST}); toex will not "
                    "write to it. Choose another path with TOEX_SPARK_WAREHOUSE.")
            self.root.mkdir(parents=True, exist_ok=True)
            return Manifest()
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("format", 0) > FORMAT:
            raise StoreVersionError(f"{self.root}: warehouse format {data['format']} is newer than this toex reads")
        manifest = Manifest(int(data.get("schema_version", 0)), str(data.get("reference_version", "")),
                            dict(data.get("tables", {})))
        self._remove_orphans(manifest)
        return manifest

    def _remove_orphans(self, manifest: Manifest) -> None:
        """Delete version folders no manifest names (left by a commit that did not finish)."""
        for table_dir in self.root.iterdir():
            if not table_dir.is_dir() or table_dir.name.startswith("_"):
                continue
            current = manifest.tables.get(table_dir.name, {}).get("version")
            for version in table_dir.iterdir():
                if version.name != current:
                    shutil.rmtree(version, ignore_errors=True)
            if current is None:
                shutil.rmtree(table_dir, ignore_errors=True)

    def path_of(self, table: str) -> Path | None:
        """The folder of a table's current version (None: the table is empty and has no folder)."""
        version = self.manifest.tables[table].get("version")
        return None if version is None else self.root / table / str(version)

    def new_version_path(self, table: str) -> Path:
        """A fresh, not yet visible, version folder for ``table``."""
        old = self.manifest.tables.get(table, {}).get("version") or "v000000-"
        number = int(str(old)[1:7]) + 1
        return self.root / table / f"v{number:06d}-{uuid.uuid4().hex[:6]}"

    def commit(self, written: Mapping[str, tuple[Path | None, dict[str, Any]]], dropped: set[str],
               **meta: Any) -> list[Path]:
        """Point the manifest at the new versions (atomically); return the folders now unused."""
        old_paths = [p for t in (*written, *dropped) if t in self.manifest.tables
                     and (p := self.path_of(t)) is not None]
        tables = {k: v for k, v in self.manifest.tables.items() if k not in dropped}
        for table, (path, schema) in written.items():
            tables[table] = {"version": None if path is None else path.name, "schema": schema}
        manifest = Manifest(int(meta.get("schema_version", self.manifest.schema_version)),
                            str(meta.get("reference_version", self.manifest.reference_version)), tables)
        staging = self.root / f"{MANIFEST}.{uuid.uuid4().hex[:6]}.tmp"
        staging.write_text(manifest.to_json(), encoding="utf-8")
        os.replace(staging, self.root / MANIFEST)
        self.manifest = manifest
        return old_paths

    @staticmethod
    def discard(paths: list[Path]) -> None:
        """Remove version folders that no manifest names any more."""
        for path in paths:
            shutil.rmtree(path, ignore_errors=True)
