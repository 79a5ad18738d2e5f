"""The engine contract: the same test body on every engine, same answers."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
import pytest
from tests.engine.conftest import EngineFactory

from toex.engine import Engine, EngineError, record_audit
from toex.store import audit

Q_COLUMNS = "load_id, source_id, file, line, reason, record"


def _quarantine(engine: Engine, source: str) -> list[tuple[object, ...]]:
    return engine.fetchall(f"SELECT {Q_COLUMNS} FROM quarantine WHERE source_id = ? ORDER BY line", [source])


def test_queries_and_bound_parameters(engine: Engine) -> None:
    assert engine.scalar("SELECT 40 + 2") == 42
    assert engine.fetchall("SELECT ? AS a, ? AS b, ? AS c", ["it's \\d", None, 2.5]) == [("it's \\d", None, 2.5)]
    assert engine.scalar("SELECT $x || $y", {"x": "a'", "y": "b"}) == "a'b"
    when = dt.datetime(2024, 3, 9, 14, 5, 6)
    assert engine.fetchall("SELECT CAST(? AS TIMESTAMP), CAST(? AS DATE)", [when, dt.date(1990, 4, 17)]) == [
        (when, dt.date(1990, 4, 17))]


def test_temp_tables_insert_delete(engine: Engine) -> None:
    engine.create_table("__t_contract", "SELECT 1 AS n, 'a' AS s UNION ALL SELECT 2, 'b'")
    engine.execute("INSERT INTO __t_contract VALUES (?, ?)", [3, "c"])
    engine.execute("DELETE FROM __t_contract WHERE n = 2")
    assert engine.fetchall("SELECT n, s FROM __t_contract ORDER BY n") == [(1, "a"), (3, "c")]
    assert engine.table_exists("__t_contract") and not engine.table_exists("__t_nowhere")
    engine.drop_table("__t_contract")
    assert not engine.table_exists("__t_contract")


def test_stored_rows_commit_and_roll_back(engine: Engine) -> None:
    row = ["L1", "contract-tx", "f.csv", 2, "why", None]
    engine.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)", row)
    with pytest.raises(RuntimeError), engine.transaction():
        engine.execute("DELETE FROM quarantine WHERE source_id = ?", ["contract-tx"])
        engine.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)", [*row[:3], 3, "later", None])
        assert [r[3] for r in _quarantine(engine, "contract-tx")] == [3]  # the transaction sees its own writes
        raise RuntimeError("abandon")
    assert _quarantine(engine, "contract-tx") == [tuple(row)]
    with engine.transaction():
        engine.execute("INSERT INTO quarantine VALUES (?, ?, ?, ?, ?, ?)", [*row[:3], 3, "later", None])
    assert [r[3] for r in _quarantine(engine, "contract-tx")] == [2, 3]


def test_replace_tables_atomically(engine: Engine) -> None:
    engine.replace_tables({"ref_regions": "SELECT 'r1', 'Region one', 'ROCU one', 'rocu'"})
    assert engine.fetchall("SELECT region_id, name FROM ref_regions") == [("r1", "Region one")]


def test_arrow_in_and_out(engine: Engine) -> None:
    engine.register("__t_arrow", pa.table({"k": ["x", "y"], "v": [1, None]}))
    try:
        assert engine.fetchall("SELECT k, v FROM __t_arrow ORDER BY k") == [("x", 1), ("y", None)]
        out = engine.fetch_arrow("SELECT k, v FROM __t_arrow ORDER BY k")
        assert out.column_names == ["k", "v"] and out.column("k").to_pylist() == ["x", "y"]
    finally:
        engine.unregister("__t_arrow")
    assert engine.columns("quarantine") == ["load_id", "source_id", "file", "line", "reason", "record"]
    rows = pa.table({"line": pa.array([7], pa.int64()), "why": ["arrow"]})
    engine.insert_arrow("quarantine", rows, "'L2', 'contract-arrow', 'a.csv', line, why, NULL")
    assert _quarantine(engine, "contract-arrow") == [("L2", "contract-arrow", "a.csv", 7, "arrow", None)]


def test_audit_chain_through_any_engine(engine: Engine) -> None:
    first = record_audit(engine, "tester", "collection", "source:x", {"rows": 1})
    second = record_audit(engine, "tester", "consultation", "source:x")
    assert second == first + 1
    assert audit.verify(engine).ok  # type: ignore[arg-type]


def test_errors_name_the_engine_and_statement(engine: Engine) -> None:
    with pytest.raises(EngineError, match=rf"\[{engine.name}\] while running: SELECT nonsense_column"):
        engine.execute("SELECT nonsense_column FROM quarantine")


def test_stored_tables_persist(engine: Engine, make_engine: EngineFactory, tmp_path: Path) -> None:
    first = make_engine(engine.name, tmp_path)
    first.execute("INSERT INTO sources (source_id, name) VALUES (?, ?)", ["persist", "kept"])
    first.close()
    again = make_engine(engine.name, tmp_path)
    try:
        assert again.fetchall("SELECT source_id, name FROM sources") == [("persist", "kept")]
        assert again.scalar("SELECT value FROM toex_meta WHERE key = 'application'") == "toex"
    finally:
        again.close()
