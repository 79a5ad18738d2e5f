"""Ingest: every source into the canonical POLE tables, with quarantine and load history.

Recognises a POLE dataset or source folder, a data.police.uk street CSV or a
folder of them, or a force export with a mapping file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from toex.engine import Engine, as_engine
from toex.errors import IngestError
from toex.ingest.load import LoadResult
from toex.ingest.mapped import load_mapped_export
from toex.ingest.pole import is_source_folder, load_pole_source, source_folders
from toex.ingest.policeuk import is_policeuk_csv, load_policeuk_file
from toex.store import Store

__all__ = ["IngestItem", "LoadResult", "ingest", "plan"]


@dataclass(frozen=True)
class IngestItem:
    """One unit of work: a source to load, and how."""

    kind: str  # pole | police-uk | mapped
    path: Path
    mapping: Path | None = None

    @property
    def label(self) -> str:
        return f"{self.path.name} ({self.kind})"


def plan(paths: list[Path], mapping: Path | None = None) -> list[IngestItem]:
    """What each path holds, as a list of loads; raises IngestError for a path toex cannot recognise."""
    items: list[IngestItem] = []
    for path in paths:
        if not path.exists():
            raise IngestError(f"{path}: no such file or folder")
        if mapping is not None:
            items.append(IngestItem("mapped", path, mapping))
        elif is_source_folder(path) or (path.is_dir() and source_folders(path)):
            items.extend(IngestItem("pole", p) for p in source_folders(path))
        elif is_policeuk_csv(path):
            items.append(IngestItem("police-uk", path))
        elif path.is_dir() and (found := sorted(p for p in path.rglob("*.csv") if is_policeuk_csv(p))):
            items.extend(IngestItem("police-uk", p) for p in found)
        else:
            raise IngestError(
                f"{path}: not recognised: expected a POLE dataset or source folder (with source.yaml), a "
                "data.police.uk street-level CSV or folder of them, or a force export given with --mapping FILE"
            )
    return items


def ingest(
    store: Store | Engine,
    items: list[IngestItem],
    actor: str = "cli",
    on_done: Callable[[IngestItem, LoadResult | None, IngestError | None], None] | None = None,
) -> list[LoadResult]:
    """Load each item in turn, on the store's engine; a failed source is reported and the others still load."""
    engine = as_engine(store)
    results = []
    for item in items:
        try:
            if item.kind == "pole":
                result = load_pole_source(engine, item.path, actor)
            elif item.kind == "police-uk":
                result = load_policeuk_file(engine, item.path, actor)
            else:
                assert item.mapping is not None
                result = load_mapped_export(engine, item.path, item.mapping, actor)
        except IngestError as exc:
            if on_done:
                on_done(item, None, exc)
            continue
        results.append(result)
        if on_done:
            on_done(item, result, None)
    return results
