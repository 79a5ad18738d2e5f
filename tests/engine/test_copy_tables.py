"""copy_tables: a store's tables moved to another engine keep every value (lists, dates, JSON, NULLs)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.engine.conftest import EngineFactory

from toex.engine import DuckDBEngine, Engine, copy_tables
from toex.errors import StoreError
from toex.store import open_store

NETWORKS = [
    ("N-0001", ["county-lines", "modern-slavery"], ["suffolk"], [], "Two 'quoted' words", 5, 1, 3, 2,
     json.dumps([{"reason": "r", "source_id": None, "ref": None}])),
    ("N-0002", [], None, ["eastern"], None, 0, 0, 0, 0, None),
]
GROUPS = [("G-0001", ["P-1", "P-2"], ["kent", "essex"], dt.date(2024, 1, 31), dt.date(2024, 3, 1), 4, 0.75,
           "Group", ["south-east"], 1, 2, None, "[]")]


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, make_engine: EngineFactory) -> Iterator[Engine]:
    engine = make_engine("duckdb", tmp_path_factory.mktemp("copy-source"))
    engine.insert_rows("networks", engine.columns("networks"), NETWORKS)
    engine.insert_rows("travelling_groups", engine.columns("travelling_groups"), GROUPS)
    yield engine
    engine.close()


def _rows(engine: Engine, table: str) -> list[tuple[object, ...]]:
    rows = engine.fetchall(f"SELECT * FROM {table} ORDER BY 1")
    return [tuple(json.loads(v) if isinstance(v, str) and v[:1] in "[{" else v for v in row) for row in rows]


def test_rows_arrive_whole(source: Engine, engine: Engine) -> None:
    engine.insert_rows("networks", ("network_id",), [("N-OLD",)])
    copied = copy_tables(source, engine, ["networks", "travelling_groups"])
    assert copied == {"networks": 2, "travelling_groups": 1}
    assert _rows(engine, "networks") == _rows(source, "networks")  # the old row is replaced, not kept
    assert _rows(engine, "travelling_groups") == _rows(source, "travelling_groups")
    assert _rows(engine, "networks")[0][1] == ["county-lines", "modern-slavery"]


def test_missing_table_or_column_is_refused(source: Engine, engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no table 'nowhere'"):
        copy_tables(source, engine, ["nowhere"])
    other = DuckDBEngine(open_store(tmp_path / "old.duckdb"), owns_store=True)
    try:
        other.execute("ALTER TABLE networks DROP COLUMN regions")
        with pytest.raises(StoreError, match="no column regions"):
            copy_tables(other, engine, ["networks"])
    finally:
        other.close()
    assert _rows(engine, "networks") == _rows(source, "networks")  # a refused copy changes nothing
