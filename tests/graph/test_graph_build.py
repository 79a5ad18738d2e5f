"""The graph build: typed, time-bounded edges with provenance and grading; algorithms over subgraphs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.graph.scenes import CHILDREN, FRONT, case_study
from tests.graph.world import World, new_store

from toex.graph.algorithms import (
    betweenness,
    components,
    leiden,
    load_subgraph,
    neighbourhood,
    shortest_path,
)
from toex.graph.build import build_graph
from toex.store import Store


@pytest.fixture
def built() -> Iterator[Store]:
    store = new_store()
    case_study(World(store))
    build_graph(store)
    yield store
    store.close()


def edge_types(store: Store) -> set[str]:
    return {str(r[0]) for r in store.fetchall("SELECT DISTINCT type FROM graph_edges")}


def test_nodes_are_entities_and_linked_events(built: Store) -> None:
    kinds = dict(built.fetchall("SELECT kind, count(*) FROM graph_nodes GROUP BY kind"))
    assert kinds["person"] == 6 and kinds["organisation"] == 1
    assert built.scalar("SELECT count(*) FROM graph_nodes WHERE node_id = 'E:s1:sh1' AND subkind = 'offence'") == 1


def test_every_edge_type_of_the_issue_is_built(built: Store) -> None:
    want = {"co-offending", "co-residence", "shared-phone", "director-of", "controls", "registered-at", "trades-at",
            "intel-co-subject", "found-at", "employed-by", "involves", "at", "suspect", "missing-person", "keeper"}
    assert want <= edge_types(built)


def test_edges_carry_provenance_time_and_grading(built: Store) -> None:
    row = built.execute(
        "SELECT source_id, ref, grading, weight, since FROM graph_edges WHERE type = 'intel-co-subject'"
    ).fetchone()
    assert row is not None
    assert row[0] == "s1" and row[1] == "int1" and row[2] == "2B P"
    assert row[3] == pytest.approx(0.7 * 0.85)
    assert str(row[4]) == "2024-02-01"
    co = built.fetchall("SELECT since, until, ref FROM graph_edges WHERE type = 'co-offending' AND ref = 'sh99'")
    assert co and str(co[0][0]) == "2024-05-20"


def test_co_residence_needs_overlapping_periods() -> None:
    store = new_store()
    w = World(store)
    for p in ("P-000001", "P-000002", "P-000003"):
        w.person(p, "A", p, None)
    w.location("L-000001", "1 Road", "suffolk")
    w.link("P-000001", "L-000001", "resides-at", "2020-01-01", "2020-12-31")
    w.link("P-000002", "L-000001", "resides-at", "2021-01-01", "2021-12-31")
    w.link("P-000003", "L-000001", "resides-at", "2020-06-01", None)
    build_graph(store)
    pairs = {(str(a), str(b)) for a, b in store.fetchall("SELECT src, dst FROM graph_edges WHERE type = 'co-residence'")}
    assert pairs == {("P-000001", "P-000003"), ("P-000002", "P-000003")}


def test_offended_against_is_directed_from_suspect_to_victim() -> None:
    store = new_store()
    w = World(store)
    w.person("P-000001", "Adult", "One", None)
    w.person("P-000002", "Child", "Two", None)
    w.offence("x1", "2024-01-01", "suffolk", ["P-000001"], code="71", category=None, victims=("P-000002",))
    build_graph(store)
    assert store.fetchall("SELECT src, dst FROM graph_edges WHERE type = 'offended-against'") == [("P-000001", "P-000002")]


def test_neighbourhood_and_shortest_path(built: Store) -> None:
    sub = neighbourhood(built, CHILDREN[0], hops=1)
    ids = {n.node_id for n in sub.nodes}
    assert "L-0000H1" in ids and "P-0000O1" in ids
    steps = shortest_path(built, CHILDREN[3], FRONT)
    assert steps and steps[0].src == CHILDREN[3] and steps[-1].dst == FRONT
    assert len(steps) <= 3
    assert all(s.source_id for s in steps)
    assert shortest_path(built, CHILDREN[0], "P-NOBODY") == []


def test_igraph_helpers(built: Store) -> None:
    ids = [str(r[0]) for r in built.fetchall("SELECT node_id FROM graph_nodes WHERE kind <> 'event'")]
    g = load_subgraph(built, ids).to_igraph()
    comps = components(g)
    assert set(CHILDREN) <= set(comps[0])
    assert sum(len(c) for c in leiden(g, resolution=0.5)) == g.vcount()
    assert set(betweenness(g)) == set(g.vs["name"])


def test_rebuild_replaces() -> None:
    store = new_store()
    case_study(World(store))
    first = build_graph(store)
    second = build_graph(store)
    assert first == second
