"""Ingest benchmark: rows per second end to end (read, validate, normalise, write) on a POLE source.

Writes one POLE source folder with N persons, N events and 2N links (default N = 400,000:
1.2 million event and link rows, 1.6 million rows in all), loads it into a fresh store and
prints the figures. Usage: python scripts/bench_ingest.py [--events N] [--keep DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

import duckdb

from toex.ingest.pole import load_pole_source
from toex.store import open_store


def write_dataset(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "source.yaml").write_text(
        "id: bench-crime\nname: Benchmark crime source\nowner: suffolk\nkind: crime\n"
        "extracted: 2025-06-30\nclassification: OFFICIAL-SENSITIVE\n", encoding="utf-8")
    con = duckdb.connect()
    con.execute(f"""COPY (SELECT 'P' || i AS ref, (['Ann','Ionut','Mohammed','Kasia','Tom'])[1 + i % 5] AS forenames,
        (['Smith','Popescu','Khan','Nowak','Nguyen'])[1 + i % 5] AS surname,
        strftime(DATE '1970-01-01' + CAST(i % 15000 AS INTEGER), '%Y-%m-%d') AS dob,
        CASE WHEN i % 2 = 0 THEN 'M' ELSE 'F' END AS sex, '' AS pnc_id
        FROM range({n}) t(i)) TO '{folder / "persons.csv"}' (HEADER)""")
    con.execute(f"""COPY (SELECT 'E' || i AS ref, 'offence' AS kind,
        strftime(TIMESTAMP '2022-01-01' + INTERVAL (i % 1000) DAY + INTERVAL (i % 86400) SECOND, '%Y-%m-%dT%H:%M:%S') AS occurred_from,
        (['suffolk','norfolk','essex','kent'])[1 + i % 4] AS force, '46' AS offence_code,
        'shoplifting' AS category FROM range({n}) t(i)) TO '{folder / "events.csv"}' (HEADER)""")
    con.execute(f"""COPY (SELECT 'P' || (i % {n}) AS from_ref, 'E' || ((i * 7) % {n}) AS to_ref,
        CASE WHEN i % 3 = 0 THEN 'victim' ELSE 'suspect' END AS role FROM range({2 * n}) t(i))
        TO '{folder / "links.csv"}' (HEADER)""")
    con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=400_000)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="toex-bench-ingest-"))
    try:
        folder = (args.keep or work) / "bench-crime"
        write_dataset(folder, args.events)
        store = open_store(work / "store.duckdb")
        start = time.perf_counter()
        result = load_pole_source(store, folder)
        seconds = time.perf_counter() - start
        store.close()
        rows = result.rows_loaded + result.quarantined
        event_link_rows = result.counts["events"] + result.counts["links"]
        peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
        print(f"rows loaded: {result.rows_loaded:,} (events+links {event_link_rows:,}), refused {result.quarantined:,}")
        print(f"time: {seconds:.2f} s; {rows / seconds:,.0f} rows/s overall; "
              f"{event_link_rows / seconds:,.0f} event+link rows/s; peak RSS {peak_gb:.2f} GB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
