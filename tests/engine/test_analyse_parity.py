"""Analyse parity: ``toex analyse`` on Spark writes what it writes on DuckDB, row for row.

One tiny synthetic store (synth "tiny", seed 0: ingest, resolve) is built on
DuckDB, its resolved tables are copied into a fresh Spark warehouse with
:func:`toex.engine.copy_tables`, and the graph and every detector run on both.
Compared, sorted: ``graph_nodes``, ``graph_edges``, ``person_indicators``,
``trend_alerts``, ``travelling_groups``, ``networks`` and ``network_members``,
every column. Floating-point values must agree to 9 significant digits (sums
and haversines may differ in the last bits with the order Spark adds them in);
JSON documents are compared parsed. Everything else must be equal.

Run time: 8 min 10 s on two cores shared with two other Spark jobs (load
11-22); 4 min 1 s together with test_copy_tables.py at load 8-10. Of it, Spark's analyse used 101-136 CPU-seconds (scripts/
bench_engines_stages.py); the fixed costs are Spark's start (~10 s idle),
the DuckDB build (~40 s) and the copy into the warehouse (one commit).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from tests.engine.conftest import EngineFactory

from toex.detect.run import AnalysisSummary, analyse
from toex.engine import DuckDBEngine, Engine, copy_tables

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

#: What analyse reads: the resolved entities, the records they come from, and the sources.
INPUTS = ("sources", "events", "links", "entity_records", "entities", "person_entities", "location_entities",
          "object_entities", "organisation_entities")
OUTPUTS = ("graph_nodes", "graph_edges", "person_indicators", "trend_alerts", "travelling_groups", "networks",
           "network_members")
#: Columns holding JSON documents (compared parsed).
JSON_COLUMNS = {"evidence"}
#: Floats agree to this many significant digits.
DIGITS = 9

Snapshot = dict[str, list[tuple[Any, ...]]]


def _value(column: str, value: Any) -> Any:
    if value is None:
        return None
    if column in JSON_COLUMNS:
        return json.dumps(json.loads(value), sort_keys=True)
    if isinstance(value, float):
        return float(f"{value:.{DIGITS}g}") if math.isfinite(value) else value
    if isinstance(value, list):
        return tuple(_value(column, v) for v in value)
    return value


def _snapshot(engine: Engine) -> Snapshot:
    out: Snapshot = {}
    for table in OUTPUTS:
        data = engine.read_table(table)
        names = data.column_names
        rows = [tuple(_value(c, row[c]) for c in names) for row in data.to_pylist()]
        out[table] = sorted(rows, key=repr)
    return out


@pytest.fixture(scope="module")
def duck(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBEngine]:
    """A tiny synthetic store, ingested and resolved on DuckDB."""
    from toex.ingest import ingest, plan
    from toex.resolve import resolve
    from toex.store import open_store
    from toex.synth import generate

    root = tmp_path_factory.mktemp("analyse-parity")
    generate(root / "synth", scale="tiny", seed=0)
    engine = DuckDBEngine(open_store(root / "store.duckdb"), owns_store=True)
    ingest(engine, plan([root / "synth" / "dataset"]))
    resolve(engine.store)
    yield engine
    engine.close()


@pytest.fixture(scope="module")
def results(duck: DuckDBEngine, make_engine: EngineFactory,
            tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[AnalysisSummary, Snapshot]]:
    """Each engine's analysis of the same resolved store (the Spark warehouse gets DuckDB's tables)."""
    spark = make_engine("spark", tmp_path_factory.mktemp("analyse-parity-spark"))
    try:
        copied = copy_tables(duck, spark, INPUTS)
        assert copied["entities"] > 0 and copied == {t: duck.count(t) for t in INPUTS}
        out = {}
        for name, engine in (("duckdb", duck), ("spark", spark)):
            summary = analyse(engine, actor="parity")
            out[name] = (summary, _snapshot(engine))
        return out
    finally:
        spark.close()


@pytest.mark.parametrize("table", OUTPUTS)
def test_same_rows_on_both_engines(results: dict[str, tuple[AnalysisSummary, Snapshot]], table: str) -> None:
    duck, spark = results["duckdb"][1][table], results["spark"][1][table]
    assert duck, f"{table}: the tiny dataset should give rows in every output table"
    assert len(spark) == len(duck)
    assert [row for row in spark if row not in duck] == []


def test_same_summary(results: dict[str, tuple[AnalysisSummary, Snapshot]]) -> None:
    duck, spark = results["duckdb"][0], results["spark"][0]
    assert spark.counts() == duck.counts()
    assert spark.as_of == duck.as_of
    assert spark.top_trends == duck.top_trends and spark.top_groups == duck.top_groups
    assert [n.organisers for n in spark.networks] == [n.organisers for n in duck.networks]
    assert duck.networks and duck.trend_alerts and duck.travelling_groups
