"""Entity resolution benchmark: toex vs a plain Splink configuration on the same records.

    python scripts/bench_resolve.py --scale small --scale medium [--data /work/data]
    python scripts/bench_resolve.py --scale national --persons 100000 --persons 1000000   # growth

``--persons N`` keeps whole sources (in source id order) until about N person
records remain, so time can be measured from 100k to 1M to 3M records of one
dataset (the ``national`` preset has about 3M).

For each scale: generate the synthetic dataset (once, cached under --data),
ingest it into a store (cached), then in a fresh process each:
- ``toex``: ``toex.resolve.resolve`` with training (``retrain=True``);
- ``plain``: Splink with the library's default comparisons on first name,
  surname, date of birth and postcode (the person's first home postcode),
  the same kind of unsupervised training, and connected components at the same
  threshold.
Prints a markdown table of person pairwise and cluster precision/recall/F1
(``toex.evaluate``'s definitions), time and peak memory.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

THRESHOLD = 0.8


def _dataset(data: Path, scale: str) -> tuple[Path, Path]:
    out = data / scale
    if not (out / "truth" / "records.csv").exists():
        from toex.synth import generate

        generate(out, scale=scale, seed=0)
    store = data / f"{scale}_base.duckdb"
    if not store.exists():
        from toex.ingest import ingest, plan
        from toex.store import open_store

        with open_store(store, migrate_to=3) as handle:
            ingest(handle, plan([out / "dataset"]))
    return store, out / "truth" / "records.csv"


def _subset(store: Path, persons: int) -> Path:
    """A copy of ``store`` keeping whole sources, in source id order, up to about ``persons`` person records."""
    import duckdb

    out = store.with_name(store.stem.replace("_base", "") + f"_{persons}_base.duckdb")
    if out.exists():
        return out
    shutil.copy(store, out)
    con = duckdb.connect(str(out))
    counts = con.execute("SELECT source_id, count(*) FROM persons GROUP BY 1 ORDER BY 1").fetchall()
    kept, total = [], 0
    for source, n in counts:
        if kept and total + n > persons:
            continue
        kept.append(source)
        total += n
    con.execute("CREATE TEMP TABLE __kept AS SELECT unnest(?::VARCHAR[]) AS source_id", [kept])
    tables = con.execute("""SELECT DISTINCT table_name FROM information_schema.columns
                            WHERE column_name = 'source_id' AND table_schema = 'main'
                              AND table_name IN (SELECT table_name FROM information_schema.tables
                                                 WHERE table_type = 'BASE TABLE')""").fetchall()
    for (table,) in tables:
        con.execute(f'DELETE FROM "{table}" WHERE source_id NOT IN (SELECT source_id FROM __kept)')
    con.execute("CHECKPOINT")
    con.close()
    return out


def _scores(pred: pd.DataFrame, truth: Path) -> dict[str, float]:
    from toex.evaluate.metrics import resolution_scores

    records = pd.read_csv(truth, dtype=str)
    score = resolution_scores(pred, records[records["kind"] == "person"])["person"]
    return {k: round(float(getattr(score, k)), 4) for k in (
        "pairwise_precision", "pairwise_recall", "pairwise_f1", "cluster_precision", "cluster_recall", "cluster_f1")}


def run_toex(store_path: Path, truth: Path) -> dict[str, Any]:
    from toex.resolve import ResolveConfig, resolve
    from toex.store import open_store

    with open_store(store_path, migrate_to=3) as store:
        started = time.perf_counter()
        summary = resolve(store, ResolveConfig(threshold=THRESHOLD), retrain=True)
        seconds = time.perf_counter() - started
        pred = store.execute("SELECT source_id AS source, ref, kind, entity_id FROM entity_records "
                             "WHERE kind = 'person'").df()
        largest = int(store.execute("SELECT max(records) FROM person_entities").fetchall()[0][0])
    return {"seconds": round(seconds, 1), "people_seconds": summary.seconds.get("people"), "largest": largest,
            "records": len(pred), **_scores(pred, truth)}


def run_plain(store_path: Path, truth: Path) -> dict[str, Any]:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect(str(store_path))
    started = time.perf_counter()
    con.execute("""
        CREATE OR REPLACE TABLE __plain_input AS
        WITH home AS (
            SELECT k.source_id, k.from_ref AS ref, min(l.postcode) AS postcode
            FROM links k JOIN locations l ON l.source_id = k.source_id AND l.ref = k.to_ref
            WHERE k.role IN ('resides-at', 'stays-at') GROUP BY ALL
        )
        SELECT row_number() OVER () AS unique_id, p.source_id, p.ref, p.forenames_norm AS first_name,
               p.surname_norm AS surname, p.dob, h.postcode
        FROM persons p LEFT JOIN home h USING (source_id, ref)""")
    db = DuckDBAPI(con)
    settings = SettingsCreator(
        link_type="dedupe_only",
        comparisons=[cl.NameComparison("first_name"), cl.NameComparison("surname"),
                     cl.DateOfBirthComparison("dob", input_is_string=False), cl.PostcodeComparison("postcode")],
        blocking_rules_to_generate_predictions=[block_on("first_name", "surname"), block_on("surname", "dob"),
                                                block_on("first_name", "dob"), block_on("postcode", "surname")],
        additional_columns_to_retain=["source_id", "ref"],
    )
    linker = Linker(db.register("__plain_input"), settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "dob")], recall=0.7)
    linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("dob"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("first_name", "surname"))
    predictions = linker.inference.predict(threshold_match_probability=0.5)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(predictions, THRESHOLD)
    seconds = time.perf_counter() - started
    pred = con.execute(f"""SELECT source_id AS source, ref, 'person' AS kind, CAST(cluster_id AS VARCHAR) AS entity_id
                           FROM {clusters.physical_name}""").df()
    largest = int(pred.groupby("entity_id").size().max())
    con.close()
    return {"seconds": round(seconds, 1), "largest": largest, "records": len(pred), **_scores(pred, truth)}


def _one(method: str, store: Path, truth: Path) -> None:
    work = store.with_name(store.stem.replace("_base", "") + f"_{method}.duckdb")
    shutil.copy(store, work)
    result = (run_toex if method == "toex" else run_plain)(work, truth)
    result["peak_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2)
    work.unlink()
    sys.stdout.write("RESULT " + json.dumps(result) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="append", default=None, help="small, medium, national (repeatable)")
    parser.add_argument("--data", type=Path, default=Path("/work/data"))
    parser.add_argument("--persons", type=int, action="append", default=None,
                        help="also run on a subset of about N person records (whole sources; repeatable)")
    parser.add_argument("--method", action="append", choices=("plain", "toex"), default=None)
    parser.add_argument("--one", nargs=3, metavar=("METHOD", "STORE", "TRUTH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], Path(args.one[1]), Path(args.one[2]))
        return
    rows = []
    for scale in args.scale or ["small"]:
        base, truth = _dataset(args.data, scale)
        stores = [_subset(base, n) for n in args.persons] if args.persons else [base]
        for store in stores:
            for method in args.method or ["plain", "toex"]:
                out = subprocess.run([sys.executable, __file__, "--one", method, str(store), str(truth)],
                                     capture_output=True, text=True, check=True).stdout
                result = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
                rows.append((scale, method, result))
                sys.stderr.write(f"{scale} {store.name} {method}: {json.dumps(result)}\n")
    head = ("scale", "method", "person records", "pairwise P", "pairwise R", "pairwise F1", "cluster P", "cluster R",
            "cluster F1", "largest cluster", "seconds", "peak GB")
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for scale, method, r in rows:
        lines.append("| " + " | ".join(str(x) for x in (
            scale, method, f"{r['records']:,}", r["pairwise_precision"], r["pairwise_recall"], r["pairwise_f1"],
            r["cluster_precision"], r["cluster_recall"], r["cluster_f1"], r["largest"], r["seconds"], r["peak_gb"])) + " |")
    sys.stdout.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
