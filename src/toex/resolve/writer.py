"""The output tables of a run, as SQL over the run's work tables (``__rs_*``).

Each output is ``DELETE`` then ``INSERT``; the caller runs them in one
transaction. ``review_decisions`` is never touched here.
"""

from __future__ import annotations

from toex.resolve import objects, organisations, places
from toex.resolve.cluster import CUTS, PAIRS
from toex.resolve.comparisons import NAMES_ONLY
from toex.resolve.config import ResolveConfig
from toex.resolve.features import FEATURES

OUTPUTS: tuple[str, ...] = (
    "entity_records", "entities", "person_entities", "location_entities", "object_entities",
    "organisation_entities", "person_match_pairs", "review_queue",
)


def _entity_records() -> str:
    parts = [f"SELECT '{kind}', source_id, ref, entity_id FROM __rs_ids_{kind}"
             for kind in ("person", "location", "object", "organisation")]
    return "INSERT INTO entity_records " + " UNION ALL ".join(parts)


def _person_entities(config: ResolveConfig) -> str:
    return f"""
        INSERT INTO person_entities
        SELECT i.entity_id, mode(p.forenames ORDER BY p.forenames), mode(p.surname ORDER BY p.surname),
               mode(p.dob ORDER BY p.dob), mode(p.dob_year ORDER BY p.dob_year),
               mode(p.sex ORDER BY p.sex) FILTER (WHERE p.sex IN ('M', 'F')),
               mode(NULLIF(trim(p.pnc_id), '') ORDER BY NULLIF(trim(p.pnc_id), '')),
               count(*), list_sort(list_distinct(list(p.source_id))),
               CASE WHEN count(*) > {config.big_cluster} THEN 'large: ' || count(*) || ' records' END
        FROM __rs_ids_person i JOIN persons p USING (source_id, ref) GROUP BY i.entity_id"""


def _entities() -> str:
    return """
        INSERT INTO entities
        SELECT entity_id, 'person', trim(coalesce(forenames, '') || ' ' || coalesce(surname, ''))
               || coalesce(' (' || CAST(dob AS VARCHAR) || ')', ' (' || CAST(dob_year AS VARCHAR) || ')', ''), records, sources
        FROM person_entities
        UNION ALL
        SELECT e.entity_id, 'location', concat_ws(', ', e.address, e.town, e.postcode), e.records, s.sources
        FROM location_entities e JOIN (SELECT entity_id, list_sort(list_distinct(list(source_id))) AS sources
                                       FROM __rs_ids_location GROUP BY ALL) s USING (entity_id)
        UNION ALL
        SELECT e.entity_id, 'object', e.kind || ' ' || coalesce(e.value, ''), e.records, s.sources
        FROM object_entities e JOIN (SELECT entity_id, list_sort(list_distinct(list(source_id))) AS sources
                                     FROM __rs_ids_object GROUP BY ALL) s USING (entity_id)
        UNION ALL
        SELECT e.entity_id, 'organisation', e.name || coalesce(' (' || e.company_number || ')', ''), e.records, s.sources
        FROM organisation_entities e JOIN (SELECT entity_id, list_sort(list_distinct(list(source_id))) AS sources
                                           FROM __rs_ids_organisation GROUP BY ALL) s USING (entity_id)"""


def _pairs(config: ResolveConfig) -> str:
    return f"""
        INSERT INTO person_match_pairs
        SELECT l.source_id, l.ref, r.source_id, r.ref, p.match_weight, p.match_probability,
               il.entity_id = ir.entity_id AS linked, p.explanation,
               coalesce(p.contradiction, CASE WHEN p.decision = 'different' THEN 'analyst: different' END),
               CASE WHEN il.entity_id <> ir.entity_id AND p.match_probability >= {config.threshold}
                    THEN coalesce(c.cut, p.contradiction, CASE WHEN p.decision = 'different' THEN 'analyst: different' END,
                                  CASE WHEN p.names_only THEN '{NAMES_ONLY}' END)
               END
        FROM {PAIRS} p JOIN {FEATURES} l ON l.unique_id = p.uid_l JOIN {FEATURES} r ON r.unique_id = p.uid_r
        JOIN __rs_ids_person il ON il.source_id = l.source_id AND il.ref = l.ref
        JOIN __rs_ids_person ir ON ir.source_id = r.source_id AND ir.ref = r.ref
        LEFT JOIN {CUTS} c ON c.uid_l = p.uid_l AND c.uid_r = p.uid_r"""


def pair_id(sl: str, rl: str, sr: str, rr: str) -> str:
    """SQL for a pair's stable review id (order-free)."""
    a, b = f"{sl} || ':' || {rl}", f"{sr} || ':' || {rr}"
    return f"'R-' || left(md5(least({a}, {b}) || '|' || greatest({a}, {b})), 12)"


def _review_queue(config: ResolveConfig) -> str:
    return f"""
        INSERT INTO review_queue
        SELECT {pair_id('source_id_l', 'ref_l', 'source_id_r', 'ref_r')}, source_id_l, ref_l, source_id_r, ref_r,
               match_probability,
               CASE WHEN cut IS NOT NULL THEN 'above the threshold but kept apart: ' || cut
                    ELSE 'near the threshold' END, NULL
        FROM person_match_pairs m
        WHERE NOT linked AND match_probability >= {config.review_floor}
          AND NOT EXISTS (SELECT 1 FROM review_decisions d WHERE
                (d.source_id_l = m.source_id_l AND d.ref_l = m.ref_l AND d.source_id_r = m.source_id_r AND d.ref_r = m.ref_r)
             OR (d.source_id_l = m.source_id_r AND d.ref_l = m.ref_r AND d.source_id_r = m.source_id_l AND d.ref_r = m.ref_l))
        UNION ALL
        SELECT 'E-' || e.entity_id, min(i.source_id), arg_min(i.ref, i.source_id || chr(1) || i.ref),
               max(i.source_id), arg_max(i.ref, i.source_id || chr(1) || i.ref), NULL,
               'large entity: ' || e.records || ' records (more than {config.big_cluster})', e.entity_id
        FROM person_entities e JOIN __rs_ids_person i USING (entity_id)
        WHERE e.flagged IS NOT NULL GROUP BY e.entity_id, e.records"""


def output_sql(config: ResolveConfig) -> list[str]:
    """Every statement that replaces the run's output tables, in order."""
    deletes = [f"DELETE FROM {table}" for table in OUTPUTS]
    return [
        *deletes,
        _entity_records(),
        _person_entities(config),
        f"INSERT INTO location_entities {places.entities_sql()}",
        f"INSERT INTO object_entities {objects.entities_sql()}",
        f"INSERT INTO organisation_entities {organisations.entities_sql()}",
        _entities(),
        _pairs(config),
        _review_queue(config),
    ]
