"""Killing `toex ingest` (SIGKILL) at random points leaves the store consistent:
a rerun completes and the result equals an uninterrupted run."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from tests.conftest import write_source

from toex.store import open_store

TABLES = ("persons", "locations", "events", "links", "quarantine", "sources")


def make_dataset(root: Path, sources: int = 16, rows: int = 1200) -> Path:
    dataset = root / "dataset"
    for s in range(sources):
        persons = [{"ref": f"P{i}", "forenames": f"Name{i % 97}", "surname": f"Family{i % 89}",
                    "dob": f"{1950 + i % 60}-{1 + i % 12:02d}-{1 + i % 28:02d}", "sex": "MF"[i % 2]} for i in range(rows)]
        persons.append({"ref": "P0", "forenames": "Dup", "surname": "Licate", "dob": "", "sex": ""})
        events = [{"ref": f"E{i}", "kind": "offence", "occurred_from": f"2024-{1 + i % 12:02d}-01", "force": "suffolk",
                   "offence_code": "46"} for i in range(rows)]
        links = [{"from_ref": f"P{i}", "to_ref": f"E{(i * 7) % rows}", "role": "suspect"} for i in range(rows)]
        write_source(dataset, source_id=f"src-{s:02d}", persons=persons, events=events, links=links)
    return dataset


def content(store_path: Path) -> dict[str, Any]:
    with open_store(store_path) as store:
        out: dict[str, Any] = {}
        for table in TABLES:
            columns = [r[0] for r in store.fetchall(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table])]
            keep = [c for c in columns if c not in ("load_id", "loaded_at", "location")]
            out[table] = sorted(map(repr, store.fetchall(f"SELECT {', '.join(keep)} FROM {table}")))
        out["failed_loads"] = store.scalar("SELECT count(*) FROM loads WHERE status = 'failed'")
        return out


def ingest(dataset: Path, store: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "toex.cli.main", "ingest", str(dataset), "--store", str(store)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.parametrize("seed", [1, 2])
def test_sigkill_during_ingest_then_rerun_equals_an_uninterrupted_run(tmp_path: Path, seed: int) -> None:
    dataset = make_dataset(tmp_path)
    reference = tmp_path / "reference.duckdb"
    started = time.perf_counter()
    assert ingest(dataset, reference).wait(timeout=600) == 0
    full_run = time.perf_counter() - started
    expected = content(reference)

    victim = tmp_path / "victim.duckdb"
    rng = random.Random(seed)
    for _ in range(2):  # kill twice at random points, then finish
        process = ingest(dataset, victim)
        time.sleep(rng.uniform(0.2, max(0.3, full_run * 0.9)))
        if process.poll() is None:
            os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    assert ingest(dataset, victim).wait(timeout=600) == 0
    assert content(victim) == expected
