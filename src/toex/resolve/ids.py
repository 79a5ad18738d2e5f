"""Stable entity ids: the same records keep the same id across runs.

A new cluster takes over the id of the previous entity it shares most records
with, when that entity shares most of its records with this cluster too
(mutual best overlap, ties broken by id). Other clusters get new ids that
continue the kind's sequence (``resolve_id_sequences``), so an id is never
reused for a different entity.
"""

from __future__ import annotations

from toex.engine import Engine
from toex.resolve import db

PREFIXES: dict[str, str] = {"person": "P", "location": "L", "object": "T", "organisation": "O"}
WIDTH = 6


def number_sql(expr: str) -> str:
    """SQL: an id number padded to :data:`WIDTH` digits, never cut (``lpad`` truncates longer strings, which
    gave two entities one id past 999,999)."""
    text = f"CAST({expr} AS VARCHAR)"
    return f"CASE WHEN length({text}) >= {WIDTH} THEN {text} ELSE lpad({text}, {WIDTH}, '0') END"


def _last_used(store: Engine, kind: str) -> int:
    prefix = PREFIXES[kind]
    seq = db.value(store, "SELECT last FROM resolve_id_sequences WHERE prefix = ?", [prefix])
    seen = db.value(store,
        "SELECT max(TRY_CAST(substr(entity_id, 3) AS BIGINT)) FROM entity_records WHERE kind = ?", [kind])
    return max(int(seq or 0), int(seen or 0))


def assign(store: Engine, kind: str, clusters: str) -> int:
    """Create ``__rs_ids_<kind>(source_id, ref, entity_id)`` from ``clusters(source_id, ref, cluster)``;
    return the last sequence number used."""
    prefix, last = PREFIXES[kind], _last_used(store, kind)
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_carry AS
        WITH overlap AS (
            SELECT n.cluster, e.entity_id, count(*) AS shared
            FROM {clusters} n JOIN entity_records e
              ON e.kind = '{kind}' AND e.source_id = n.source_id AND e.ref = n.ref
            GROUP BY ALL
        ), ranked AS (
            SELECT *, row_number() OVER (PARTITION BY cluster ORDER BY shared DESC, entity_id) AS by_cluster,
                      row_number() OVER (PARTITION BY entity_id ORDER BY shared DESC, cluster) AS by_entity
            FROM overlap
        )
        SELECT cluster, entity_id FROM ranked WHERE by_cluster = 1 AND by_entity = 1""")
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_fresh AS
        SELECT cluster, '{prefix}-' || {number_sql(f"{last} + row_number() OVER (ORDER BY first_key)")} AS entity_id
        FROM (SELECT cluster, min(source_id || chr(1) || ref) AS first_key FROM {clusters}
              WHERE cluster NOT IN (SELECT cluster FROM __rs_carry) GROUP BY cluster)""")
    store.execute(f"""
        CREATE OR REPLACE TEMP TABLE __rs_ids_{kind} AS
        SELECT n.source_id, n.ref, coalesce(c.entity_id, f.entity_id) AS entity_id
        FROM {clusters} n LEFT JOIN __rs_carry c USING (cluster) LEFT JOIN __rs_fresh f USING (cluster)""")
    used = db.value(store, "SELECT count(*) FROM __rs_fresh")
    store.execute("DROP TABLE __rs_carry")
    store.execute("DROP TABLE __rs_fresh")
    return last + int(used or 0)
