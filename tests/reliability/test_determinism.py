"""Two runs of resolve -> analyse -> assess on the same store write identical tables.

Each run is a fresh process with its own ``PYTHONHASHSEED`` (set iteration order),
and DuckDB runs its queries in parallel (row order of joins and aggregates), so
any output that depends on either (a ``mode``/``any_value`` tie, an ``ORDER BY``
without a unique tie-break, a set iterated before an id is assigned, a float
summed in a varying order) shows up as a difference here. A rerun after a crash
must equal an uninterrupted run (tests/reliability/test_kill_stages.py), and
this is the precondition.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from toex.ingest import ingest, plan
from toex.store import open_store
from toex.synth import generate

STAGES = ("resolve", "analyse", "assess")
TABLES = (
    # resolve
    "entity_records", "entities", "person_entities", "location_entities", "object_entities",
    "organisation_entities",
    # analyse
    "graph_nodes", "graph_edges", "trend_alerts", "travelling_groups", "person_indicators", "networks",
    "network_members",
    # assess
    "network_scores", "safeguarding_list", "alerts",
)
#: Columns that legitimately differ between runs (run ids and timestamps).
VOLATILE = ("run_id", "analysis_run", "created_run")


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("determinism")
    generate(root / "synth", scale="tiny", seed=11)
    store_path = root / "base.duckdb"
    with open_store(store_path) as store:
        ingest(store, plan([root / "synth" / "dataset"]))
    return store_path


def rows(store_path: Path) -> dict[str, list[str]]:
    """Every output table as sorted row reprs, without run ids and timestamps (floats compared exactly)."""
    out = {}
    with open_store(store_path) as store:
        for table in TABLES:
            columns = [r[0] for r in store.fetchall(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table])]
            keep = [c for c in columns if not c.endswith("_at") and c not in VOLATILE]
            assert keep, f"no table {table}"
            out[table] = sorted(map(repr, store.fetchall(f"SELECT {', '.join(keep)} FROM {table}")))
    return out


def test_two_runs_with_different_hash_seeds_write_identical_tables(tmp_path: Path, loaded_store: Path) -> None:
    stores = {seed: tmp_path / f"run-{seed}.duckdb" for seed in ("1", "2024")}
    for path in stores.values():
        shutil.copy(loaded_store, path)
    for stage in STAGES:
        # the two runs go side by side (separate stores), one stage at a time
        procs = [
            subprocess.Popen([sys.executable, "-m", "toex.cli.main", stage, "--store", str(path)],
                             env={**os.environ, "PYTHONHASHSEED": seed},
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            for seed, path in stores.items()
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=600)
            assert proc.returncode == 0, f"{stage} failed: {err.decode(errors='replace')[-2000:]}"
    first, second = (rows(path) for path in stores.values())
    for table in TABLES:
        assert first[table], f"{table} is empty: the test would prove nothing"
        only_first = sorted(set(first[table]) - set(second[table]))[:3]
        only_second = sorted(set(second[table]) - set(first[table]))[:3]
        assert first[table] == second[table], f"{table} differs: {only_first} vs {only_second}"
