"""``toex analyse`` on DuckDB and on Spark local, over the same resolved store.

    python scripts/bench_engines_analyse.py --scale tiny [--work /tmp/toex-bench-engines] [--master local[*]]

Builds (once) a synthetic store at the scale on DuckDB (synth, ingest, resolve),
copies its resolved tables into a fresh Spark warehouse with
``toex.engine.copy_tables``, then times ``analyse`` on each engine and checks
that both wrote the same rows in every output table. Prints one Markdown row
per engine. "CPU s" is the CPU time of this process and its children (the
Spark driver JVM) during analyse: on a shared machine it moves less with the
load than the wall-clock seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import time
from pathlib import Path

import psutil  # type: ignore[import-untyped]

from toex.detect.run import analyse
from toex.engine import DuckDBEngine, Engine, copy_tables
from toex.store import open_store

INPUTS = ("sources", "events", "links", "entity_records", "entities", "person_entities", "location_entities",
          "object_entities", "organisation_entities")
OUTPUTS = ("graph_nodes", "graph_edges", "person_indicators", "trend_alerts", "travelling_groups", "networks",
           "network_members")


def build(root: Path, scale: str) -> Path:
    from toex.ingest import ingest, plan
    from toex.resolve import resolve
    from toex.synth import generate

    db = root / "store.duckdb"
    if not db.exists():
        generate(root / "synth", scale=scale, seed=0)
        store = open_store(db)
        ingest(store, plan([root / "synth" / "dataset"]))
        resolve(store)
        store.close()
    return db


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


def outputs(engine: Engine) -> dict[str, list[str]]:
    return {t: sorted(json.dumps(r, default=str, sort_keys=True) for r in engine.read_table(t).to_pylist())
            for t in OUTPUTS}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="tiny")
    ap.add_argument("--work", type=Path, default=Path("/tmp/toex-bench-engines"))
    ap.add_argument("--master", default="local[*]")
    args = ap.parse_args()
    root = args.work / args.scale
    db = build(root, args.scale)
    duck = DuckDBEngine(open_store(db), owns_store=True)
    events = duck.count("events")
    t0, c0 = time.perf_counter(), cpu_seconds()
    analyse(duck, actor="bench")
    duck_s, duck_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    reference = outputs(duck)

    from toex.engine.spark import SparkEngine, spark_session

    shutil.rmtree(root / "warehouse", ignore_errors=True)
    t0 = time.perf_counter()
    spark = SparkEngine(root / "warehouse", session=spark_session(args.master))
    start_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    copy_tables(duck, spark, INPUTS)
    copy_s = time.perf_counter() - t0
    duck.close()
    t0, c0 = time.perf_counter(), cpu_seconds()
    analyse(spark, actor="bench")
    spark_s, spark_cpu = time.perf_counter() - t0, cpu_seconds() - c0
    same = outputs(spark) == reference
    spark.close()
    load = os.getloadavg()[0]
    print("| scale | events | engine | analyse s | CPU s | session start s | copy in s | same rows | load (1 min) |")
    print("|---|---:|---|---:|---:|---:|---:|---|---:|")
    print(f"| {args.scale} | {events:,} | DuckDB | {duck_s:.1f} | {duck_cpu:.1f} | - | - | reference | {load:.1f} |")
    print(f"| {args.scale} | {events:,} | Spark {args.master} | {spark_s:.1f} | {spark_cpu:.1f} | {start_s:.1f} | "
          f"{copy_s:.1f} | {'yes' if same else 'NO'} | {load:.1f} |")


if __name__ == "__main__":
    main()
