"""Engines benchmark: the same ingest on DuckDB and on Spark local, side by side, on the same data.

For each size, writes one POLE source of N persons, N events and 2N links
(4N rows, with the generator of scripts/bench_ingest.py), loads it into a
fresh DuckDB store and a fresh Spark warehouse, checks both hold the same
row counts, and prints wall time, rows per second and peak memory (the
process's for DuckDB; the driver JVM's for Spark, which runs in-process on
local[*]). The Spark session's start (~20 s) is timed apart, once.

Usage: python scripts/bench_engines.py [--events 20000 200000] [--master local[*]]
"""

from __future__ import annotations

import argparse
import platform
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_ingest import write_dataset  # noqa: E402

from toex.engine import DuckDBEngine, Engine  # noqa: E402
from toex.ingest.pole import load_pole_source  # noqa: E402
from toex.store import open_store  # noqa: E402

TABLES = ("persons", "events", "links", "quarantine")


def _jvm_peak_mb(engine: Engine) -> float | None:
    """Peak resident memory of the Spark driver JVM (Linux /proc), in MB."""
    proc = getattr(getattr(getattr(engine, "spark", None), "sparkContext", None), "_gateway", None)
    pid = getattr(getattr(proc, "proc", None), "pid", None)
    if pid is None:
        return None
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


def _run(engine: Engine, source: Path) -> tuple[float, dict[str, int]]:
    started = time.perf_counter()
    load_pole_source(engine, source)
    seconds = time.perf_counter() - started
    return seconds, {t: engine.count(t) for t in TABLES}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[20_000, 200_000])
    parser.add_argument("--master", default="local[*]")
    args = parser.parse_args()
    from pyspark import __version__ as spark_version

    from toex.engine.spark import SparkEngine, spark_session

    clock = time.perf_counter()
    session = spark_session(args.master)
    start_seconds = time.perf_counter() - clock
    import duckdb

    print(f"# engines benchmark {date.today()} on {platform.machine()} {platform.processor() or ''}, "
          f"python {platform.python_version()}, duckdb {duckdb.__version__}, pyspark {spark_version} "
          f"({args.master}); Spark session start {start_seconds:.1f} s")
    print("| rows in | engine | seconds | rows/s | peak memory (MB) | same rows |")
    print("|---:|---|---:|---:|---:|---|")
    for n in args.events:
        work = Path(tempfile.mkdtemp(prefix="toex-bench-engines-"))
        try:
            source = work / "bench-crime"
            write_dataset(source, n)
            duck = DuckDBEngine(open_store(work / "store.duckdb"), owns_store=True)
            duck_s, duck_counts = _run(duck, source)
            duck.close()
            duck_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            spark = SparkEngine(work / "warehouse", args.master, session=session)
            spark_s, spark_counts = _run(spark, source)
            spark_mb = _jvm_peak_mb(spark)
            spark.close()
            rows = 4 * n
            same = "yes" if spark_counts == duck_counts else f"NO {duck_counts} vs {spark_counts}"
            print(f"| {rows:,} | duckdb | {duck_s:.1f} | {rows / duck_s:,.0f} | {duck_mb:,.0f} (process) | {same} |")
            peak = "n/a" if spark_mb is None else f"{spark_mb:,.0f} (driver JVM)"
            print(f"| {rows:,} | spark local | {spark_s:.1f} | {rows / spark_s:,.0f} | {peak} | {same} |")
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
