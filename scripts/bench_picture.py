"""Threat picture accuracy: every ``toex evaluate`` floor, per scale and seed.

    python scripts/bench_picture.py --runs small:0,1,2 medium:0 [--work /tmp/bench-picture] [--reuse]

For each run: synth -> ingest -> resolve -> analyse -> assess -> export ->
evaluate, into ``WORK/<scale>-<seed>`` (a temporary folder unless ``--work``
is given). With ``--reuse`` a folder's dataset and resolved store
(``resolved.duckdb``, copied after resolve) are kept from an earlier run and
only analyse -> assess -> export -> evaluate run again: the quick loop for
tuning detect and assess. Prints a Markdown table with the floors the issue
sets (networks found >= 90%, organisers >= 80%, safeguarding recall at 2K >=
90%, average precision >= 0.9, planted trends in the top 10 alerts) and the
time of each run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from toex.assess.run import run_assess
from toex.detect.run import analyse
from toex.evaluate import evaluate
from toex.ingest import ingest, plan
from toex.resolve.run import resolve
from toex.share import write_export
from toex.store import open_store
from toex.synth import generate

ACTOR = "bench"

#: metric -> floor (higher is better)
FLOORS: dict[str, float] = {
    "networks_found_share": 0.9,
    "organiser_recall": 0.8,
    "safeguarding_recall_at_2k": 0.9,
    "average_precision": 0.9,
    "trends_in_top10": 1.0,
}


def _dataset_ok(data: Path, scale: str, seed: int) -> bool:
    manifest = data / "truth" / "manifest.json"
    if not manifest.is_file():
        return False
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    return bool(meta.get("scale") == scale and meta.get("seed") == seed)


def run_one(folder: Path, scale: str, seed: int, reuse: bool) -> dict[str, Any]:
    folder.mkdir(parents=True, exist_ok=True)
    data, store_path, resolved = folder / "data", folder / "toex.duckdb", folder / "resolved.duckdb"
    times: dict[str, float] = {}
    t0 = time.perf_counter()
    if not (reuse and _dataset_ok(data, scale, seed)):
        shutil.rmtree(data, ignore_errors=True)
        resolved.unlink(missing_ok=True)
        generate(data, scale=scale, seed=seed)
    times["synth"] = time.perf_counter() - t0
    for p in (store_path, store_path.with_name(store_path.name + ".wal")):
        p.unlink(missing_ok=True)
    if reuse and resolved.is_file():
        shutil.copyfile(resolved, store_path)
        times["ingest+resolve"] = 0.0
    else:
        t = time.perf_counter()
        with open_store(store_path) as store:
            ingest(store, plan([data / "dataset"]), actor=ACTOR)
            resolve(store, actor=ACTOR)
            store.execute("CHECKPOINT")
        shutil.copyfile(store_path, resolved)
        times["ingest+resolve"] = time.perf_counter() - t
    t = time.perf_counter()
    with open_store(store_path) as store:
        analyse(store, actor=ACTOR)
        times["analyse"] = time.perf_counter() - t
        t = time.perf_counter()
        run_assess(store, actor=ACTOR)
        times["assess"] = time.perf_counter() - t
        write_export(store, folder / "export", actor=ACTOR)
    report = evaluate(folder / "export", data / "truth")
    (folder / "evaluation.json").write_text(json.dumps(report.model_dump(mode="json"), indent=2), encoding="utf-8")
    out: dict[str, Any] = {k: getattr(report, k) for k in FLOORS}
    out["best_decoy_rank"] = report.best_decoy_rank
    out["owner_level_accuracy"] = report.owner_level_accuracy
    out["networks"] = len(json.loads((folder / "export" / "networks.json").read_text(encoding="utf-8")))
    out["planted"] = len(report.networks or [])
    out["times"] = times
    out["seconds"] = time.perf_counter() - t0
    return out


def _fmt(v: Any, floor: float | None = None) -> str:
    if v is None:
        return "n/a"
    if isinstance(v, float):
        text = f"{v:.2f}"
        return text + (" **(below)**" if floor is not None and v < floor - 1e-9 else "")
    return str(v)


def table(rows: list[tuple[str, int, dict[str, Any]]]) -> str:
    head = ("| scale | seed | networks found (>=0.9) | organisers (>=0.8) | safeguarding @2K (>=0.9) "
            "| AP planted (>=0.9) | best decoy rank | networks / planted | trends top 10 | owner level | time (s) |")
    lines = [head, "|" + "|".join(["---"] * 11) + "|"]
    for scale, seed, r in rows:
        lines.append("| " + " | ".join([
            scale, str(seed), _fmt(r["networks_found_share"], 0.9), _fmt(r["organiser_recall"], 0.8),
            _fmt(r["safeguarding_recall_at_2k"], 0.9), _fmt(r["average_precision"], 0.9),
            _fmt(r["best_decoy_rank"]), f"{r['networks']} / {r['planted']}", _fmt(r["trends_in_top10"], 1.0),
            _fmt(r["owner_level_accuracy"]),
            f"{r['seconds']:.0f}",
        ]) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", nargs="+", default=["small:0,1,2"], help="scale:seed,seed... (e.g. small:0,1,2 medium:0)")
    ap.add_argument("--work", type=Path, default=None, help="Keep the runs in this folder (default: a temporary one).")
    ap.add_argument("--reuse", action="store_true", help="Reuse each folder's dataset and resolved store.")
    args = ap.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="toex-bench-picture-"))
    rows: list[tuple[str, int, dict[str, Any]]] = []
    for spec in args.runs:
        scale, _, seeds = spec.partition(":")
        for seed in [int(s) for s in (seeds or "0").split(",") if s]:
            r = run_one(work / f"{scale}-{seed}", scale, seed, args.reuse)
            rows.append((scale, seed, r))
            stages = ", ".join(f"{k} {v:.0f}s" for k, v in r["times"].items())
            print(f"{scale} seed {seed}: {stages}", file=sys.stderr, flush=True)
    print(table(rows))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)
    failed = any((r[k] or 0.0) < f - 1e-9 for _, _, r in rows for k, f in FLOORS.items() if r[k] is not None)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
