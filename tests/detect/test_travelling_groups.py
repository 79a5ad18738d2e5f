"""Travelling groups: the children's cross-force sprees are found; adult crews across one border are not."""

from __future__ import annotations

import json

import igraph as ig
from tests.graph.scenes import CHILDREN

from toex.detect.run import AnalysisSummary
from toex.detect.travelling import bounded_blocks
from toex.store import Store


def test_case_study_group_is_found(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    rows = store.fetchall("SELECT members, forces, children, events, sprees, mobility_score, summary, evidence "
                          "FROM travelling_groups")
    assert len(rows) == 1
    members, forces, children, events, sprees, score, summary, evidence = rows[0]
    assert set(CHILDREN) <= set(members)
    assert {"suffolk", "dorset", "south-wales", "kent"} <= set(forces)
    assert children == 4 and events >= 10 and sprees >= 5 and 0 < score <= 1
    assert "potential victims" in summary
    assert all(e["source_id"] and e["ref"] for e in json.loads(evidence))


def test_decoy_crews_are_not_travelling_groups(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    everyone = {m for (ms,) in store.fetchall("SELECT members FROM travelling_groups") for m in ms}
    assert not any(m.startswith(("P-00DB", "P-00DS", "P-00DF")) for m in everyone)


def test_large_components_are_split_until_every_group_is_bounded() -> None:
    """A national co-offending component (thousands chained through unrelated offences) yields only bounded groups."""

    g = ig.Graph.Erdos_Renyi(n=3000, m=4500)
    g.es["weight"] = [1.0] * g.ecount()
    blocks = bounded_blocks(g, 40)
    assert blocks and max(len(b) for b in blocks) <= 40 and min(len(b) for b in blocks) >= 2
    assert len({v for b in blocks for v in b}) == sum(len(b) for b in blocks)  # no vertex twice
    # five cliques of ten in a ring: one component of 50, split into the five cliques
    ring = ig.Graph.Full(10)
    for _ in range(4):
        ring = ring.disjoint_union(ig.Graph.Full(10))
    ring.add_edges([(9, 10), (19, 20), (29, 30), (39, 40), (49, 0)])
    ring.es["weight"] = [1.0] * ring.ecount()
    assert bounded_blocks(ring, 40) == [list(range(k, k + 10)) for k in range(0, 50, 10)]
    # a dense mass that will not split is not a group
    assert bounded_blocks(_weighted(ig.Graph.Full(60)), 40) == []


def _weighted(g: ig.Graph) -> ig.Graph:
    g.es["weight"] = [1.0] * g.ecount()
    return g
