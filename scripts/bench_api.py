"""API benchmarks: search latency, a bounded load test of concurrent analysts, and capacity.

Runs against a *copy* of a store made by the pipeline (synth -> ingest ->
resolve -> analyse -> assess), served by ``toex serve`` on loopback in a
child process, so the figures include HTTP, auth, access control and audit.

Three parts:

1. search: sequential searches of each kind by one force and one national analyst;
2. load: ``--users`` concurrent analysts for ``--duration`` seconds. An analyst
   searches a person and opens the profile of the top hit; 30% of the time also
   searches a phone, vehicle or postcode, 25% opens a network, 10% the threat
   picture. Between two requests the analyst *thinks* (reads the profile,
   decides the next click) for a time drawn uniformly from ``--think MIN MAX``,
   1-5 s by default (locust's usual ``between(1, 5)``); everyone signs in
   first, then the analysts arrive spread over one think time (their first
   request is the network list). p50/p95/p99 latency, errors, and the
   server's CPU ms per request;
3. capacity: the same mix with no think time from ``--capacity-clients``
   clients for ``--capacity-seconds``: the request rate the server sustains
   (requests/s) and its CPU ms per request, i.e. the headroom over part 2.

    python scripts/bench_api.py --store toex-demo/toex.duckdb                 # every part
    python scripts/bench_api.py --store ... --search-only --queries 400
    python scripts/bench_api.py --store ... --load-only --users 20 --duration 90 --think 1 5
    python scripts/bench_api.py --store ... --load-only --seconds 20 --capacity-seconds 10   # a quick check

Prints the figures as Markdown tables (docs/benchmarks.md, "API").
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


async def analyst(base: str, headers: dict[str, str], queries: dict[str, list[Any]], until: float, seed: int,
                  results: dict[str, list[float]], errors: list[str], think: tuple[float, float] = (1.0, 5.0)) -> None:
    """One analyst's session (signed in: ``headers``) until ``until``; ``think`` seconds (uniform) after every request."""
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:

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

        async def think_time() -> None:
            pause = rng.uniform(*think)
            if pause > 0:
                await asyncio.sleep(min(pause, max(0.0, until - time.time())))

        await think_time()  # analysts arrive spread over the first think time, not all at the same instant
        nets = await call("networks", "/api/v1/networks", {"page_size": 20})
        net_ids = [n["network_id"] for n in (nets or {}).get("items", [])]
        await think_time()
        while time.time() < until:
            q, dob = rng.choice(queries["person"])
            hits = await call("search", "/api/v1/search", {"q": q, "type": "person", **({"dob": dob} if dob else {})})
            items = (hits or {}).get("items", [])
            await think_time()
            if items and time.time() < until:
                await call("profile", f"/api/v1/entities/{items[0]['entity_id']}")
                await think_time()
            if rng.random() < 0.3 and time.time() < until:
                kind = rng.choice(["phone", "vehicle", "postcode"])
                await call("search", "/api/v1/search", {"q": rng.choice(queries[kind]), "type": kind})
                await think_time()
            if net_ids and rng.random() < 0.25 and time.time() < until:
                await call("network", f"/api/v1/networks/{rng.choice(net_ids)}")
                await think_time()
            if rng.random() < 0.1 and time.time() < until:
                await call("picture", "/api/v1/picture")
                await think_time()


def run_mix(base: str, users: list[str], queries: dict[str, list[Any]], seconds: float, seed: int,
            think: tuple[float, float], pid: int) -> tuple[dict[str, list[float]], list[str], float, float]:
    """The analysts' mix from ``users`` (one client each) for ``seconds``: latencies, errors, elapsed s, server CPU s.

    Everyone signs in before the timed part (password hashing is slow on purpose and is not a consultation).
    """
    results: dict[str, list[float]] = {}
    errors: list[str] = []

    async def sign_in() -> list[dict[str, str]]:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            return [await login(client, u) for u in users]

    signed = asyncio.run(sign_in())
    until = time.time() + seconds

    async def run() -> None:
        await asyncio.gather(*(analyst(base, h, queries, until, seed + i, results, errors, think)
                               for i, h in enumerate(signed)))

    started, cpu = time.time(), cpu_seconds(pid)
    asyncio.run(run())
    return results, errors, time.time() - started, cpu_seconds(pid) - cpu


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
    parser.add_argument("--duration", "--seconds", type=float, default=90.0, help="Load test length in seconds.")
    parser.add_argument("--queries", type=int, default=200, help="Search queries per kind in the search benchmark.")
    parser.add_argument("--search-only", action="store_true")
    parser.add_argument("--load-only", action="store_true", help="Skip the sequential search part.")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 5.0), metavar=("MIN", "MAX"),
                        help="Think time in seconds between an analyst's requests, uniform (default 1 5).")
    parser.add_argument("--capacity-seconds", type=float, default=30.0,
                        help="Length of the capacity run (no think time); 0 skips it.")
    parser.add_argument("--capacity-clients", type=int, default=8,
                        help="Concurrent clients of the capacity run (each sends its next request at once).")
    parser.add_argument("--threads", type=int, default=None, help="DuckDB threads of the server.")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    if args.think[0] < 0 or args.think[1] < args.think[0]:
        parser.error("--think MIN MAX: need 0 <= MIN <= MAX")
    if args.users < 1 or args.capacity_clients < 1 or args.duration <= 0 or args.capacity_seconds < 0:
        parser.error("--users and --capacity-clients must be at least 1, --duration above 0, --capacity-seconds 0 or more")
    with tempfile.TemporaryDirectory(prefix="toex-bench-api-") as tmp:
        if not args.store.is_file():
            raise SystemExit(f"no store at {args.store}")
        store, users, queries = prepare(args.store, Path(tmp), max(args.users, args.capacity_clients), args.seed)
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
                names = [u for u, _s in users]
                think = (float(args.think[0]), float(args.think[1]))
                results, errors, elapsed, used = run_mix(base, names[:args.users], queries, args.duration, args.seed,
                                                         think, proc.pid)
                every = [x for v in results.values() for x in v]
                print(f"\nLoad: {args.users} concurrent analysts for {elapsed:.0f} s, think time "
                      f"{think[0]:g}-{think[1]:g} s between requests ({len(every) / elapsed:.1f} requests/s), "
                      f"errors: {len(errors)}; server CPU {used * 1000 / max(1, len(every)):.1f} ms per request "
                      f"({used / elapsed:.2f} cores); p95 {pct(every, 95):.0f} ms "
                      f"(target under 300 ms: {'met' if pct(every, 95) < 300 and not errors else 'not met'}); "
                      f"load average {load_average()}")
                print(table(sorted(results.items()) + [("all requests", every)]))
                if errors:
                    print("errors:", sorted(set(errors))[:10])
                if args.capacity_seconds > 0:
                    results, errors, elapsed, used = run_mix(base, names[:args.capacity_clients], queries,
                                                             args.capacity_seconds, args.seed + 1000, (0.0, 0.0),
                                                             proc.pid)
                    every = [x for v in results.values() for x in v]
                    print(f"\nCapacity: the same mix with no think time, {args.capacity_clients} clients for "
                          f"{elapsed:.0f} s: {len(every) / elapsed:.1f} requests/s sustained, errors: {len(errors)}; "
                          f"server CPU {used * 1000 / max(1, len(every)):.1f} ms per request "
                          f"({used / elapsed:.2f} cores); load average {load_average()}")
                    print(table(sorted(results.items()) + [("all requests", every)]))
                    if errors:
                        print("errors:", sorted(set(errors))[:10])
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    main()
