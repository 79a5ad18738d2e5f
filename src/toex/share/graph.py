"""The networks as a graph (networkx), written as GraphML and GEXF for Gephi or networkx.

Nodes are the members of the assessed networks (with kind, label, role,
network, rank, score); edges are the ``graph_edges`` between them, with type,
dates, provenance (source_id, ref) and 3x5x2 grading. With
``exclude_handling_c`` the edges resting on handling code C intelligence are
left out. The edge type is the attribute ``relation`` (``type`` is reserved in GEXF).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx

from toex.engine import Engine, as_engine
from toex.store import Store


def _clean(value: Any) -> Any:
    """GraphML/GEXF attributes must be str, int, float or bool (no None)."""
    if value is None:
        return ""
    if isinstance(value, bool | int | float | str):
        return value
    return str(value)


def member_nodes(store: Store | Engine, network_id: str | None = None) -> dict[str, dict[str, Any]]:
    """Member entity id -> attributes (for one network or all)."""
    engine = as_engine(store)
    d = engine.dialect
    rows = engine.fetchall(
        f"""
        SELECT nm.entity_id, any_value(nm.kind), array_to_string({d.sorted_set_agg('nm.role')}, ';'),
               array_to_string({d.sorted_set_agg('nm.network_id')}, ';'),
               min(s.rank), max(s.score),
               any_value(coalesce(trim(pe.forenames || ' ' || pe.surname), o.name, ob.value,
                                 concat_ws(', ', le.address, le.town, le.postcode), nm.entity_id))
        FROM network_members nm
        LEFT JOIN network_scores s ON s.network_id = nm.network_id
        LEFT JOIN person_entities pe ON pe.entity_id = nm.entity_id
        LEFT JOIN organisation_entities o ON o.entity_id = nm.entity_id
        LEFT JOIN object_entities ob ON ob.entity_id = nm.entity_id
        LEFT JOIN location_entities le ON le.entity_id = nm.entity_id
        WHERE ? IS NULL OR nm.network_id = ?
        GROUP BY nm.entity_id ORDER BY nm.entity_id
        """,
        [network_id, network_id],
    )
    return {
        eid: {"kind": kind or "", "role": roles or "", "network": nets or "", "rank": int(rank or 0),
              "score": float(score or 0.0), "label": label or eid}
        for eid, kind, roles, nets, rank, score, label in rows
    }


def member_edges(store: Store | Engine, nodes: set[str], *, exclude_handling_c: bool = False) -> list[dict[str, Any]]:
    """graph_edges between the given nodes, with provenance and grading."""
    engine = as_engine(store)
    if not engine.table_exists("graph_edges") or not nodes:
        return []
    engine.execute("CREATE OR REPLACE TEMP TABLE __share_nodes (node_id VARCHAR)")
    engine.insert_rows("__share_nodes", ("node_id",), [(n,) for n in sorted(nodes)])
    handling_c = "AND NOT coalesce(upper(trim(e.grading)) LIKE '% C', false)" if exclude_handling_c else ""
    rows = engine.fetchall(
        f"""
        SELECT e.src, e.dst, e.type, CAST(e.since AS VARCHAR), CAST(e.until AS VARCHAR), e.source_id, e.ref, e.grading, e.weight
        FROM graph_edges e
        JOIN __share_nodes a ON a.node_id = e.src JOIN __share_nodes b ON b.node_id = e.dst
        WHERE e.src <> e.dst {handling_c}
        ORDER BY e.src, e.dst, e.type, e.source_id, e.ref
        """
    )
    return [{"src": s, "dst": d, "type": t, "since": since, "until": until, "source_id": src_id, "ref": ref,
             "grading": grading, "weight": float(w) if w is not None else 1.0}
            for s, d, t, since, until, src_id, ref, grading, w in rows]


def build_graph(store: Store | Engine, network_id: str | None = None, *, exclude_handling_c: bool = False) -> nx.MultiDiGraph:
    """The member graph of one network (or all networks)."""
    engine = as_engine(store)
    nodes = member_nodes(engine, network_id)
    graph = nx.MultiDiGraph(name=f"toex network {network_id}" if network_id else "toex threat picture")
    for eid, attrs in nodes.items():
        graph.add_node(eid, **{k: _clean(v) for k, v in attrs.items()})
    for i, e in enumerate(member_edges(engine, set(nodes), exclude_handling_c=exclude_handling_c)):
        # 'type' is reserved in GEXF (directed/undirected): the edge type is kept as 'relation'
        attrs = {("relation" if k == "type" else k): _clean(v) for k, v in e.items() if k not in ("src", "dst")}
        graph.add_edge(e["src"], e["dst"], key=f"e{i}", label=attrs["relation"], **attrs)
    return graph


def write_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    """GraphML (opens in Gephi, yEd, networkx)."""
    nx.write_graphml(graph, str(path), named_key_ids=True)


def write_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    """GEXF 1.2 (Gephi's own format)."""
    nx.write_gexf(graph, str(path))
