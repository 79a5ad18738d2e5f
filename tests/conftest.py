"""Shared fixtures: stores and small POLE sources written on the fly."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from toex.store import Store, open_store

DATA = Path(__file__).parent / "data"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    handle = open_store(tmp_path / "store.duckdb")
    yield handle
    handle.close()


def write_source(
    root: Path,
    source_id: str = "suffolk-crime",
    owner: str = "suffolk",
    kind: str = "crime",
    **files: list[dict[str, str]],
) -> Path:
    """Write a POLE source folder with source.yaml and the given files (lists of row dicts)."""
    folder = root / source_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.yaml").write_text(
        yaml.safe_dump({"id": source_id, "name": f"{source_id} test", "owner": owner, "kind": kind,
                        "extracted": "2025-06-30", "classification": "OFFICIAL-SENSITIVE"}),
        encoding="utf-8",
    )
    for name, rows in files.items():
        columns: list[str] = []
        for row in rows:
            columns.extend(c for c in row if c not in columns)
        with (folder / f"{name}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns)
            writer.writeheader()
            writer.writerows(rows)
    return folder
