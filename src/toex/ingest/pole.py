"""Ingest of the POLE exchange format (shared/spec/pole-exchange.md), exactly.

A dataset is a folder of source folders; a source folder holds source.yaml and
any of persons/locations/objects/organisations/events/links as CSV or Parquet.
"""

from __future__ import annotations

from pathlib import Path

from toex.engine import Engine, as_engine
from toex.errors import UnreadableFileError
from toex.ingest import pole_format as fmt
from toex.ingest.canonical import insert_canonical, insert_quarantine, insert_rejects
from toex.ingest.load import LoadResult, run_load
from toex.ingest.reader import StagedFile, stage_csv, stage_parquet
from toex.ingest.source import read_source_yaml
from toex.ingest.validate import check_staged
from toex.store import Store
from toex.store.sql import quote_ident


def is_source_folder(path: Path) -> bool:
    """A POLE source folder: has a source.yaml."""
    return path.is_dir() and (path / "source.yaml").is_file()


def source_folders(path: Path) -> list[Path]:
    """The source folders of a dataset folder (or the folder itself when it is one)."""
    if is_source_folder(path):
        return [path]
    return sorted(p for p in path.iterdir() if is_source_folder(p)) if path.is_dir() else []


def _file_for(folder: Path, name: str) -> Path | None:
    csv_file, parquet_file = folder / f"{name}.csv", folder / f"{name}.parquet"
    if csv_file.is_file() and parquet_file.is_file():
        raise UnreadableFileError(folder / name, f"both {name}.csv and {name}.parquet are present; keep one")
    if csv_file.is_file():
        return csv_file
    return parquet_file if parquet_file.is_file() else None


def shape_staged(engine: Engine, file: str, staged: StagedFile | None) -> None:
    """Make ``__stg_<file>``: every format column (absent -> NULL), extra columns as JSON attributes."""
    known = fmt.COLUMNS[file]
    json_null = f"CAST(NULL AS {engine.dialect.json_type})"
    if staged is None:
        cols = ", ".join(f"CAST(NULL AS VARCHAR) AS {c}" for c in known)
        engine.execute(
            f"CREATE OR REPLACE TEMP TABLE __stg_{file} AS SELECT {cols}, {json_null} AS __attributes, "
            "CAST(NULL AS VARCHAR) AS __file, CAST(NULL AS BIGINT) AS __line LIMIT 0"
        )
        return
    missing = [c for c in fmt.REQUIRED[file] if c not in staged.columns]
    if missing:
        raise UnreadableFileError(staged.path, f"missing required column(s) {', '.join(missing)}")
    picks = ", ".join(
        f"{quote_ident(c)} AS {c}" if c in staged.columns else f"CAST(NULL AS VARCHAR) AS {c}" for c in known
    )
    extras = [c for c in staged.columns if c not in known]
    attributes = (
        engine.dialect.json_object([(c, quote_ident(c)) for c in extras]) if extras else json_null
    )
    engine.execute(
        f"CREATE OR REPLACE TEMP TABLE __stg_{file} AS SELECT {picks}, {attributes} AS __attributes, "
        f"__file, __line FROM {quote_ident(staged.table)}"
    )
    engine.execute(f"DROP TABLE {quote_ident(staged.table)}")


def load_pole_source(store: Store | Engine, folder: Path, actor: str = "cli") -> LoadResult:
    """Load one POLE source folder; replaces the source's previous rows."""
    spec = read_source_yaml(folder)
    files = {name: _file_for(folder, name) for name in fmt.FILES}

    def body(store: Engine, load_id: str) -> tuple[dict[str, int], int]:
        rejected = 0
        for name, path in files.items():
            staged = None
            if path is not None:
                reader = stage_parquet if path.suffix == ".parquet" else stage_csv
                staged = reader(store, path, f"__raw_{name}")
                insert_rejects(store, spec.id, load_id, path.name, [(r.line, r.reason, r.raw) for r in staged.rejects])
                rejected += len(staged.rejects)
            shape_staged(store, name, staged)
        check_staged(store)
        counts = insert_canonical(store, spec.id, load_id)
        quarantined = insert_quarantine(store, spec.id, load_id) + rejected
        from toex.ingest.phones import normalise_remaining_phones

        normalise_remaining_phones(store, load_id)
        return counts, quarantined

    return run_load(as_engine(store), spec, "pole", str(folder), actor, body)
