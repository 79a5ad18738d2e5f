"""The recordlinkage package on toex's synthetic person records, scored like toex and plain Splink.

    python scripts/bench_resolve_rl.py --rl-python /path/to/venv/bin/python --scale small [--scale medium]

recordlinkage (0.16) needs pandas < 3 and toex pins pandas 3, so the linkage
runs in its own interpreter (``--rl-python``, a virtual environment with
``recordlinkage``); this script prepares its input from the same cached store
``scripts/bench_resolve.py`` uses (seed 0), and scores its output with
``toex.evaluate``'s definitions, so the three methods' figures compare.

recordlinkage is configured as its documentation's unsupervised example, on
the fields the plain Splink baseline reads: candidate pairs from the union of
the same four blocks (first name + surname, surname + date of birth, first name
+ date of birth, home postcode + surname), comparisons of first name and
surname (Jaro-Winkler >= 0.85), date of birth, postcode and sex (exact), and
three classifiers: ECM (expectation maximisation on the binary comparison
vector: unsupervised Fellegi-Sunter) and the documentation's rule (a match
when at least k of the comparisons agree) with k = 3 and k = 4 of the 5; linked pairs become entities by
connected components. "seconds (linkage)" is indexing, comparing and
classifying in recordlinkage; "with I/O" adds writing and reading the files.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import igraph as ig
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from bench_resolve import HOME_POSTCODE, _dataset, _scores  # noqa: E402

#: Runs in the --rl-python interpreter: reads the input CSV, writes the linked pairs, prints a RESULT line.
_RL_SYNTH = r"""
import json, sys, time
import pandas as pd
import recordlinkage
src, out = sys.argv[1], sys.argv[2]
frame = pd.read_csv(src, dtype=str, keep_default_na=False).set_index("unique_id")
frame = frame.replace("", None)
started = time.perf_counter()
pairs = None
for fields in (["first_name", "surname"], ["surname", "dob"], ["first_name", "dob"], ["postcode", "surname"]):
    indexer = recordlinkage.Index()
    indexer.block(fields)
    found = indexer.index(frame.dropna(subset=fields))
    pairs = found if pairs is None else pairs.union(found)
compare = recordlinkage.Compare()
compare.string("first_name", "first_name", method="jarowinkler", threshold=0.85, label="first_name")
compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
compare.exact("dob", "dob", label="dob")
compare.exact("postcode", "postcode", label="postcode")
compare.exact("sex", "sex", label="sex")
features = compare.compute(pairs, frame)
compared = time.perf_counter() - started
result = {"candidates": int(len(pairs)), "compare_seconds": round(compared, 1)}
for name in ("ecm", "rule3", "rule4"):
    started = time.perf_counter()
    if name == "ecm":
        links = recordlinkage.ECMClassifier(binarize=0.5).fit_predict(features)
    else:
        links = features[features.sum(axis=1) >= int(name[-1])].index
    seconds = compared + time.perf_counter() - started
    pd.DataFrame({"l": links.get_level_values(0), "r": links.get_level_values(1)}).to_csv(f"{out}.{name}", index=False)
    result[name] = {"seconds": round(seconds, 1), "links": int(len(links))}
print("RESULT " + json.dumps(result))
"""

#: The classifiers: recordlinkage's ECM (unsupervised Fellegi-Sunter) and its documentation's rule
#: (a match when at least k of the comparisons agree), with 3 and 4 of the 5.
CLASSIFIERS = {"ecm": "recordlinkage (ECM)", "rule3": "recordlinkage (>= 3 of 5 agree)",
               "rule4": "recordlinkage (>= 4 of 5 agree)"}


def _input(store: Path, out: Path) -> pd.DataFrame:
    """The person records with the plain baseline's fields (first home postcode) as the linkage input."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        frame = con.execute(f"""
            WITH {HOME_POSTCODE}
            SELECT row_number() OVER (ORDER BY p.source_id, p.ref) AS unique_id, p.source_id, p.ref,
                   p.forenames_norm AS first_name, p.surname_norm AS surname, CAST(p.dob AS VARCHAR) AS dob,
                   h.postcode, CASE WHEN upper(p.sex) IN ('M', 'F') THEN upper(p.sex) END AS sex
            FROM persons p LEFT JOIN home h USING (source_id, ref)""").df()
    finally:
        con.close()
    frame.to_csv(out, index=False)
    return frame


def run_rl(rl_python: str, store: Path, truth: Path) -> list[dict[str, object]]:
    """recordlinkage on the store's person records, with each classifier: figures and the scores of its entities."""
    with tempfile.TemporaryDirectory(prefix="toex-rl-") as tmp:
        work = Path(tmp)
        frame = _input(store, work / "persons.csv")
        started = time.perf_counter()
        done = subprocess.run([rl_python, "-c", _RL_SYNTH, str(work / "persons.csv"), str(work / "links.csv")],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise SystemExit(f"recordlinkage failed:\n{done.stderr[-3000:]}")
        wall = time.perf_counter() - started
        result = json.loads(next(line for line in done.stdout.splitlines() if line.startswith("RESULT "))[7:])
        rows = []
        for name, label in CLASSIFIERS.items():
            links = pd.read_csv(work / f"links.csv.{name}")
            graph = ig.Graph(n=len(frame) + 1, edges=list(zip(links["l"], links["r"], strict=True)))
            membership = graph.connected_components().membership
            pred = pd.DataFrame({"source": frame["source_id"], "ref": frame["ref"], "kind": "person",
                                 "entity_id": [f"c{membership[int(u)]}" for u in frame["unique_id"]]})
            rows.append({"method": label, "candidates": result["candidates"], "seconds": result[name]["seconds"],
                         "wall_seconds": round(wall, 1), "largest": int(pred.groupby("entity_id").size().max()),
                         "records": len(pred), **_scores(pred, truth)})
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rl-python", required=True, help="a Python interpreter with recordlinkage installed")
    ap.add_argument("--scale", action="append", help="small, medium (repeatable; default small)")
    ap.add_argument("--data", type=Path, default=Path("/work/data"))
    args = ap.parse_args()
    print("| scale | method | person records | candidate pairs | pairwise P | pairwise R | pairwise F1 | "
          "cluster P | cluster R | cluster F1 | largest | seconds (linkage) | seconds (with I/O) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for scale in args.scale or ["small"]:
        store, truth = _dataset(args.data, scale)
        for r in run_rl(args.rl_python, store, truth):
            print(f"| {scale} | {r['method']} | {r['records']:,} | {r['candidates']:,} | {r['pairwise_precision']} | "
                  f"{r['pairwise_recall']} | {r['pairwise_f1']} | {r['cluster_precision']} | {r['cluster_recall']} | "
                  f"{r['cluster_f1']} | {r['largest']} | {r['seconds']} | {r['wall_seconds']} |", flush=True)


if __name__ == "__main__":
    main()
