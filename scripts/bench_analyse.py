"""Benchmark and interim evaluation of ``toex analyse`` on synthetic data.

    python scripts/bench_analyse.py --scale small --seeds 0 1 2 [--work /tmp/bench] [--key-resolve]

For each seed: synth -> ingest -> resolve -> analyse (timed, peak memory) ->
export -> evaluate. When ``toex.resolve`` or ``toex.share.export`` cannot run,
``--key-resolve`` uses a simple deterministic key resolver (surname + date of
birth, PNC id; normalised address; object value; company number or name) and
an interim export written from the detect tables (networks ranked by number of
exploited people, safeguarding by indicator weight, alerts by trend score), so
the detection figures can still be measured. Results print as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

import igraph as ig
import psutil  # type: ignore[import-untyped]

from toex.detect.run import analyse
from toex.store import Store, open_store
from toex.store.reference_tables import refresh_reference_tables


class PeakMemory:
    """Peak resident memory of this process (sampled) while a block runs."""

    def __init__(self) -> None:
        self.peak = 0
        self._stop = threading.Event()
        self._proc = psutil.Process()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._proc.memory_info().rss)
            time.sleep(0.05)

    def __enter__(self) -> PeakMemory:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._proc.memory_info().rss)


def key_resolve(store: Store) -> None:
    """A deterministic stand-in for toex.resolve (exact keys + connected components)."""
    store.execute(
        """CREATE OR REPLACE TEMP TABLE __kr_keys AS
        SELECT 'person' AS kind, source_id, ref, 'sd:' || surname_norm || ':' || dob AS k FROM persons
            WHERE surname_norm IS NOT NULL AND dob IS NOT NULL
        UNION ALL SELECT 'person', source_id, ref, 'fd:' || split_part(forenames_norm, ' ', 1) || ':' || dob FROM persons
            WHERE forenames_norm IS NOT NULL AND dob IS NOT NULL
        UNION ALL SELECT 'person', source_id, ref, 'pnc:' || pnc_id FROM persons WHERE pnc_id IS NOT NULL
        UNION ALL SELECT 'person', source_id, ref, 'self:' || source_id || ':' || ref FROM persons
        UNION ALL SELECT 'location', source_id, ref, 'a:' || coalesce(postcode, lower(town)) || ':' ||
            regexp_replace(regexp_replace(regexp_replace(regexp_replace(lower(address), '\\brd\\b', 'road', 'g'),
                '\\bst\\b', 'street', 'g'), '\\bave\\b', 'avenue', 'g'), '[^a-z0-9]', '', 'g') FROM locations
            WHERE address IS NOT NULL
        UNION ALL SELECT 'location', source_id, ref, 'u:' || uprn FROM locations WHERE uprn IS NOT NULL
        UNION ALL SELECT 'location', source_id, ref, 'self:' || source_id || ':' || ref FROM locations
        UNION ALL SELECT 'object', source_id, ref, 'o:' || kind || ':' || coalesce(value, source_id || ref) FROM objects
        UNION ALL SELECT 'organisation', source_id, ref, 'c:' || coalesce(company_number, name_norm, source_id || ref)
            FROM organisations"""
    )
    rows = store.fetchall("SELECT kind, source_id, ref, k FROM __kr_keys")
    rec_index: dict[tuple[str, str, str], int] = {}
    key_index: dict[str, int] = {}
    edges = []
    for kind, sid, ref, k in rows:
        r = rec_index.setdefault((kind, sid, ref), len(rec_index))
        kk = key_index.setdefault(f"{kind}|{k}", -1 - len(key_index))
        edges.append((r, kk))
    n_rec = len(rec_index)
    g = ig.Graph(n=n_rec + len(key_index), edges=[(r, n_rec + (-1 - k)) for r, k in edges])
    membership = g.connected_components().membership
    prefix = {"person": "P", "location": "L", "object": "T", "organisation": "O"}
    comp_id: dict[tuple[str, int], str] = {}
    counters = dict.fromkeys(prefix, 0)
    out = []
    for (kind, sid, ref), r in sorted(rec_index.items(), key=lambda x: x[1]):
        c = membership[r]
        if (kind, c) not in comp_id:
            counters[kind] += 1
            comp_id[(kind, c)] = f"{prefix[kind]}-{counters[kind]:06d}"
        out.append((kind, sid, ref, comp_id[(kind, c)]))
    for table in ("entity_records", "entities", "person_entities", "location_entities", "object_entities",
                  "organisation_entities"):
        store.execute(f"DELETE FROM {table}")
    import pandas as pd

    frame = pd.DataFrame(out, columns=["kind", "source_id", "ref", "entity_id"])
    store.con.register("__kr_out", frame)
    store.execute("INSERT INTO entity_records (kind, source_id, ref, entity_id) SELECT * FROM __kr_out")
    store.con.unregister("__kr_out")
    store.execute(
        """INSERT INTO person_entities (entity_id, forenames, surname, dob, dob_year, sex, pnc_id, records)
        SELECT r.entity_id, mode(p.forenames), mode(p.surname), mode(p.dob), mode(p.dob_year), mode(p.sex),
               mode(p.pnc_id), count(*)
        FROM entity_records r JOIN persons p USING (source_id, ref) WHERE r.kind = 'person' GROUP BY r.entity_id"""
    )
    store.execute(
        """INSERT INTO location_entities (entity_id, building_id, address, town, postcode, latitude, longitude, kind)
        SELECT r.entity_id, r.entity_id, mode(l.address), mode(l.town), mode(l.postcode), avg(l.latitude),
               avg(l.longitude), mode(l.kind)
        FROM entity_records r JOIN locations l USING (source_id, ref) WHERE r.kind = 'location' GROUP BY r.entity_id"""
    )
    store.execute(
        """UPDATE location_entities SET latitude = pc.latitude, longitude = pc.longitude
        FROM read_parquet(?) pc WHERE location_entities.latitude IS NULL AND pc.postcode = location_entities.postcode""",
        [str(_postcodes())],
    )
    store.execute(
        """INSERT INTO object_entities (entity_id, kind, value)
        SELECT r.entity_id, mode(o.kind), mode(o.value) FROM entity_records r JOIN objects o USING (source_id, ref)
        WHERE r.kind = 'object' GROUP BY r.entity_id"""
    )
    store.execute(
        """INSERT INTO organisation_entities (entity_id, name, company_number, sic_code, incorporated, dissolved)
        SELECT r.entity_id, mode(o.name), mode(o.company_number), mode(o.sic_code), min(o.incorporated), max(o.dissolved)
        FROM entity_records r JOIN organisations o USING (source_id, ref) WHERE r.kind = 'organisation'
        GROUP BY r.entity_id"""
    )
    store.execute(
        """INSERT INTO entities (entity_id, kind, label, records)
        SELECT entity_id, 'person', concat_ws(' ', forenames, surname), records FROM person_entities
        UNION ALL SELECT entity_id, 'location', address, 1 FROM location_entities
        UNION ALL SELECT entity_id, 'object', value, 1 FROM object_entities
        UNION ALL SELECT entity_id, 'organisation', name, 1 FROM organisation_entities"""
    )


def _postcodes() -> Path:
    from toex.reference import postcodes_path

    return postcodes_path()


def interim_export(store: Store, out: Path) -> None:
    """entities.csv, networks.json, safeguarding.csv, alerts.json from the detect tables only."""
    out.mkdir(parents=True, exist_ok=True)
    store.execute(f"COPY (SELECT source_id AS source, ref, kind, entity_id FROM entity_records) TO '{out / 'entities.csv'}' (HEADER)")
    nets = []
    rows = store.fetchall("SELECT network_id, threats, forces FROM networks ORDER BY exploited DESC, members DESC")
    for rank, (nid, threats, forces) in enumerate(rows, start=1):
        members = [{"entity_id": e, "kind": k, "role": r} for e, k, r in store.fetchall(
            "SELECT entity_id, kind, role FROM network_members WHERE network_id = ?", [nid])]
        nets.append({"id": nid, "rank": rank, "score": 100 - rank, "threats": threats, "forces": forces,
                     "members": members})
    (out / "networks.json").write_text(json.dumps(nets), encoding="utf-8")
    store.execute(
        f"""COPY (SELECT row_number() OVER (ORDER BY w DESC, entity_id) AS rank, entity_id, w AS score, NULL AS age,
                         NULL AS network_id, codes AS indicators
                  FROM (SELECT entity_id, sum(weight) + CASE WHEN entity_id IN (SELECT entity_id FROM network_members
                               WHERE role = 'exploited') THEN 5 ELSE 0 END AS w,
                               string_agg(indicator, ';') AS codes FROM person_indicators GROUP BY entity_id))
            TO '{out / 'safeguarding.csv'}' (HEADER)"""
    )
    alerts: list[dict[str, Any]] = [
        {"kind": "emerging-trend", "score": s, "summary": summ, "force": f, "offence_code": oc, "category": cat,
         "group": g, "period": {"from": str(a), "to": str(b)}, "observed": o, "expected": e}
        for s, summ, f, oc, cat, g, a, b, o, e in store.fetchall(
            "SELECT score, summary, force, offence_code, category, grp, period_from, period_to, observed, expected "
            "FROM trend_alerts ORDER BY score DESC")
    ]
    (out / "alerts.json").write_text(json.dumps(alerts), encoding="utf-8")


def run_one(scale: str, seed: int, work: Path, simple: bool, migrate_to: int | None = None) -> dict[str, Any]:
    from toex.evaluate import evaluate
    from toex.ingest import ingest, plan
    from toex.synth import generate

    root = work / f"{scale}-{seed}"
    if not (root / "dataset").exists():
        generate(root, scale=scale, seed=seed)
    db = root / "store.duckdb"
    if not db.exists():
        store = open_store(db, migrate_to=migrate_to)
        refresh_reference_tables(store)
        ingest(store, plan([root / "dataset"]))
        if simple:
            key_resolve(store)
        else:
            from toex.resolve import resolve

            resolve(store)
        store.close()
    store = open_store(db, migrate_to=migrate_to)
    t0 = time.perf_counter()
    with PeakMemory() as mem:
        summary = analyse(store)
    seconds = time.perf_counter() - t0
    export = root / "export"
    try:
        if simple:
            raise ImportError("interim export requested")
        from toex.assess import run_assess
        from toex.share.export import write_export

        run_assess(store)
        write_export(store, export)
    except Exception:  # noqa: BLE001 - the interim export stands in for any failure of later stages
        interim_export(store, export)
    store.close()
    report = evaluate(export, root / "truth")
    return {"scale": scale, "seed": seed, "seconds": round(seconds, 1), "peak_mb": round(mem.peak / 2**20),
            "maxrss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
            "networks": len(summary.networks), **report.flat()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--scale", default="small")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0])
    ap.add_argument("--work", type=Path, default=Path("/tmp/toex-bench"))
    ap.add_argument("--key-resolve", action="store_true", help="use the simple key resolver and the interim export")
    ap.add_argument("--migrate-to", type=int, default=None, help="schema version to stop at (while a later migration is broken)")
    args = ap.parse_args(argv)
    keys = ("scale", "seed", "seconds", "peak_mb", "networks", "networks_found_share", "organiser_recall",
            "safeguarding_recall_at_2k", "average_precision", "best_decoy_rank", "trends_in_top10")
    print("| " + " | ".join(keys) + " |")
    print("|" + "---|" * len(keys))
    for seed in args.seeds:
        row = run_one(args.scale, seed, args.work, args.key_resolve, args.migrate_to)
        print("| " + " | ".join(str(row.get(k)) for k in keys) + " |", flush=True)
        print(json.dumps(row), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
