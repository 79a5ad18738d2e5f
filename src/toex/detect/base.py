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

from toex.engine import Engine

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


def dataset_as_of(engine: Engine) -> date:
    """The latest event date in the store: 'today' for ages and recency."""
    value = engine.scalar("SELECT CAST(max(occurred_from) AS DATE) FROM events")
    return value if isinstance(value, date) else date.today()


def prepare(engine: Engine, as_of: date) -> None:
    """Create the shared working tables (temporary, dropped by :func:`cleanup`)."""
    _families(engine)
    engine.execute(
        f"""CREATE OR REPLACE TEMP TABLE __d_person AS
        SELECT p.entity_id, p.dob, p.dob_year, p.sex, lower(trim(p.surname)) AS surname_key,
               {age_sql('p.dob', 'p.dob_year', 'CAST($as_of AS DATE)')} AS age_today,
               coalesce(f.family_id, p.entity_id) AS family_id
        FROM person_entities p LEFT JOIN __d_family f ON f.entity_id = p.entity_id""",
        {"as_of": as_of},
    )
    engine.execute(
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
    engine.execute(
        """CREATE OR REPLACE TEMP TABLE __d_home AS
        SELECT e.src AS person, e.dst AS location, le.latitude AS lat, le.longitude AS lon, e.source_id, e.ref
        FROM graph_edges e JOIN location_entities le ON le.entity_id = e.dst
        WHERE e.type = 'resides-at' AND e.src LIKE 'P-%' AND le.latitude IS NOT NULL
        QUALIFY row_number() OVER (PARTITION BY e.src ORDER BY e.until DESC NULLS FIRST, e.since DESC NULLS LAST, e.dst, e.source_id, e.ref) = 1"""
    )


def _families(engine: Engine) -> None:
    """``__d_family``: each person joined to others by family links, with the least id of their family.

    The components are found by igraph on the family edges only (a small,
    bounded part of the graph, collected to this process).
    """
    fam = ", ".join(f"'{r}'" for r in FAMILY_ROLES)
    engine.execute("CREATE OR REPLACE TEMP TABLE __d_family (entity_id VARCHAR, family_id VARCHAR)")
    pairs = engine.fetchall(
        f"SELECT src, dst FROM graph_edges WHERE type IN ({fam}) AND src LIKE 'P-%' AND dst LIKE 'P-%'"
    )
    if not pairs:
        return
    names = sorted({p for pair in pairs for p in pair})
    index = {n: i for i, n in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in pairs])
    rows = [(names[v], names[min(comp)]) for comp in g.connected_components() for v in comp]
    engine.insert_rows("__d_family", ("entity_id", "family_id"), rows)


def cleanup(engine: Engine) -> None:
    """Drop the shared working tables."""
    for name in ("__d_person", "__d_family", "__d_pe", "__d_home"):
        engine.drop_table(name)
