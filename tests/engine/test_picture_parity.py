"""Threat-picture parity: resolve -> analyse -> assess -> task -> export on DuckDB and on Spark agree.

One body (:func:`_picture`) runs on each engine over the tiny synthetic dataset
and the results are compared with DuckDB's: the same entities (every record in
the same entity, with the same ids), the same networks (members and roles), the
same ranks (network order, safeguarding order) and the same export files.

Tolerances: scores are rounded where they are made (network scores to 2
decimals, safeguarding scores to 1), and both engines compute them in IEEE
doubles, so they are compared exactly in the tables and the CSV files; the
floats in networks.json and alerts.json are compared within 1e-9 (relative).

The sources are loaded once by DuckDB and copied to each engine (Spark ingest
has its own row-for-row parity test, and one Spark commit per source would take
most of the time budget); resolve (its own SQL and Splink, trained afresh on each
engine), analyse, assess, task and export run on the engine under test. The person
model trained on Spark may differ from DuckDB's in the last digits (random
sampling for the u probabilities differs), so pair probabilities are not compared;
the entities they give are, exactly, ids included.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.engine.conftest import ENGINES, EngineFactory

from toex.assess import run_assess
from toex.detect.run import analyse
from toex.engine import DuckDBEngine, Engine, copy_tables
from toex.ingest import ingest, plan
from toex.resolve import ResolveConfig, resolve
from toex.resolve.people import same_comparisons
from toex.resolve.run import latest_model
from toex.share import write_export
from toex.store import open_store
from toex.task import generate_tasks

pytestmark = [pytest.mark.spark, pytest.mark.xdist_group("spark")]

SEED = 5
EXPORT_FILES = ("entities.csv", "networks.json", "safeguarding.csv", "alerts.json")
#: Relative tolerance for floats in the JSON exports (the same double arithmetic on both engines).
REL_TOL = 1e-9

Picture = dict[str, Any]
#: What ingest writes (the rest of a fresh store is empty on both engines).
LOADED_TABLES = ("sources", "loads", "persons", "locations", "objects", "organisations", "events", "links",
                 "quarantine", "audit")


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DuckDBEngine]:
    """The tiny synthetic dataset's sources, loaded once (in memory) for both engines to copy."""
    from toex.synth import generate

    root = tmp_path_factory.mktemp("picture-data")
    generate(root, scale="tiny", seed=SEED)
    local = DuckDBEngine(open_store(None), owns_store=True)
    results = ingest(local, plan([root / "dataset"]), actor="parity")
    assert results and all(r.status == "loaded" for r in results)
    yield local
    local.close()


def _picture(engine: Engine, loaded: DuckDBEngine, out: Path) -> Picture:
    """The body run on every engine: the loaded sources, then resolve, analyse, assess, task, export."""
    copy_tables(loaded, engine, LOADED_TABLES)
    resolve(engine, ResolveConfig(), actor="parity")
    model = latest_model(engine)
    analyse(engine, actor="parity")
    run_assess(engine, actor="parity")
    generate_tasks(engine, actor="parity")
    write_export(engine, out, actor="parity")
    return {
        "entity_records": sorted(engine.fetchall("SELECT kind, source_id, ref, entity_id FROM entity_records")),
        "entities": engine.scalar("SELECT count(*) FROM entities"),
        "model_in_duckdb_sql": model is not None and same_comparisons(model[1]),
        "members": sorted(engine.fetchall("SELECT network_id, entity_id, kind, role FROM network_members")),
        "network_order": engine.fetchall("SELECT network_id, score FROM network_scores ORDER BY rank"),
        "safeguarding_order": engine.fetchall("SELECT entity_id, score FROM safeguarding_list ORDER BY rank"),
        "tasks": sorted(engine.fetchall("SELECT task_id, network_id, strand, action_key, owner_unit FROM tasks")),
        "files": {name: (out / name).read_text(encoding="utf-8") for name in EXPORT_FILES},
    }


@pytest.fixture(scope="module")
def pictures(loaded: DuckDBEngine, make_engine: EngineFactory,
             tmp_path_factory: pytest.TempPathFactory) -> dict[str, Picture]:
    """Each engine's picture, DuckDB's first (it is the reference)."""
    out: dict[str, Picture] = {}
    for param in ENGINES:
        name = str(param.values[0])
        if name == "spark":
            pytest.importorskip("pyspark", reason="the Spark engine needs pip install 'toex[spark]'")
        folder = tmp_path_factory.mktemp(f"picture-{name}")
        engine = make_engine(name, folder)
        try:
            out[name] = _picture(engine, loaded, folder / "export")
        finally:
            engine.close()
    return out


def _close(a: Any, b: Any, path: str = "") -> None:
    """JSON values equal, floats within :data:`REL_TOL`."""
    if isinstance(a, float) or isinstance(b, float):
        assert isinstance(a, int | float) and isinstance(b, int | float), path
        assert math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-12), f"{path}: {a} != {b}"
    elif isinstance(a, dict):
        assert isinstance(b, dict) and a.keys() == b.keys(), path
        for key in a:
            _close(a[key], b[key], f"{path}.{key}")
    elif isinstance(a, list):
        assert isinstance(b, list) and len(a) == len(b), f"{path}: {len(a)} != {len(b) if isinstance(b, list) else b}"
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _close(x, y, f"{path}[{i}]")
    else:
        assert a == b, f"{path}: {a!r} != {b!r}"


def test_the_reference_picture_is_not_empty(pictures: dict[str, Picture]) -> None:
    duck = pictures["duckdb"]
    assert duck["model_in_duckdb_sql"]
    assert duck["entities"] > 0 and duck["members"] and duck["network_order"] and duck["safeguarding_order"]
    assert duck["tasks"] and all(duck["files"][name] for name in EXPORT_FILES)


@pytest.mark.parametrize("part", ["entity_records", "entities", "model_in_duckdb_sql", "members", "network_order",
                                  "safeguarding_order",
                                  "tasks"])
def test_same_entities_networks_ranks_and_tasks(pictures: dict[str, Picture], part: str) -> None:
    assert pictures["spark"][part] == pictures["duckdb"][part]


@pytest.mark.parametrize("name", EXPORT_FILES)
def test_same_export_files(pictures: dict[str, Picture], name: str) -> None:
    duck, spark = pictures["duckdb"]["files"][name], pictures["spark"]["files"][name]
    if name.endswith(".json"):
        _close(json.loads(duck), json.loads(spark), name)
    else:
        assert spark == duck
