"""Working tables every detector shares, made once per run by SQL.

- ``__d_person``: each resolved person with date of birth, sex, age today
  (relative to ``as_of``, the dataset's latest event date, so results do not
  depend on the wall clock) and a family id (persons joined by family links,
  transitively). Never nationality or ethnicity.
- ``__d_pe``: person x event participation with the person's age *at the
  event date*, the event's force and coordinates (its location, else the
  force's centroid).
- ``__d_home``: each person's latest home address with coordinates.

``age_sql`` is the single definition of age: full years from a full date of
birth; from a year of birth alone, the age on 1 July (the middle of the year).
"""

from __future__ import annotations

from datetime import date

import igraph as ig

from toex.store import Store

FAMILY_ROLES = ("family-of", "parent-of", "partner-of")


def age_sql(dob: str, dob_year: str, when: str) -> str:
    """SQL for the age in whole years on date ``when`` (NULL when nothing is known)."""
    return (
        f"CASE WHEN {dob} IS NOT NULL THEN year({when}) - year({dob}) - "
        f"CASE WHEN month({when}) * 100 + day({when}) < month({dob}) * 100 + day({dob}) THEN 1 ELSE 0 END "
        f"WHEN {dob_year} IS NOT NULL THEN year({when}) - {dob_year} - CASE WHEN month({when}) < 7 THEN 1 ELSE 0 END END"
    )


def km_sql(lat1: str, lon1: str, lat2: str, lon2: str) -> str:
    """Great-circle distance in kilometres (haversine), NULL when a point is missing."""
    return (
        f"(2 * 6371.0 * asin(sqrt(pow(sin(radians({lat2} - {lat1}) / 2), 2) + "
        f"cos(radians({lat1})) * cos(radians({lat2})) * pow(sin(radians({lon2} - {lon1}) / 2), 2))))"
    )


def dataset_as_of(store: Store) -> date:
    """The latest event date in the store: 'today' for ages and recency."""
    value = store.scalar("SELECT CAST(max(occurred_from) AS DATE) FROM events")
    return value if isinstance(value, date) else date.today()


def prepare(store: Store, as_of: date) -> None:
    """Create the shared working tables (temporary, dropped by :func:`cleanup`)."""
    fam = ", ".join(f"'{r}'" for r in FAMILY_ROLES)
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE __d_person AS
        SELECT entity_id, dob, dob_year, sex, lower(trim(surname)) AS surname_key,
               {age_sql('dob', 'dob_year', 'CAST($as_of AS DATE)')} AS age_today,
               entity_id AS family_id
        FROM person_entities""",
        {"as_of": as_of},
    )
    pairs = store.fetchall(
        f"SELECT src, dst FROM graph_edges WHERE type IN ({fam}) AND src LIKE 'P-%' AND dst LIKE 'P-%'"
    )
    if pairs:
        names = sorted({p for pair in pairs for p in pair})
        index = {n: i for i, n in enumerate(names)}
        g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
        rows = [(names[v], names[min(comp)]) for comp in g.connected_components() for v in comp]
        store.execute("CREATE OR REPLACE TEMP TABLE __d_family (entity_id VARCHAR, family_id VARCHAR)")
        store.con.executemany("INSERT INTO __d_family VALUES (?, ?)", rows)
        store.execute(
            "UPDATE __d_person SET family_id = f.family_id FROM __d_family f WHERE f.entity_id = __d_person.entity_id"
        )
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE __d_pe AS
        SELECT e.src AS person, e.dst AS event, e.type AS role, n.subkind AS event_kind,
               CAST(n.occurred AS DATE) AS day, n.force, ev.offence_code, ev.category,
               ev.source_id, ev.ref, e.grading,
               {age_sql('p.dob', 'p.dob_year', 'CAST(n.occurred AS DATE)')} AS age_at,
               coalesce(loc.latitude, f.latitude) AS lat, coalesce(loc.longitude, f.longitude) AS lon,
               loc.location AS location
        FROM graph_edges e
        JOIN graph_nodes n ON n.node_id = e.dst AND n.kind = 'event'
        JOIN events ev ON 'E:' || ev.source_id || ':' || ev.ref = e.dst
        LEFT JOIN __d_person p ON p.entity_id = e.src
        LEFT JOIN (SELECT a.src AS event, min(a.dst) AS location, arg_min(le.latitude, a.dst) AS latitude,
                          arg_min(le.longitude, a.dst) AS longitude
                   FROM graph_edges a JOIN location_entities le ON le.entity_id = a.dst
                   WHERE a.type = 'at' AND le.latitude IS NOT NULL GROUP BY a.src) loc ON loc.event = e.dst
        LEFT JOIN ref_forces f ON f.force_id = n.force
        WHERE e.src LIKE 'P-%' AND NOT e.derived"""
    )
    store.execute(
        """CREATE OR REPLACE TEMP TABLE __d_home AS
        SELECT e.src AS person, e.dst AS location, le.latitude AS lat, le.longitude AS lon, e.source_id, e.ref
        FROM graph_edges e JOIN location_entities le ON le.entity_id = e.dst
        WHERE e.type = 'resides-at' AND e.src LIKE 'P-%' AND le.latitude IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY e.src ORDER BY e.until DESC NULLS FIRST, e.since DESC NULLS LAST, e.dst, e.source_id, e.ref) = 1"""
    )


def cleanup(store: Store) -> None:
    """Drop the shared working tables."""
    for name in ("__d_person", "__d_family", "__d_pe", "__d_home"):
        store.execute(f"DROP TABLE IF EXISTS {name}")
