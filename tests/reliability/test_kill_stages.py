"""Killing resolve, analyse and export (SIGKILL) at random points leaves the store
consistent: a rerun completes and its result equals an uninterrupted run's."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from toex.ingest import ingest, plan
from toex.store import open_store
from toex.synth import generate

STAGE_TABLES = {
    "resolve": ("entity_records", "person_entities", "location_entities"),
    "analyse": ("networks", "network_members", "trend_alerts", "person_indicators"),
}


@pytest.fixture(scope="module")
def loaded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("kill-stages")
    generate(root / "synth", scale="tiny", seed=11)
    store_path = root / "base.duckdb"
    with open_store(store_path) as store:
        ingest(store, plan([root / "synth" / "dataset"]))
    yield store_path


def run(args: list[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "toex.cli.main", *args],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def rows(store_path: Path, tables: tuple[str, ...]) -> dict[str, list[str]]:
    with open_store(store_path) as store:
        out = {}
        for table in tables:
            columns = [r[0] for r in store.fetchall(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
                [table])]
            keep = [c for c in columns if not c.endswith("_at") and c not in ("run_id", "analysis_run", "created_run")]
            out[table] = sorted(map(repr, store.fetchall(f"SELECT {', '.join(keep)} FROM {table}")))
        return out


def kill_then_finish(args: list[str], budget: float, seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(2):
        process = run(args)
        time.sleep(rng.uniform(0.1, max(0.2, budget)))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=120)
    assert run(args).wait(timeout=900) == 0


@pytest.mark.parametrize("stage", ["resolve", "analyse"])
def test_killed_stage_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, loaded_store: Path, stage: str) -> None:
    reference, victim = tmp_path / "reference.duckdb", tmp_path / "victim.duckdb"
    shutil.copy(loaded_store, reference)
    before = ["resolve"] if stage == "analyse" else []
    for step in before:
        assert run([step, "--store", str(reference)]).wait(timeout=900) == 0
    shutil.copy(reference, victim)
    started = time.perf_counter()
    assert run([stage, "--store", str(reference)]).wait(timeout=900) == 0
    budget = time.perf_counter() - started
    kill_then_finish([stage, "--store", str(victim)], budget, seed=len(stage))
    assert rows(victim, STAGE_TABLES[stage]) == rows(reference, STAGE_TABLES[stage])


def test_killed_export_then_rerun_writes_the_same_files(tmp_path: Path, loaded_store: Path) -> None:
    store_path = tmp_path / "s.duckdb"
    shutil.copy(loaded_store, store_path)
    for step in ("resolve", "analyse", "assess"):
        assert run([step, "--store", str(store_path)]).wait(timeout=900) == 0
    first, second = tmp_path / "first", tmp_path / "second"
    started = time.perf_counter()
    assert run(["export", "--out", str(first), "--store", str(store_path)]).wait(timeout=600) == 0
    budget = time.perf_counter() - started
    kill_then_finish(["export", "--out", str(second), "--store", str(store_path)], budget, seed=3)
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
