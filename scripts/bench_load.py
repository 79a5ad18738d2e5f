"""Load during an ingest: N concurrent users for a bounded time while the server loads sources.

Copies a store made by the pipeline, serves it with ``toex serve --ingest-dir``
on loopback (a child process), and runs N users (analysts of force, region and
national scope) searching, opening profiles and opening networks for a bounded
time. A few seconds in, an administrator starts loads through the server
(``POST /api/v1/admin/ingest``): the dataset's sources under new ids (the
pipeline's own dataset by default), and, when a job ends before the time is
up, the same sources again (a reload replaces them), so a load runs for the
whole test. DuckDB lets one process write the file, so the loads run inside
the server, as they would at a hub (docs/api.md, "Loading while serving").

Every request carries a purpose unique to it; afterwards the script checks
that every consultation the users were answered (HTTP 200) has exactly one
audit entry with that purpose, and runs ``toex audit verify`` on the store.

    python scripts/bench_load.py --store toex-demo/toex.duckdb                 # 50 users, 120 s
    python scripts/bench_load.py --store ... --users 50 --duration 120 --dataset toex-demo/data/dataset

Prints the figures as Markdown (docs/benchmarks.md, "API", "Load during ingest").
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_api import PASSWORD, cpu_seconds, free_port, load_average, pct, prepare, start_server

from toex.api.auth import add_user
from toex.store import open_store


def make_feed(dataset: Path, folder: Path, limit: int | None) -> list[str]:
    """Copy the dataset's source folders under new source ids (``<id>-feed``); return their folder names."""
    sources = sorted(p for p in dataset.iterdir() if (p / "source.yaml").is_file())[:limit]
    if not sources:
        raise SystemExit(f"{dataset}: no POLE source folders (with source.yaml) to load")
    names = []
    for src in sources:
        target = folder / f"{src.name}-feed"
        shutil.copytree(src, target)
        spec = (target / "source.yaml").read_text(encoding="utf-8").splitlines()
        (target / "source.yaml").write_text(
            "\n".join(f"{line}-feed" if line.startswith("id:") else line for line in spec) + "\n", encoding="utf-8")
        names.append(target.name)
    return names


class Tally:
    """What the users did and saw."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {}
        self.during: list[float] = []
        self.outside: list[float] = []
        self.errors: list[str] = []
        self.consulted: set[str] = set()  # purposes of answered (200) consultations
        self.ingesting = False


def sign_in(base: str, names: list[str]) -> dict[str, dict[str, str]]:
    """Bearer headers for each user, signed in one after another before the timed part (argon2 is slow on purpose)."""
    out = {}
    with httpx.Client(base_url=base, timeout=120) as client:
        for name in names:
            r = client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
            r.raise_for_status()
            out[name] = {"Authorization": f"Bearer {r.json()['token']}"}
    return out


async def user_loop(base: str, name: str, auth: dict[str, str], queries: dict[str, list[Any]], net_ids: list[str],
                    until: float, seed: int, tally: Tally, think: tuple[float, float]) -> None:
    rng = random.Random(seed)
    counter = 0
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:

        async def call(kind: str, path: str, params: dict[str, Any] | None = None) -> Any:
            nonlocal counter
            counter += 1
            purpose = f"load {name} {counter}"
            during = tally.ingesting
            t = time.perf_counter()
            try:
                r = await client.get(path, params=params, headers={**auth, "X-Toex-Purpose": purpose})
            except httpx.HTTPError as exc:
                tally.errors.append(f"{kind}: {type(exc).__name__}")
                return None
            ms = (time.perf_counter() - t) * 1000
            tally.times.setdefault(kind, []).append(ms)
            (tally.during if during else tally.outside).append(ms)
            if r.status_code == 200:
                tally.consulted.add(purpose)
                return r.json()
            if r.status_code != 404:
                tally.errors.append(f"{kind}: {r.status_code}")
            return None

        while time.time() < until:
            q, dob = rng.choice(queries["person"])
            hits = await call("search person", "/api/v1/search",
                              {"q": q, "type": "person", **({"dob": dob} if dob else {})})
            await asyncio.sleep(rng.uniform(*think))
            items = (hits or {}).get("items", [])
            if items and time.time() < until:
                await call("profile", f"/api/v1/entities/{items[0]['entity_id']}")
                await asyncio.sleep(rng.uniform(*think))
            if net_ids and rng.random() < 0.4 and time.time() < until:
                await call("network", f"/api/v1/networks/{rng.choice(net_ids)}")
                await asyncio.sleep(rng.uniform(*think))
            if rng.random() < 0.3 and time.time() < until:
                kind = rng.choice(["phone", "vehicle", "postcode"])
                await call(f"search {kind}", "/api/v1/search", {"q": rng.choice(queries[kind]), "type": kind})
                await asyncio.sleep(rng.uniform(*think))


async def loader(base: str, auth: dict[str, str], t0: float, start_at: float, until: float,
                 tally: Tally, jobs: list[dict[str, Any]]) -> None:
    """Start loads through the server from ``start_at``; start another while time remains; wait for the last."""
    await asyncio.sleep(max(0.0, start_at - time.time()))
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        while time.time() < until:
            r = await client.post("/api/v1/admin/ingest", json={"paths": ["."]}, headers=auth)  # the whole folder
            if r.status_code != 202:
                raise SystemExit(f"the load could not start: {r.status_code} {r.text}")
            job_id, started = r.json()["job_id"], time.time()
            tally.ingesting = True
            while True:
                await asyncio.sleep(1.0)
                body = (await client.get(f"/api/v1/admin/ingest/{job_id}", headers=auth)).json()
                if body["state"] != "running":
                    break
            tally.ingesting = False
            body["wall_seconds"], body["started_after"] = time.time() - started, started - t0
            jobs.append(body)


def table(rows: list[tuple[str, list[float]]]) -> str:
    lines = ["| requests | count | p50 ms | p95 ms | p99 ms | max ms |", "|---|---:|---:|---:|---:|---:|"]
    for name, values in rows:
        if values:
            lines.append(f"| {name} | {len(values)} | {pct(values, 50):.0f} | {pct(values, 95):.0f} | "
                         f"{pct(values, 99):.0f} | {max(values):.0f} |")
    return "\n".join(lines)


def check_audit(store_path: Path, consulted: set[str]) -> tuple[int, int, int, str]:
    """(answered consultations, found with one entry each, collection entries, `toex audit verify` output)."""
    store = open_store(store_path)
    try:
        found = dict(store.fetchall("SELECT purpose, count(*) FROM audit WHERE purpose LIKE 'load %' GROUP BY 1"))
        collections = int(store.scalar("SELECT count(*) FROM audit WHERE action = 'collection' AND target LIKE "
                                       "'source:%-feed'"))
    finally:
        store.close()
    once = sum(1 for p in consulted if found.get(p) == 1)
    toex = Path(sys.executable).with_name("toex")
    verify = subprocess.run([str(toex), "audit", "verify", "--store", str(store_path)], capture_output=True, text=True)
    return len(consulted), once, collections, (verify.stdout + verify.stderr).strip() + f" (exit {verify.returncode})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="Store made by the pipeline (copied, not changed).")
    parser.add_argument("--dataset", type=Path, default=None,
                        help="POLE dataset whose sources are loaded during the test (default: data/dataset beside "
                             "the store, as 'toex demo' lays it out).")
    parser.add_argument("--sources", type=int, default=None, help="Load only the first N sources of the dataset.")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=120.0, help="Seconds of load (bounded).")
    parser.add_argument("--ingest-after", type=float, default=5.0, help="Seconds before the first load starts.")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 2.0), metavar=("MIN", "MAX"),
                        help="Think time in seconds after each request (default 0.5 2.0).")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    dataset = args.dataset or args.store.parent / "data" / "dataset"
    if not dataset.is_dir():
        raise SystemExit(f"{dataset}: no dataset to load; give --dataset")
    with tempfile.TemporaryDirectory(prefix="toex-bench-load-") as tmp:
        folder = Path(tmp)
        store, users, queries = prepare(args.store, folder, args.users, args.seed)
        index_s, counts, _ = queries.pop("_meta")
        handle = open_store(store)
        handle.execute("DELETE FROM users WHERE username = 'benchadmin'")
        add_user(handle, "benchadmin", PASSWORD, role="admin", scope_kind="national", scope_id=None,
                 clearance="SECRET")
        net_ids = [str(r[0]) for r in handle.fetchall("SELECT network_id FROM networks ORDER BY network_id")]
        before = int(handle.scalar("SELECT count(*) FROM audit"))
        handle.close()
        drop = folder / "drop"
        drop.mkdir()
        feed = make_feed(dataset, drop, args.sources)
        print(f"store: {counts}; index built in {index_s:.1f} s; {len(feed)} sources to load from {dataset}")
        port = free_port()
        proc = start_server(store, port, ["--ingest-dir", str(drop)])
        base = f"http://127.0.0.1:{port}"
        tally = Tally()
        jobs: list[dict[str, Any]] = []
        try:
            tokens = sign_in(base, ["benchadmin"] + [u for u, _s in users])
            load_at_start = load_average()
            started, cpu = time.time(), cpu_seconds(proc.pid)
            until = started + args.duration

            async def run() -> None:
                await asyncio.gather(
                    loader(base, tokens["benchadmin"], started, started + args.ingest_after, until, tally, jobs),
                    *(user_loop(base, u, tokens[u], queries, net_ids, until, args.seed + i, tally, tuple(args.think))
                      for i, (u, _s) in enumerate(users)))

            asyncio.run(run())
            elapsed = time.time() - started
            used = cpu_seconds(proc.pid) - cpu
            load_at_end = load_average()
        finally:
            proc.terminate()
            proc.wait(timeout=120)
        every = [x for v in tally.times.values() for x in v]
        answered, once, collections, verify = check_audit(store, tally.consulted)
        print(f"\n{len(users)} users for {args.duration:.0f} s (all done after {elapsed:.0f} s, the last load "
              f"included), think time {args.think[0]}-{args.think[1]} s: {len(every)} requests "
              f"({len(every) / elapsed:.1f}/s), errors: {len(tally.errors)}; server CPU "
              f"{used * 1000 / max(1, len(every)):.1f} ms per request ({used / elapsed:.2f} cores incl. the loads); "
              f"load average at start {load_at_start}, at end {load_at_end}")
        for job in jobs:
            rows = sum(int(r["rows"]) for r in job["results"])
            print(f"load {job['job_id']}: {job['state']}, {len(job['results'])} sources, {rows:,} rows, "
                  f"{len(job['failures'])} failed, {job['wall_seconds']:.0f} s, started {job['started_after']:.0f} s in")
        print(table(sorted(tally.times.items()) + [("all, while a load ran", tally.during),
                                                   ("all, no load running", tally.outside), ("all", every)]))
        print(f"\nAudit: {answered} consultations answered, {once} found exactly once by their purpose "
              f"({answered - once} missing or duplicated); {collections} collection entries for the loaded sources; "
              f"{before} entries before the test. toex audit verify: {verify}")
        if tally.errors:
            print("errors:", sorted(set(tally.errors))[:10])


if __name__ == "__main__":
    main()
