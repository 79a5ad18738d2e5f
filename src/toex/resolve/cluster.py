"""Constrained clustering of scored person pairs into entities.

Plain connected components over pairs above a threshold chain different
people together through one weak or wrong link. toex clusters in two steps:

1. connected components over the *linkable* pairs: at or above the threshold,
   no contradiction (different PNC ids, different sex, dates of birth two or
   more years apart, forenames that share nothing, an analyst's 'different'),
   not agreeing on names alone (unless ``names_alone``), plus every analyst 'same' decision (must-link);
2. every component of three or more records is rebuilt by a constrained
   best-link merge: its links strongest first (analyst decisions before all),
   two groups merge only when
   - no record of one contradicts a record of the other (checked for *every*
     record pair of the component, not only the scored links), and
   - the link is strong on its own (``strong``), or one group is a single
     record, or enough of their record pairs scored at least ``review_floor``
     (``bridge_density``): a single weak bridge between two groups is cut.

Links kept apart by step 2 are recorded with the reason (``cut``) and go to
the review queue. Invariant: the clusters are a pure function of the scored
pairs, the features and the decisions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import igraph as ig
import numpy as np
import pandas as pd
import pyarrow as pa

from toex.engine import Engine
from toex.resolve import db
from toex.resolve.config import ResolveConfig

PAIRS = "__rs_pairs"          # uid_l, uid_r, match_probability, contradiction, names_only, decision
CLUSTERS = "__rs_clusters"    # unique_id, cluster
CUTS = "__rs_cuts"            # uid_l, uid_r, cut


@dataclass
class _Groups:
    """Union-find with member lists and the records each group may not join."""

    members: dict[int, list[int]] = field(default_factory=dict)
    parent: dict[int, int] = field(default_factory=dict)
    banned: dict[int, set[int]] = field(default_factory=dict)

    def find(self, x: int) -> int:
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        if len(self.members[a]) < len(self.members[b]):
            a, b = b, a
        self.parent[b] = a
        self.members[a].extend(self.members.pop(b))
        self.banned[a] |= self.banned.pop(b)


def _components(store: Engine, config: ResolveConfig) -> pd.DataFrame:
    """Connected components over the linkable pairs: unique_id -> component."""
    n = int(db.value(store, "SELECT coalesce(max(unique_id), 0) + 1 FROM person_features"))
    edges = store.fetch_arrow(
        f"SELECT uid_l, uid_r FROM {PAIRS} WHERE decision = 'same' OR (decision IS NULL AND contradiction IS NULL "
        f"AND match_probability >= {config.threshold}{'' if config.names_alone else ' AND NOT names_only'})")
    ends = [edges.column(c).to_numpy(zero_copy_only=False).astype(np.int64) for c in ("uid_l", "uid_r")]
    graph = ig.Graph(n=n, edges=np.column_stack(ends).tolist())
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)
    frame = pd.DataFrame({"unique_id": np.arange(n, dtype=np.int64), "component": membership})
    return frame


def _conflicts_sql(config: ResolveConfig, contradiction_sql: str) -> str:
    """Every record pair inside a 3+ component that contradicts, or that an analyst said differ."""
    del config
    return f"""
        WITH big AS (
            SELECT unique_id, component FROM __rs_components
            WHERE component IN (SELECT component FROM __rs_components GROUP BY component HAVING count(*) >= 3)
        ), inside AS (
            SELECT a.unique_id AS uid_l, b.unique_id AS uid_r FROM big a JOIN big b
              ON a.component = b.component AND a.unique_id < b.unique_id
        )
        SELECT i.uid_l, i.uid_r FROM inside i
        JOIN person_features l ON l.unique_id = i.uid_l JOIN person_features r ON r.unique_id = i.uid_r
        WHERE ({contradiction_sql}) IS NOT NULL
        UNION
        SELECT uid_l, uid_r FROM {PAIRS} WHERE decision = 'different'"""


def _refine(components: pd.DataFrame, edges: pd.DataFrame, conflicts: pd.DataFrame,
            config: ResolveConfig) -> tuple[dict[int, int], list[tuple[int, int, str]]]:
    """Constrained best-link merge inside the given components; returns unique_id -> cluster root and the cuts."""
    groups = _Groups()
    for uid in components["unique_id"].tolist():
        groups.members[uid] = [uid]
        groups.parent[uid] = uid
        groups.banned[uid] = set()
    for a, b in zip(conflicts["uid_l"].tolist(), conflicts["uid_r"].tolist(), strict=True):
        if a in groups.banned and b in groups.banned:
            groups.banned[a].add(b)
            groups.banned[b].add(a)
    support: dict[int, set[int]] = defaultdict(set)
    for a, b, p in zip(edges["uid_l"].tolist(), edges["uid_r"].tolist(), edges["match_probability"].tolist(), strict=True):
        if p >= config.review_floor:
            support[a].add(b)
            support[b].add(a)
    cuts: list[tuple[int, int, str]] = []
    ordered = edges.sort_values(["must", "match_probability", "rank_a", "rank_b"], ascending=[False, False, True, True])
    for a, b, p, must in ordered[["uid_l", "uid_r", "match_probability", "must"]].itertuples(index=False):
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        if must:
            groups.union(ra, rb)
            continue
        if p < config.threshold:
            continue
        if not groups.banned[ra].isdisjoint(groups.members[rb]):
            cuts.append((a, b, "contradicts another record of the entity"))
            continue
        size_a, size_b = len(groups.members[ra]), len(groups.members[rb])
        if p < config.strong and size_a > 1 and size_b > 1:
            small, other = (ra, rb) if size_a <= size_b else (rb, ra)
            others = set(groups.members[other])
            linked = sum(len(support[m] & others) for m in groups.members[small])
            if linked < config.bridge_density * size_a * size_b:
                cuts.append((a, b, f"weak bridge ({linked} of {size_a * size_b} record pairs linked)"))
                continue
        groups.union(ra, rb)
    return {uid: groups.find(uid) for uid in groups.parent}, cuts


def _without_cliques(big: pd.DataFrame, edges: pd.DataFrame, conflicts: pd.DataFrame,
                     config: ResolveConfig) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records and links of the components :func:`_refine` must rebuild: a component whose every record pair is
    linked (at or above the threshold, or an analyst's 'same') and holds no contradiction ends as one cluster
    whatever the merge order (every merge is allowed, and every bridge is dense), so it keeps its component; most
    components of three or more records are such cliques, and skipping them saves most of the Python loop."""
    sizes = big.groupby("component").size()
    linked = edges[(edges["match_probability"] >= config.threshold) | edges["must"]].groupby("component").size()
    whole = linked.reindex(sizes.index, fill_value=0) == sizes * (sizes - 1) // 2
    component_of = dict(zip(big["unique_id"].tolist(), big["component"].tolist(), strict=True))
    contradicted = {component_of.get(uid) for uid in conflicts["uid_l"].tolist()}
    cliques = set(sizes.index[whole.to_numpy()].tolist()) - contradicted
    return (big[~big["component"].isin(cliques)].reset_index(drop=True),
            edges[~edges["component"].isin(cliques)].reset_index(drop=True))


def _frame(store: Engine, sql: str) -> pd.DataFrame:
    """A query's rows as a pandas frame (integers stay integers on every engine)."""
    return store.fetch_arrow(sql).to_pandas()


def _put(store: Engine, name: str, frame: pd.DataFrame, schema: pa.Schema | None = None) -> None:
    """A pandas frame as the temporary table ``name``."""
    store.register(f"{name}_df", pa.Table.from_pandas(frame, schema=schema, preserve_index=False))
    try:
        store.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")
    finally:
        store.unregister(f"{name}_df")


def cluster(store: Engine, config: ResolveConfig, contradiction_sql: str) -> None:
    """Write ``__rs_clusters(unique_id, cluster)`` and ``__rs_cuts`` from ``__rs_pairs``."""
    _put(store, "__rs_components", _components(store, config))
    conflicts = _frame(store, _conflicts_sql(config, contradiction_sql))
    # ties are broken by the records' (source, ref) order, not their run-specific numbering
    store.execute("CREATE OR REPLACE TEMP TABLE __rs_rank AS "
                  "SELECT unique_id, row_number() OVER (ORDER BY source_id, ref) AS rank FROM person_features")
    edges = _frame(store, f"""
        SELECT p.uid_l, p.uid_r,
               CASE WHEN p.names_only AND NOT {config.names_alone} THEN least(p.match_probability, {config.review_floor})
                    ELSE p.match_probability END AS match_probability,
               coalesce(p.decision = 'same', FALSE) AS must,
               least(kl.rank, kr.rank) AS rank_a, greatest(kl.rank, kr.rank) AS rank_b, c.component
        FROM {PAIRS} p JOIN __rs_components c ON c.unique_id = p.uid_l
        JOIN __rs_rank kl ON kl.unique_id = p.uid_l JOIN __rs_rank kr ON kr.unique_id = p.uid_r
        JOIN __rs_components c2 ON c2.unique_id = p.uid_r AND c2.component = c.component
        WHERE c.component IN (SELECT component FROM __rs_components GROUP BY component HAVING count(*) >= 3)
          AND coalesce(p.decision, '') <> 'different'""")
    big = _frame(store, """
        SELECT unique_id, component FROM __rs_components
        WHERE component IN (SELECT component FROM __rs_components GROUP BY component HAVING count(*) >= 3)""")
    big, edges = _without_cliques(big, edges, conflicts, config)
    roots, cuts = _refine(big, edges, conflicts, config)
    _put(store, "__rs_refined", pd.DataFrame({"unique_id": list(roots.keys()), "root": list(roots.values())},
                                             dtype=np.int64))
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE {CLUSTERS} AS
        SELECT c.unique_id, CASE WHEN r.root IS NULL THEN 'c' || c.component ELSE 'r' || r.root END AS cluster
        FROM __rs_components c LEFT JOIN __rs_refined r USING (unique_id)""")
    _put(store, CUTS, pd.DataFrame(cuts, columns=["uid_l", "uid_r", "cut"]),
         pa.schema([("uid_l", pa.int64()), ("uid_r", pa.int64()), ("cut", pa.string())]))
