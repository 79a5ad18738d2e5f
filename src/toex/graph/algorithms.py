"""Graph algorithms over subgraphs extracted from the store by SQL (igraph, leidenalg).

These helpers serve the detectors and the API's "neighbourhood" and "path"
endpoints: they never load the whole graph, only the part a question needs.

    sub = neighbourhood(store, "P-000123", hops=2)
    steps = shortest_path(store, "P-000123", "O-000042")
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

import igraph as ig
import leidenalg

from toex.engine import Engine, as_engine
from toex.store import Store


@dataclass(frozen=True)
class Node:
    node_id: str
    kind: str
    label: str | None
    subkind: str | None = None


@dataclass(frozen=True)
class Edge:
    src: str
    dst: str
    type: str
    since: date | None
    until: date | None
    source_id: str | None
    ref: str | None
    grading: str | None
    weight: float


@dataclass(frozen=True)
class Step:
    """One edge of a path, oriented from the path's start to its end."""

    src: str
    dst: str
    type: str
    forward: bool          # True when the stored edge points src -> dst
    source_id: str | None
    ref: str | None
    since: date | None
    until: date | None
    grading: str | None


@dataclass(frozen=True)
class Subgraph:
    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]

    def to_igraph(self, directed: bool = False) -> ig.Graph:
        """An igraph Graph with ``name`` on vertices and ``type``/``weight`` on edges."""
        index = {n.node_id: i for i, n in enumerate(self.nodes)}
        g = ig.Graph(n=len(self.nodes), directed=directed)
        g.vs["name"] = [n.node_id for n in self.nodes]
        g.vs["kind"] = [n.kind for n in self.nodes]
        kept = [e for e in self.edges if e.src in index and e.dst in index]
        g.add_edges([(index[e.src], index[e.dst]) for e in kept])
        g.es["type"] = [e.type for e in kept]
        g.es["weight"] = [e.weight for e in kept]
        return g


_EDGE_COLS = "src, dst, type, since, until, source_id, ref, grading, coalesce(weight, 1.0)"


def _types_sql(types: Sequence[str] | None) -> tuple[str, list[object]]:
    if not types:
        return "", []
    return " AND type IN (SELECT unnest(?))", [list(types)]


def load_subgraph(target: Store | Engine, node_ids: Iterable[str], types: Sequence[str] | None = None) -> Subgraph:
    """The nodes given and every edge between them (optionally of the given types)."""
    engine = as_engine(target)
    ids = sorted(set(node_ids))
    t_sql, t_params = _types_sql(types)
    nodes = engine.fetchall(
        "SELECT node_id, kind, label, subkind FROM graph_nodes WHERE node_id IN (SELECT unnest(?)) ORDER BY node_id", [ids]
    )
    edges = engine.fetchall(
        f"SELECT {_EDGE_COLS} FROM graph_edges WHERE src IN (SELECT unnest(?)) AND dst IN (SELECT unnest(?)){t_sql}",
        [ids, ids, *t_params],
    )
    return Subgraph(tuple(Node(*n) for n in nodes), tuple(Edge(*e) for e in edges))


def neighbourhood(target: Store | Engine, entity_id: str, hops: int = 2, types: Sequence[str] | None = None,
                  max_nodes: int = 2000) -> Subgraph:
    """Everything within ``hops`` edges of ``entity_id`` (both directions), at most ``max_nodes`` nodes."""
    engine = as_engine(target)
    seen = {entity_id}
    frontier = [entity_id]
    t_sql, t_params = _types_sql(types)
    for _ in range(hops):
        if not frontier or len(seen) >= max_nodes:
            break
        rows = engine.fetchall(
            f"""SELECT DISTINCT n FROM (
                SELECT dst AS n FROM graph_edges WHERE src IN (SELECT unnest(?)){t_sql}
                UNION SELECT src FROM graph_edges WHERE dst IN (SELECT unnest(?)){t_sql}) ORDER BY n""",
            [frontier, *t_params, frontier, *t_params],
        )
        frontier = [str(r[0]) for r in rows if str(r[0]) not in seen][: max(0, max_nodes - len(seen))]
        seen.update(frontier)
    return load_subgraph(engine, seen, types)


def shortest_path(target: Store | Engine, a: str, b: str, types: Sequence[str] | None = None,
                  max_hops: int = 6) -> list[Step]:
    """The shortest chain of evidence from ``a`` to ``b`` (empty when none within ``max_hops``)."""
    engine = as_engine(target)
    if a == b:
        return []
    t_sql, t_params = _types_sql(types)
    parent: dict[str, tuple[str, tuple[object, ...], bool]] = {}
    seen, frontier = {a}, [a]
    for _ in range(max_hops):
        rows = engine.fetchall(
            f"""SELECT src, dst, true, {_EDGE_COLS} FROM graph_edges WHERE src IN (SELECT unnest(?)){t_sql}
            UNION ALL SELECT dst, src, false, {_EDGE_COLS} FROM graph_edges WHERE dst IN (SELECT unnest(?)){t_sql}
            ORDER BY 1, 2""",
            [frontier, *t_params, frontier, *t_params],
        )
        nxt = []
        for row in rows:
            frm, to, forward = str(row[0]), str(row[1]), bool(row[2])
            if to in seen:
                continue
            seen.add(to)
            parent[to] = (frm, tuple(row[3:]), forward)
            nxt.append(to)
        if b in seen:
            break
        if not nxt:
            return []
        frontier = nxt
    if b not in parent:
        return []
    steps: list[Step] = []
    node = b
    while node != a:
        frm, e, forward = parent[node]
        steps.append(Step(frm, node, str(e[2]), forward, e[5], e[6], e[3], e[4], e[7]))  # type: ignore[arg-type]
        node = frm
    return steps[::-1]


def components(graph: ig.Graph) -> list[list[str]]:
    """Connected components as lists of node names, biggest first."""
    comps = [[graph.vs[v]["name"] for v in c] for c in graph.connected_components()]
    return sorted(comps, key=lambda c: (-len(c), c))


def leiden(graph: ig.Graph, resolution: float = 1.0, seed: int = 42) -> list[list[str]]:
    """Leiden communities (RBConfiguration, weighted when edges have ``weight``), biggest first."""
    weights = "weight" if "weight" in graph.es.attributes() else None
    part = leidenalg.find_partition(graph, leidenalg.RBConfigurationVertexPartition, weights=weights,
                                    resolution_parameter=resolution, seed=seed)
    comms = [[graph.vs[v]["name"] for v in block] for block in part]
    return sorted(comms, key=lambda c: (-len(c), c))


def betweenness(graph: ig.Graph) -> dict[str, float]:
    """Betweenness (brokerage) per node. Never rank children or victims by it: see detect/roles.py."""
    values = graph.betweenness(directed=False)
    return {graph.vs[i]["name"]: float(v) for i, v in enumerate(values)}
