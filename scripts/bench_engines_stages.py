"""Every stage after ingest on DuckDB and on Spark local, side by side, over the same loaded sources.

    python scripts/bench_engines_stages.py --scale tiny [--scale small] [--work DIR] [--master local[*]]

For each scale: the synthetic dataset (seed 0) is generated and loaded into a
DuckDB store once (cached in ``--work``); its loaded tables are copied into a
fresh Spark warehouse (``toex.engine.copy_tables``, timed apart), with a person
model trained once beforehand on DuckDB (untimed): Splink samples the u
probabilities at random, and each engine draws its own sample, so models
trained on each differ in the last digits (on the small set 3 of 19,761 person
clusters differed) and would compare the samplers, not the engines. Then on
each engine, in turn: ``resolve`` (with that stored model), ``analyse``,
``assess``, ``task`` and ``export``, each timed (wall and CPU seconds of this
process and its children, i.e. the Spark driver JVM) with the input rows it
read per second, and the results compared with DuckDB's: the same entities
(ids included), networks (members and roles), ranks, tasks and export files.
Peak memory is the high-water mark of this process plus the JVM over the
engine's whole run. Prints one Markdown table; ingest on both engines is
``scripts/bench_engines.py``.
"""

from __future__ import annotations

import argparse
import os
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil  # type: ignore[import-untyped]

from toex.assess import run_assess
from toex.detect.run import analyse
from toex.engine import DuckDBEngine, Engine, copy_tables
from toex.resolve import ResolveConfig, resolve
from toex.share import write_export
from toex.store import open_store
from toex.task import generate_tasks

LOADED = ("sources", "loads", "persons", "locations", "objects", "organisations", "events", "links",
          "quarantine", "audit", "resolve_models")
EXPORT_FILES = ("entities.csv", "networks.json", "safeguarding.csv", "alerts.json")

#: Each stage: its name, what it reads (for rows per second) and how to run it.
Stage = tuple[str, tuple[str, ...], Callable[[Engine, Path], Any]]
STAGES: tuple[Stage, ...] = (
    ("resolve", ("persons", "locations", "objects", "organisations", "links"),
     lambda e, _out: resolve(e, ResolveConfig(), actor="bench")),
    ("analyse", ("events", "links", "entity_records"), lambda e, _out: analyse(e, actor="bench")),
    ("assess", ("networks", "network_members", "person_indicators"), lambda e, _out: run_assess(e, actor="bench")),
    ("task", ("network_scores", "network_members"), lambda e, _out: generate_tasks(e, actor="bench")),
    ("export", ("entities", "networks", "network_members", "safeguarding_list"),
     lambda e, out: write_export(e, out, actor="bench")),
)


class Peak:
    """High-water mark of resident memory of this process and its children, sampled every 0.2 s."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            total = 0
            for proc in [me, *me.children(recursive=True)]:
                try:
                    total += proc.memory_info().rss
                except psutil.NoSuchProcess:
                    continue
            self.peak = max(self.peak, total)
            self._stop.wait(0.2)

    def __enter__(self) -> Peak:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def cpu_seconds() -> float:
    """CPU time so far of this process and every child (the JVM of a local Spark session)."""
    me = psutil.Process()
    total = 0.0
    for proc in [me, *me.children(recursive=True)]:
        try:
            times = proc.cpu_times()
        except psutil.NoSuchProcess:
            continue
        total += times.user + times.system
    return total


def loaded_store(root: Path, scale: str) -> Path:
    """The synthetic dataset at ``scale`` loaded into a DuckDB store with a trained person model (built once)."""
    from toex.ingest import ingest, plan
    from toex.synth import generate

    db = root / "loaded-model.duckdb"
    if not db.exists():
        if not (root / "synth" / "dataset").exists():
            generate(root / "synth", scale=scale, seed=0)
        loading = root / "loading.duckdb"
        loading.unlink(missing_ok=True)
        store = open_store(loading)
        ingest(store, plan([root / "synth" / "dataset"]), actor="bench")
        store.close()
        shutil.copy(loading, root / "training.duckdb")
        with open_store(root / "training.duckdb") as trained:
            resolve(trained, ResolveConfig(), retrain=True, actor="bench")
            model = trained.fetchall("SELECT model_id, created_at, records, CAST(settings AS VARCHAR) "
                                     "FROM resolve_models")
        with open_store(loading) as store:
            store.con.executemany("INSERT INTO resolve_models VALUES (?, ?, ?, ?)", model)
        (root / "training.duckdb").unlink()
        loading.rename(db)
    return db


def picture(engine: Engine, out: Path) -> dict[str, Any]:
    """What must be the same on both engines."""
    return {
        "entities": sorted(engine.fetchall("SELECT kind, source_id, ref, entity_id FROM entity_records")),
        "networks": sorted(engine.fetchall("SELECT network_id, entity_id, kind, role FROM network_members")),
        "ranks": engine.fetchall("SELECT network_id, score FROM network_scores ORDER BY rank")
        + engine.fetchall("SELECT entity_id, score FROM safeguarding_list ORDER BY rank"),
        "tasks": sorted(engine.fetchall("SELECT task_id, network_id, strand, action_key, owner_unit FROM tasks")),
        "files": {name: (out / name).read_bytes() for name in EXPORT_FILES},
    }


def run_stages(engine: Engine, out: Path) -> tuple[list[tuple[str, float, float, int]], int]:
    """Each stage on ``engine``: (name, wall s, CPU s, rows read); and the peak memory in bytes."""
    rows = []
    with Peak() as peak:
        for name, inputs, body in STAGES:
            read = sum(engine.count(t) for t in inputs)
            t0, c0 = time.perf_counter(), cpu_seconds()
            body(engine, out)
            rows.append((name, time.perf_counter() - t0, cpu_seconds() - c0, read))
    return rows, peak.peak


def bench_scale(scale: str, work: Path, master: str, driver_memory: str) -> list[str]:
    root = work / scale
    root.mkdir(parents=True, exist_ok=True)
    loaded = loaded_store(root, scale)
    lines: list[str] = []
    shutil.copy(loaded, root / "duck.duckdb")
    duck = DuckDBEngine(open_store(root / "duck.duckdb"), owns_store=True)
    duck_rows, duck_peak = run_stages(duck, root / "export-duckdb")
    reference = picture(duck, root / "export-duckdb")
    duck.close()

    from toex.engine.spark import SparkEngine, spark_session

    shutil.rmtree(root / "warehouse", ignore_errors=True)
    t0 = time.perf_counter()
    spark = SparkEngine(root / "warehouse", session=spark_session(master, driver_memory=driver_memory))
    start_s = time.perf_counter() - t0
    source = DuckDBEngine(open_store(loaded), owns_store=True)
    t0 = time.perf_counter()
    copy_tables(source, spark, LOADED)
    copy_s = time.perf_counter() - t0
    source.close()
    spark_rows, spark_peak = run_stages(spark, root / "export-spark")
    mine = picture(spark, root / "export-spark")
    spark.close()
    same = {key: mine[key] == reference[key] for key in reference}
    load = os.getloadavg()[0]
    for engine, rows, peak in (("DuckDB", duck_rows, duck_peak), (f"Spark {master}", spark_rows, spark_peak)):
        for name, wall, cpu, read in rows:
            check = "reference" if engine == "DuckDB" else ("yes" if _same_for(name, same) else "NO")
            lines.append(f"| {scale} | {name} | {engine} | {wall:.1f} | {cpu:.1f} | {read / wall:,.0f} | "
                         f"{peak / 2**20:,.0f} | {check} |")
    lines.append(f"| {scale} | (Spark session start {start_s:.1f} s, loaded tables copied in {copy_s:.1f} s; "
                 f"1-minute load {load:.1f}) | | | | | | |")
    return lines


def _same_for(stage: str, same: dict[str, bool]) -> bool:
    """Whether what ``stage`` writes came out the same on Spark."""
    keys = {"resolve": ("entities",), "analyse": ("networks",), "assess": ("ranks",), "task": ("tasks",),
            "export": ("files",)}[stage]
    return all(same[key] for key in keys)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", action="append", help="tiny, small, medium (repeatable; default tiny)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/toex-bench-stages"))
    ap.add_argument("--master", default="local[*]")
    ap.add_argument("--driver-memory", default="4g", help="the Spark driver's heap (default 4g)")
    args = ap.parse_args()
    lines = []
    for scale in args.scale or ["tiny"]:
        lines += bench_scale(scale, args.work, args.master, args.driver_memory)
    print("| scale | stage | engine | wall s | CPU s | rows read/s | peak MB (whole run) | same result |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
