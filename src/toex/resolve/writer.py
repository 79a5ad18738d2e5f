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
    """Person entity rows with their sources: a person on one record (about four in five) is that record as it is;
    a person on several takes each field's most common value (ties to the smallest)."""
    big = f"CASE WHEN records > {config.big_cluster} THEN 'large: ' || records || ' records' END"
    return f"""
        WITH n AS (
            SELECT entity_id, count(*) AS records FROM __rs_ids_person GROUP BY entity_id
        ), r AS (
            SELECT i.entity_id, n.records, p.forenames, p.surname, p.dob, p.dob_year,
                   CASE WHEN p.sex IN ('M', 'F') THEN p.sex END AS sex, NULLIF(trim(p.pnc_id), '') AS pnc_id, p.source_id
            FROM __rs_ids_person i JOIN n USING (entity_id) JOIN persons p USING (source_id, ref)
        )
        SELECT entity_id, forenames, surname, dob, dob_year, sex, pnc_id, records, [source_id] AS sources, {big} AS flagged
        FROM r WHERE records = 1
        UNION ALL
        SELECT entity_id, mode(forenames ORDER BY forenames), mode(surname ORDER BY surname), mode(dob ORDER BY dob),
               mode(dob_year ORDER BY dob_year), mode(sex ORDER BY sex), mode(pnc_id ORDER BY pnc_id), records,
               list_sort(list_distinct(list(source_id))), {big}
        FROM r WHERE records > 1 GROUP BY entity_id, records"""


#: The columns of each kind's entity table (its work table ``__rs_entities_<kind>`` adds ``sources``).
_COLUMNS: dict[str, tuple[str, ...]] = {
    "person": ("entity_id", "forenames", "surname", "dob", "dob_year", "sex", "pnc_id", "records", "sources",
               "flagged"),
    "location": ("entity_id", "building_id", "address", "town", "postcode", "latitude", "longitude", "kind", "uprn",
                 "records"),
    "object": ("entity_id", "kind", "value", "records"),
    "organisation": ("entity_id", "name", "company_number", "sic_code", "incorporated", "dissolved", "postcode",
                     "records"),
}

#: Each kind's ``entities.label``.
_LABELS: dict[str, str] = {
    "person": "trim(coalesce(forenames, '') || ' ' || coalesce(surname, '')) || coalesce(' (' || CAST(dob AS VARCHAR) "
              "|| ')', ' (' || CAST(dob_year AS VARCHAR) || ')', '')",
    "location": "concat_ws(', ', address, town, postcode)",
    "object": "kind || ' ' || coalesce(value, '')",
    "organisation": "name || coalesce(' (' || company_number || ')', '')",
}


def prepare_sql(config: ResolveConfig) -> list[str]:
    """``__rs_entities_<kind>``: each kind's entity rows and their sources, computed once for both its own table
    and ``entities``, before the transaction that writes the outputs (:func:`output_sql`)."""
    queries = {"person": _person_entities(config), "location": places.entities_sql(),
               "object": objects.entities_sql(), "organisation": organisations.entities_sql()}
    return [f"CREATE OR REPLACE TEMP TABLE __rs_entities_{kind} AS {sql}" for kind, sql in queries.items()]


def _entities() -> list[str]:
    out = [f"INSERT INTO {kind}_entities ({', '.join(cols)}) SELECT {', '.join(cols)} FROM __rs_entities_{kind}"
           for kind, cols in _COLUMNS.items()]
    out.append("INSERT INTO entities " + " UNION ALL ".join(
        f"SELECT entity_id, '{kind}', {label}, records, sources FROM __rs_entities_{kind}"
        for kind, label in _LABELS.items()))
    return out


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
    """Every statement that replaces the run's output tables, in order (after :func:`prepare_sql`)."""
    deletes = [f"DELETE FROM {table}" for table in OUTPUTS]
    return [
        *deletes,
        _entity_records(),
        *_entities(),
        _pairs(config),
        _review_queue(config),
    ]
