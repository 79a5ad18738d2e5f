"""API benchmarks: search latency (p50/p95) and a bounded load test of concurrent analysts.

Runs against a *copy* of a store made by the pipeline (synth -> ingest ->
resolve -> analyse -> assess), served by ``toex serve`` on loopback in a
child process, so the figures include HTTP, auth, access control and audit.

    python scripts/bench_api.py --store toex-demo/toex.duckdb                 # both parts
    python scripts/bench_api.py --store ... --search-only --queries 400
    python scripts/bench_api.py --store ... --users 20 --duration 90

Prints the figures as a Markdown table (docs/benchmarks.md, "API").
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

from toex.api.auth import add_user
from toex.api.index import ensure_index
from toex.store import open_store

PASSWORD = "bench password not secret"
PURPOSE = {"X-Toex-Purpose": "benchmark"}


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1)))))
    return ordered[k]


def typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def prepare(source: Path, folder: Path, users: int, seed: int) -> tuple[Path, list[tuple[str, str]], dict[str, list[Any]]]:
    """Copy the store, add bench users, build the index; sample queries."""
    target = folder / "bench.duckdb"
    shutil.copy(source, target)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, folder / "bench.duckdb.wal")
    store = open_store(target)
    started = time.perf_counter()
    ensure_index(store, force=True)
    index_s = time.perf_counter() - started
    busiest = [str(r[0]) for r in store.fetchall(
        "SELECT s.owner FROM sources s JOIN ref_forces f ON f.force_id = s.owner JOIN persons p USING (source_id) "
        "GROUP BY 1 ORDER BY count(*) DESC LIMIT 8")]
    made: list[tuple[str, str]] = []
    for i in range(users):
        name = f"bench{i:02d}"
        store.execute("DELETE FROM users WHERE username = ?", [name])
        if i % 5 == 4:
            kind, sid = "national", None
        elif i % 5 == 3:
            kind, sid = "region", str(store.scalar("SELECT region_id FROM ref_forces WHERE force_id = ?",
                                                    [busiest[i % len(busiest)]]))
        else:
            kind, sid = "force", busiest[i % len(busiest)]
        add_user(store, name, PASSWORD, role="analyst", scope_kind=kind, scope_id=sid, clearance="OFFICIAL-SENSITIVE")
        made.append((name, f"{kind}:{sid}" if sid else kind))
    rng = random.Random(seed)
    people = store.fetchall("SELECT forenames, surname, dob_year FROM api_person_search "
                            "WHERE forenames IS NOT NULL AND surname IS NOT NULL USING SAMPLE 2000 ROWS")
    phones = [r[0] for r in store.fetchall("SELECT value FROM objects WHERE kind = 'phone' AND value IS NOT NULL "
                                           "USING SAMPLE 300 ROWS")]
    vrms = [r[0] for r in store.fetchall("SELECT value FROM objects WHERE kind = 'vehicle' AND value IS NOT NULL "
                                         "USING SAMPLE 300 ROWS")]
    postcodes = [r[0] for r in store.fetchall("SELECT postcode FROM locations WHERE postcode IS NOT NULL "
                                              "USING SAMPLE 300 ROWS")]
    companies = [r[0] for r in store.fetchall("SELECT name FROM organisations WHERE name IS NOT NULL "
                                              "USING SAMPLE 300 ROWS")]
    counts = {t: int(store.scalar(f"SELECT count(*) FROM {t}")) for t in ("persons", "events", "entities", "networks")}
    store.close()
    queries: dict[str, list[Any]] = {"person": [], "phone": phones, "vehicle": vrms, "postcode": postcodes,
                                     "company": companies}
    for fn, sn, year in people:
        first = str(fn).split()[0]
        q = f"{typo(first, rng) if rng.random() < 0.3 else first} {sn}"
        queries["person"].append((q, str(year) if year and rng.random() < 0.3 else None))
    queries["_meta"] = [index_s, counts, len(made)]
    return target, made, queries


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(store: Path, port: int, extra: list[str] | None = None) -> subprocess.Popen[bytes]:
    toex = Path(sys.executable).with_name("toex")
    proc = subprocess.Popen([str(toex), "serve", "--store", str(store), "--port", str(port), *(extra or [])],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/openapi.json", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("server did not start")


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) used so far by a process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())


async def login(client: httpx.AsyncClient, user: str) -> dict[str, str]:
    r = await client.post("/api/v1/auth/login", json={"username": user, "password": PASSWORD})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['token']}", **PURPOSE}


async def search_bench(base: str, user: str, queries: dict[str, list[Any]], n: int) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {}
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        headers = await login(client, user)
        for kind in ("person", "phone", "vehicle", "postcode", "company"):
            items = queries[kind][:n] if kind != "person" else queries[kind][: n * 2]
            times = []
            for item in items:
                q, dob = item if kind == "person" else (item, None)
                params = {"q": q, "type": kind, **({"dob": dob} if dob else {})}
                t = time.perf_counter()
                r = await client.get("/api/v1/search", params=params, headers=headers)
                times.append((time.perf_counter() - t) * 1000)
                r.raise_for_status()
            out[kind] = times
    return out


async def analyst(base: str, user: str, queries: dict[str, list[Any]], until: float, seed: int,
                  results: dict[str, list[float]], errors: list[str], think: tuple[float, float] = (0.05, 0.3)) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        headers = await login(client, user)

        async def call(kind: str, path: str, params: dict[str, Any] | None = None) -> Any:
            t = time.perf_counter()
            try:
                r = await client.get(path, params=params, headers=headers)
            except httpx.HTTPError as exc:
                errors.append(f"{kind}: {type(exc).__name__}")
                return None
            results.setdefault(kind, []).append((time.perf_counter() - t) * 1000)
            if r.status_code >= 400 and r.status_code != 404:
                errors.append(f"{kind}: {r.status_code}")
                return None
            return r.json() if r.status_code == 200 else None

        nets = await call("networks", "/api/v1/networks", {"page_size": 20})
        net_ids = [n["network_id"] for n in (nets or {}).get("items", [])]
        while time.time() < until:
            q, dob = rng.choice(queries["person"])
            hits = await call("search", "/api/v1/search", {"q": q, "type": "person", **({"dob": dob} if dob else {})})
            items = (hits or {}).get("items", [])
            if items:
                await call("profile", f"/api/v1/entities/{items[0]['entity_id']}")
            if rng.random() < 0.3:
                kind = rng.choice(["phone", "vehicle", "postcode"])
                await call("search", "/api/v1/search", {"q": rng.choice(queries[kind]), "type": kind})
            if net_ids and rng.random() < 0.25:
                await call("network", f"/api/v1/networks/{rng.choice(net_ids)}")
            if rng.random() < 0.1:
                await call("picture", "/api/v1/picture")
            await asyncio.sleep(rng.uniform(*think))  # think time


def table(rows: list[tuple[str, list[float]]]) -> str:
    lines = ["| operation | requests | p50 ms | p95 ms | p99 ms |", "|---|---:|---:|---:|---:|"]
    for name, values in rows:
        lines.append(f"| {name} | {len(values)} | {statistics.median(values):.1f} | {pct(values, 95):.1f} | "
                     f"{pct(values, 99):.1f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", type=Path, required=True, help="Store made by the pipeline (copied, not changed).")
    parser.add_argument("--users", type=int, default=20, help="Concurrent analysts in the load test.")
    parser.add_argument("--duration", type=float, default=90.0, help="Load test length in seconds.")
    parser.add_argument("--queries", type=int, default=200, help="Search queries per kind in the search benchmark.")
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument("--load-only", action="store_true", help="Skip the sequential search part.")
    parser.add_argument("--think", type=float, nargs=2, default=(0.05, 0.3), metavar=("MIN", "MAX"),
                        help="Think time in seconds between an analyst's rounds (default 0.05 0.3).")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads of the server.")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="toex-bench-api-") as tmp:
        store, users, queries = prepare(args.store, Path(tmp), args.users, args.seed)
        index_s, counts, _ = queries.pop("_meta")
        print(f"store: {counts}; access/search index built in {index_s:.1f} s")
        port = free_port()
        proc = start_server(store, port, ["--threads", str(args.threads)] if args.threads else None)
        base = f"http://127.0.0.1:{port}"
        try:
            national = next(u for u, s in users if s == "national")
            force = users[0][0]
            for label, user in (() if args.load_only else (("force analyst", force), ("national analyst", national))):
                cpu = cpu_seconds(proc.pid)
                res = asyncio.run(search_bench(base, user, queries, args.queries))
                done = sum(len(v) for v in res.values())
                print(f"\nSearch, sequential, one {label} ({users[[u for u, _ in users].index(user)][1]}); "
                      f"server CPU {(cpu_seconds(proc.pid) - cpu) * 1000 / done:.1f} ms per request; "
                      f"load average {load_average()}:")
                print(table([(f"search {k}", v) for k, v in res.items()]
                            + [("search all kinds", [x for v in res.values() for x in v])]))
            if not args.search_only:
                results: dict[str, list[float]] = {}
                errors: list[str] = []
                until = time.time() + args.duration

                async def run() -> None:
                    await asyncio.gather(*(analyst(base, u, queries, until, args.seed + i, results, errors,
                                                   tuple(args.think))
                                           for i, (u, _s) in enumerate(users)))

                started, cpu = time.time(), cpu_seconds(proc.pid)
                asyncio.run(run())
                elapsed = time.time() - started
                every = [x for v in results.values() for x in v]
                used = cpu_seconds(proc.pid) - cpu
                print(f"\nLoad: {len(users)} concurrent analysts for {elapsed:.0f} s, think time "
                      f"{args.think[0]}-{args.think[1]} s ({len(every) / elapsed:.1f} requests/s), errors: {len(errors)}; "
                      f"server CPU {used * 1000 / max(1, len(every)):.1f} ms per request ({used / elapsed:.2f} cores); "
                      f"load average {load_average()}")
                print(table(sorted(results.items()) + [("all requests", every)]))
                if errors:
                    print("errors:", sorted(set(errors))[:10])
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
