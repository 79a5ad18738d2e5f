"""Clusters from shared keys: records that share any key are one entity (connected components).

Used by places, objects and organisations, whose rules are exact keys
(UPRN, normalised address, E.164 phone, company number...). The key graph is
extracted by SQL and its components found with igraph.
"""

from __future__ import annotations

import igraph as ig
import numpy as np
import pyarrow as pa

from toex.engine import Engine
from toex.resolve import db


def key_clusters(store: Engine, records_sql: str, keys_sql: str, out: str) -> None:
    """``out(source_id, ref, cluster)`` for every record of ``records_sql`` (source_id, ref),
    joined through the (source_id, ref, key) rows of ``keys_sql``; a record with no key is alone."""
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_kr AS
        SELECT source_id, ref, CAST(row_number() OVER (ORDER BY source_id, ref) - 1 AS BIGINT) AS rid
        FROM (SELECT DISTINCT source_id, ref FROM ({records_sql}))""")
    n = int(db.value(store, "SELECT count(*) FROM __rs_kr"))
    edges = store.fetch_arrow(f"""
        WITH k AS (SELECT DISTINCT source_id, ref, key FROM ({keys_sql}) WHERE key IS NOT NULL),
             ids AS (SELECT key, CAST({n} + row_number() OVER (ORDER BY key) - 1 AS BIGINT) AS kid
                     FROM (SELECT DISTINCT key FROM k))
        SELECT r.rid, ids.kid FROM k JOIN __rs_kr r USING (source_id, ref) JOIN ids USING (key)""")
    rids = edges.column("rid").to_numpy(zero_copy_only=False)
    kids = edges.column("kid").to_numpy(zero_copy_only=False)
    total = n + (int(kids.max()) - n + 1 if len(kids) else 0)
    graph = ig.Graph(n=total, edges=np.column_stack([rids, kids]).tolist())
    membership = np.asarray(graph.connected_components().membership, dtype=np.int64)[:n]
    store.register("__rs_kc_df", pa.table({"rid": np.arange(n, dtype=np.int64), "cluster": membership}))
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE {out} AS
        SELECT r.source_id, r.ref, 'k' || f.cluster AS cluster FROM __rs_kr r JOIN __rs_kc_df f USING (rid)""")
    store.unregister("__rs_kc_df")
    store.execute("DROP TABLE __rs_kr")
