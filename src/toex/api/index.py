"""The derived tables the API reads through: record access and person search.

``api_record_access`` gives every record (person, location, object,
organisation, event) the forces it concerns, whether it is handling code C
intelligence, and its classification rank; every query of the API filters
through it (see :mod:`toex.api.access`). ``api_person_search`` and
``api_name_keys`` serve the fuzzy person search. They are rebuilt, inside one
transaction, when the stages' tables change (a cheap fingerprint is compared).

The rule for which forces a record concerns (docs/security.md):
- a record of a force-owned source concerns its owner force only;
- an event of an agency-owned source (nrm, companies register, NCA, Home
  Office) concerns the force where it happened and the force that reported it;
- any other record of an agency-owned source concerns the forces of the events
  it is linked to, the owner forces of the other records of its entity, and
  (locations) the force of its postcode district.
A record linked only to handling code C events (e.g. the subject of a C
intelligence report) is handling C itself.
"""

from __future__ import annotations

import threading
import uuid

from toex.ingest import normalise as n
from toex.reference import table_paths
from toex.store import Store

#: Classification -> rank; an unknown marking ranks above everything (fail closed).
CLASS_RANKS: dict[str, int] = {"OFFICIAL": 1, "OFFICIAL-SENSITIVE": 2, "SECRET": 3, "TOP SECRET": 4}
UNKNOWN_RANK = 9


def class_rank_sql(expr: str) -> str:
    """SQL rank of a classification column (NULL counts as OFFICIAL-SENSITIVE, the source default)."""
    cases = " ".join(f"WHEN '{k}' THEN {v}" for k, v in CLASS_RANKS.items())
    return f"CASE upper(trim(coalesce({expr}, 'OFFICIAL-SENSITIVE'))) {cases} ELSE {UNKNOWN_RANK} END"


_FINGERPRINT_SQL = """
SELECT concat_ws('|',
  (SELECT count(*) FROM sources), (SELECT max(loaded_at) FROM sources),
  (SELECT count(*) FROM entity_records), (SELECT count(*) FROM entities),
  (SELECT max(finished_at) FROM resolve_runs), (SELECT count(*) FROM events),
  (SELECT count(*) FROM persons), (SELECT count(*) FROM links),
  (SELECT count(*) FROM graph_edges), (SELECT count(*) FROM network_members),
  (SELECT max(finished_at) FROM analysis_runs))
"""

_lock = threading.Lock()


def fingerprint(store: Store) -> str:
    """A cheap summary of the inputs; the index is rebuilt when it changes."""
    return str(store.scalar(_FINGERPRINT_SQL))


def ensure_index(store: Store, *, force: bool = False) -> bool:
    """Rebuild the access and search tables when the inputs changed; return whether it ran."""
    with _lock:
        current = fingerprint(store)
        built = store.scalar("SELECT value FROM api_index_state WHERE key = 'fingerprint'")
        if not force and built == current and store.table_exists("api_network_edges"):
            if build_id(store) is None:  # an index built before build ids: give it one (the caches key on it)
                store.execute("INSERT INTO api_index_state VALUES ('build', ?) ON CONFLICT (key) DO NOTHING",
                              [uuid.uuid4().hex])
            return False
        with store.transaction():
            _build(store)
            store.execute(
                "INSERT INTO api_index_state VALUES ('fingerprint', ?), ('build', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [current, uuid.uuid4().hex],
            )
        return True


def build_id(store: Store) -> str | None:
    """The id of the index build a reader sees (new with every rebuild); keys the API's per-build caches."""
    value = store.scalar("SELECT value FROM api_index_state WHERE key = 'build'")
    return None if value is None else str(value)


def _build(store: Store) -> None:
    districts = str(table_paths()["postcode_districts"])
    rank = class_rank_sql("s.classification")
    store.execute("DROP TABLE IF EXISTS __api_src")
    store.execute(
        f"""CREATE TEMP TABLE __api_src AS
        SELECT s.source_id, s.owner, f.force_id IS NOT NULL AS force_owned, {rank} AS class_rank
        FROM sources s LEFT JOIN ref_forces f ON f.force_id = s.owner"""
    )
    store.execute("DROP TABLE IF EXISTS __api_ev")
    store.execute(
        """CREATE TEMP TABLE __api_ev AS
        SELECT e.source_id, e.ref,
               CASE WHEN s.force_owned THEN [s.owner]
                    ELSE list_distinct(list_filter([e.force, e.reported_by], lambda x: x IS NOT NULL)) END AS forces,
               coalesce(upper(trim(e.handling)) = 'C', false) AS handling_c, s.class_rank
        FROM events e JOIN __api_src s USING (source_id)"""
    )
    store.execute("DROP TABLE IF EXISTS __api_rec")
    store.execute(
        """CREATE TEMP TABLE __api_rec AS
        WITH recs AS (
            SELECT 'person' AS kind, source_id, ref FROM persons
            UNION ALL SELECT 'location', source_id, ref FROM locations
            UNION ALL SELECT 'object', source_id, ref FROM objects
            UNION ALL SELECT 'organisation', source_id, ref FROM organisations
        ), rec_events AS (
            SELECT source_id, from_ref AS ref, to_ref AS event_ref FROM links WHERE to_kind = 'event'
            UNION ALL SELECT source_id, to_ref, from_ref FROM links WHERE from_kind = 'event'
            UNION ALL SELECT source_id, location_ref, ref FROM events WHERE location_ref IS NOT NULL
        ), ev AS (
            SELECT re.source_id, re.ref, flatten(list(ev.forces)) AS forces,
                   bool_and(ev.handling_c) AS all_c
            FROM rec_events re JOIN __api_ev ev ON ev.source_id = re.source_id AND ev.ref = re.event_ref
            GROUP BY 1, 2
        )
        SELECT r.kind, r.source_id, r.ref, er.entity_id, s.force_owned, s.class_rank,
               CASE WHEN s.force_owned THEN [s.owner] ELSE coalesce(ev.forces, []) END AS forces,
               coalesce(ev.all_c, false) AS handling_c
        FROM recs r JOIN __api_src s USING (source_id)
        LEFT JOIN ev ON ev.source_id = r.source_id AND ev.ref = r.ref
        LEFT JOIN entity_records er ON er.kind = r.kind AND er.source_id = r.source_id AND er.ref = r.ref"""
    )
    # Agency records also concern the owner forces of their entity's other records,
    # and (locations) the force of their postcode district.
    store.execute(
        """UPDATE __api_rec r SET forces = list_distinct(list_concat(r.forces, x.forces))
        FROM (SELECT entity_id, list_distinct(flatten(list(forces))) AS forces FROM __api_rec
              WHERE force_owned AND entity_id IS NOT NULL GROUP BY entity_id) x
        WHERE NOT r.force_owned AND r.entity_id = x.entity_id"""
    )
    store.execute(
        """UPDATE __api_rec r SET forces = list_distinct(list_append(r.forces, d.force_id))
        FROM locations l,
             (SELECT district, force_id FROM read_csv(?, header=true, all_varchar=true)
              WHERE force_id IS NOT NULL AND force_id <> '') d
        WHERE NOT r.force_owned AND r.kind = 'location' AND l.source_id = r.source_id AND l.ref = r.ref
          AND d.district = split_part(l.postcode, ' ', 1)""",
        [districts],
    )
    # ... and the forces of the records they are linked to in the same source (a company and its address).
    store.execute(
        """UPDATE __api_rec r SET forces = list_distinct(list_concat(r.forces, x.forces))
        FROM (SELECT k.source_id, k.ref, flatten(list(o.forces)) AS forces FROM (
                  SELECT source_id, from_ref AS ref, to_ref AS other FROM links
                  WHERE from_kind <> 'event' AND to_kind <> 'event'
                  UNION ALL SELECT source_id, to_ref, from_ref FROM links
                  WHERE from_kind <> 'event' AND to_kind <> 'event') k
              JOIN __api_rec o ON o.source_id = k.source_id AND o.ref = k.other
              GROUP BY 1, 2) x
        WHERE NOT r.force_owned AND r.source_id = x.source_id AND r.ref = x.ref"""
    )
    store.execute(
        """CREATE OR REPLACE TABLE api_record_access AS
        SELECT source_id, ref, kind, entity_id, forces, handling_c, class_rank, label FROM (
            SELECT r.source_id, r.ref, r.kind, r.entity_id, r.forces, r.handling_c, r.class_rank,
                   coalesce(NULLIF(trim(concat_ws(' ', p.forenames, p.surname)), ''),
                            NULLIF(concat_ws(', ', l.address, l.town, l.postcode), ''),
                            coalesce(o.value, o.value_raw), g.name) AS label
            FROM __api_rec r
            LEFT JOIN persons p ON r.kind = 'person' AND p.source_id = r.source_id AND p.ref = r.ref
            LEFT JOIN locations l ON r.kind = 'location' AND l.source_id = r.source_id AND l.ref = r.ref
            LEFT JOIN objects o ON r.kind = 'object' AND o.source_id = r.source_id AND o.ref = r.ref
            LEFT JOIN organisations g ON r.kind = 'organisation' AND g.source_id = r.source_id AND g.ref = r.ref
            UNION ALL
            SELECT v.source_id, v.ref, 'event', 'E:' || v.source_id || ':' || v.ref, v.forces, v.handling_c,
                   v.class_rank, concat_ws(' ', e.kind, coalesce(e.category, e.offence_code),
                                           strftime(e.occurred_from, '%Y-%m-%d'))
            FROM __api_ev v JOIN events e ON e.source_id = v.source_id AND e.ref = v.ref)
        ORDER BY entity_id"""
    )
    fn = n.name_key("split_part(trim(coalesce(p.forenames, '')), ' ', 1)")
    sn = n.name_key("p.surname")
    store.execute(
        f"""CREATE OR REPLACE TABLE api_person_search AS
        SELECT p.source_id, p.ref, r.entity_id, p.forenames, p.surname, {fn} AS fn_key, {sn} AS sn_key,
               p.dob, p.dob_year, p.dob_month, r.forces, r.handling_c, r.class_rank
        FROM persons p JOIN __api_rec r ON r.kind = 'person' AND r.source_id = p.source_id AND r.ref = p.ref
        ORDER BY 7"""
    )
    store.execute(
        """CREATE OR REPLACE TABLE api_name_keys AS
        SELECT DISTINCT fn_key AS name_key, 'fn' AS part FROM api_person_search WHERE fn_key IS NOT NULL
        UNION SELECT DISTINCT sn_key, 'sn' FROM api_person_search WHERE sn_key IS NOT NULL"""
    )
    # Both directions of every graph edge, sorted by node: neighbourhoods read a few row groups, not 2M edges.
    store.execute(
        """CREATE OR REPLACE TABLE api_adjacency AS
        SELECT node, other, source, target, type, since, until, grading, source_id, ref FROM (
            SELECT src AS node, dst AS other, src AS source, dst AS target, type, since, until, grading, source_id, ref
            FROM graph_edges WHERE src <> dst
            UNION ALL
            SELECT dst, src, src, dst, type, since, until, grading, source_id, ref FROM graph_edges WHERE src <> dst)
        ORDER BY node"""
    )
    # Network members with their records' access columns: network visibility without touching all records.
    store.execute(
        """CREATE OR REPLACE TABLE api_member_records AS
        SELECT DISTINCT m.network_id, m.entity_id, r.forces, r.handling_c, r.class_rank
        FROM network_members m JOIN api_record_access r ON r.entity_id = m.entity_id"""
    )
    # The edges between the members of each network (the link chart of a network view), by network.
    store.execute(
        """CREATE OR REPLACE TABLE api_network_edges AS
        WITH m AS (SELECT DISTINCT network_id, entity_id FROM network_members)
        SELECT m1.network_id, a.source, a.target, a.type, a.since, a.until, a.grading, a.source_id, a.ref
        FROM m m1 JOIN api_adjacency a ON a.node = m1.entity_id AND a.node = a.source
        JOIN m m2 ON m2.network_id = m1.network_id AND m2.entity_id = a.other
        ORDER BY 1"""
    )
    # ART indexes for the look-ups of one request (a few dozen scattered ids out of millions of rows);
    # queries select by the indexed column in a MATERIALIZED CTE first, so the index is used.
    store.execute("CREATE INDEX api_record_access_entity ON api_record_access (entity_id)")
    store.execute("CREATE INDEX api_record_access_ref ON api_record_access (ref)")
    store.execute("CREATE INDEX api_adjacency_node ON api_adjacency (node)")
    for table in ("__api_src", "__api_ev", "__api_rec"):
        store.execute(f"DROP TABLE IF EXISTS {table}")
