"""igraph/leidenalg against networkx on the graph steps toex runs, on a store made by the pipeline.

    python scripts/bench_graph_libs.py --store STORE [--pairs 200] [--seed 1]

Reads ``graph_edges`` of an analysed store (e.g. ``toex demo --no-serve --dir DIR``:
``DIR/toex.duckdb``) and times, in the same process on the same edges:

1. building the entity graph (every edge between two entities; event edges are
   left out, as the detectors fold events into person-person edges);
2. connected components of that graph;
3. communities of the co-offending graph: leidenalg (RBConfiguration, as
   ``detect/networks.py``) against networkx's Louvain (networkx has no Leiden);
4. betweenness centrality on the ``--hops``-hop neighbourhood of the busiest person
   (a network-sized subgraph, where toex computes brokerage);
5. shortest paths between ``--pairs`` random pairs of the largest component.

Prints a Markdown table (seconds, and the results' sizes so the two libraries can
be seen to agree where they must: component count, path lengths).
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from typing import Any

import duckdb
import igraph as ig
import leidenalg
import networkx as nx

EVENT_TYPES = ("at", "victim", "subject", "suspect", "offender", "witness", "missing-person", "reporter", "involves")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    result = fn()
    return time.perf_counter() - started, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--store", required=True)
    parser.add_argument("--pairs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--hops", type=int, default=4, help="size of the betweenness subgraph (hops from the busiest person)")
    args = parser.parse_args()

    con = duckdb.connect(args.store, read_only=True)
    placeholders = ", ".join(f"'{t}'" for t in EVENT_TYPES)
    edges = con.execute(f"SELECT DISTINCT src, dst FROM graph_edges WHERE type NOT IN ({placeholders}) "
                        "AND src <> dst ORDER BY src, dst").fetchall()
    co = con.execute("SELECT src, dst, count(*) FROM graph_edges WHERE type = 'co-offending' "
                     "GROUP BY src, dst ORDER BY src, dst").fetchall()
    con.close()
    rows: list[tuple[str, str, float, float, str]] = []

    def build_ig() -> ig.Graph:
        return ig.Graph.TupleList(edges, directed=False)

    def build_nx() -> nx.Graph:
        g = nx.Graph()
        g.add_edges_from(edges)
        return g

    t_ig, gi = timed(build_ig)
    t_nx, gn = timed(build_nx)
    rows.append(("build the entity graph", f"{gi.vcount():,} nodes, {gi.ecount():,} edges", t_ig, t_nx, "same"))

    t_ig, comps_i = timed(lambda: gi.connected_components())
    t_nx, comps_n = timed(lambda: list(nx.connected_components(gn)))
    rows.append(("connected components", f"{len(comps_i):,} components", t_ig, t_nx,
                 "same" if len(comps_i) == len(comps_n) else f"differ ({len(comps_n):,})"))

    gco = ig.Graph.TupleList([(a, b, float(n)) for a, b, n in co], directed=False, weights=True)
    nco = nx.Graph()
    nco.add_weighted_edges_from([(a, b, float(n)) for a, b, n in co])
    t_ig, part = timed(lambda: leidenalg.find_partition(gco, leidenalg.RBConfigurationVertexPartition,
                                                        weights="weight", resolution_parameter=0.5, seed=42))
    t_nx, louv = timed(lambda: nx.community.louvain_communities(nco, weight="weight", resolution=0.5, seed=42))
    rows.append(("communities of the co-offending graph", f"{gco.vcount():,} nodes, {gco.ecount():,} edges",
                 t_ig, t_nx, f"Leiden {len(part):,} / Louvain {len(louv):,} communities; modularity "
                 f"{gco.modularity(part.membership, weights='weight'):.3f} / "
                 f"{nx.community.modularity(nco, louv, weight='weight'):.3f}"))

    persons = [v for v in gi.vs if str(v["name"]).startswith("P-")]
    hub = max(persons, key=lambda v: v.degree())
    hood = gi.neighborhood(hub.index, order=args.hops)
    sub_i = gi.subgraph(hood)
    sub_n = gn.subgraph([gi.vs[v]["name"] for v in hood]).copy()
    t_ig, bi = timed(lambda: sub_i.betweenness())
    t_nx, _bn = timed(lambda: nx.betweenness_centrality(sub_n, normalized=False))
    rows.append((f"betweenness, {args.hops}-hop neighbourhood of the busiest person",
                 f"{sub_i.vcount():,} nodes, {sub_i.ecount():,} edges", t_ig, t_nx, "same ranking of the top node"
                 if sub_i.vs[max(range(len(bi)), key=bi.__getitem__)]["name"] == max(_bn, key=_bn.__getitem__)
                 else "top node differs"))

    biggest = max(comps_i, key=len)
    rng = random.Random(args.seed)
    pairs = [(rng.choice(biggest), rng.choice(biggest)) for _ in range(args.pairs)]
    names = gi.vs["name"]
    t_ig, li = timed(lambda: [len(gi.get_shortest_path(a, b)) for a, b in pairs])
    t_nx, ln = timed(lambda: [len(nx.shortest_path(gn, names[a], names[b])) for a, b in pairs])
    rows.append((f"shortest paths, {args.pairs} random pairs", f"largest component {len(biggest):,} nodes",
                 t_ig, t_nx, "same lengths" if li == ln else "lengths differ"))

    print("| step | graph | igraph / leidenalg s | networkx s | agreement |")
    print("|---|---|---:|---:|---|")
    for step, graph, a, b, note in rows:
        print(f"| {step} | {graph} | {a:.2f} | {b:.2f} | {note} |")


if __name__ == "__main__":
    main()
