"""Objects: one entity per normalised value of a kind.

Phones by E.164 number, vehicles by VRM, bank accounts by sort code + account
number ('SSSSSS-AAAAAAAA'), emails lower-cased: ingest has already normalised
``objects.value``; records with no usable value stay alone.
"""

from __future__ import annotations

from toex.engine import Engine
from toex.resolve.keys import key_clusters

CLUSTERS = "__rs_clusters_object"


def cluster_objects(store: Engine) -> None:
    """``__rs_clusters_object(source_id, ref, cluster)``."""
    keys = "SELECT source_id, ref, coalesce(kind, 'other') || ':' || value AS key FROM objects WHERE value IS NOT NULL"
    key_clusters(store, "SELECT source_id, ref FROM objects", keys, CLUSTERS)


def entities_sql() -> str:
    """``object_entities`` rows and each entity's sources (``mode`` ties go to the smallest value)."""
    return """
        SELECT i.entity_id, mode(o.kind ORDER BY o.kind) AS kind,
               coalesce(mode(o.value ORDER BY o.value), mode(o.value_raw ORDER BY o.value_raw)) AS value, count(*) AS records,
               list_sort(list_distinct(list(i.source_id))) AS sources
        FROM __rs_ids_object i JOIN objects o USING (source_id, ref) GROUP BY i.entity_id"""
