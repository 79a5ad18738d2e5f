"""Build ``graph_nodes`` and ``graph_edges`` from the resolved tables, events and links.

Everything here is SQL over the store (no row-by-row Python). Nodes are the
resolved entities (``P-``, ``L-``, ``T-``, ``O-``) and the events that anything
links to (``E:<source_id>:<ref>``). Edges are typed, time-bounded and carry
their provenance ``(source_id, ref)`` and the 3x5x2 grade of intelligence:

- *base* edges, one per link record, keep the link's role as type and its
  direction (``P -suspect-> E``, ``P -director-of-> O``, ``O -trades-at-> L``,
  ``P -found-at-> L``, ``E -involves-> T``, ``E -at-> L`` ...);
- *derived* person-person edges fold events, places and objects into the
  relations the detectors reason on: ``co-offending`` (suspects/offenders of
  one offence), ``intel-co-subject`` (subjects of one intelligence report,
  graded), ``offended-against`` (suspect -> victim of one offence; directed),
  ``co-residence`` (same address, overlapping periods) and ``shared-phone`` /
  ``shared-vehicle`` / ``shared-account`` / ``shared-object``.

Places and objects with more than ``max_shared`` people are hubs (a hostel, a
big employer's site, a call-centre phone): they keep their base edges but give
no derived pairs, which would be quadratic and meaningless.
"""

from __future__ import annotations

from dataclasses import dataclass

from toex.engine import Engine, as_engine
from toex.store import Store

#: Weight of the source-evaluation digit of a 3x5x2 grade (1 reliable, 2 untested, 3 not reliable).
SOURCE_WEIGHT = {"1": 1.0, "2": 0.7, "3": 0.4}
#: Weight of the intelligence-assessment letter (A known directly ... E suspected false).
INTEL_WEIGHT = {"A": 1.0, "B": 0.85, "C": 0.6, "D": 0.4, "E": 0.05}

#: Link roles that put a person at a place for co-residence.
RESIDENCE_ROLES = ("resides-at", "stays-at")
#: Link roles that tie a person to an object.
OBJECT_ROLES = ("uses", "keeper", "holds")
#: Link roles of a person who committed (or is suspected of) an offence.
OFFENDER_ROLES = ("suspect", "offender")


@dataclass(frozen=True)
class GraphCounts:
    """What a build wrote."""

    nodes: int
    edges: int
    derived: int


def _weight_sql(grading: str) -> str:
    src = " ".join(f"WHEN '{k}' THEN {v}" for k, v in SOURCE_WEIGHT.items())
    intel = " ".join(f"WHEN '{k}' THEN {v}" for k, v in INTEL_WEIGHT.items())
    return (
        f"CASE WHEN {grading} IS NULL THEN 1.0 ELSE "
        f"coalesce(CASE substr({grading}, 1, 1) {src} END, 0.5) * "
        f"coalesce(CASE substr({grading}, 2, 1) {intel} END, 0.5) END"
    )


def _event_id(source: str, ref: str) -> str:
    return f"'E:' || {source} || ':' || {ref}"


_NODES_SQL = f"""
INSERT INTO graph_nodes
SELECT e.entity_id, e.kind, e.label,
       coalesce(le.kind, oe.kind), NULL, NULL
FROM entities e
LEFT JOIN location_entities le ON le.entity_id = e.entity_id
LEFT JOIN object_entities oe ON oe.entity_id = e.entity_id
UNION ALL
SELECT {_event_id('ev.source_id', 'ev.ref')}, 'event',
       coalesce(ev.offence_code, ev.category, ev.kind), ev.kind, ev.force, ev.occurred_from
FROM events ev
LEFT JOIN (SELECT DISTINCT source_id, from_ref AS ref FROM links WHERE from_kind = 'event'
           UNION SELECT source_id, to_ref FROM links WHERE to_kind = 'event') linked
       ON linked.source_id = ev.source_id AND linked.ref = ev.ref
WHERE ev.location_ref IS NOT NULL OR linked.ref IS NOT NULL
"""

# One row per link whose two ends resolve: entity ids for entities, E: ids for events.
_LINK_ENDS_SQL = f"""
CREATE OR REPLACE TEMP TABLE __g_links AS
SELECT l.source_id, l.role, l.from_kind, l.to_kind, l.from_ref, l.to_ref, l.since, l.until,
       CASE WHEN l.from_kind = 'event' THEN {_event_id('l.source_id', 'l.from_ref')} ELSE rf.entity_id END AS src,
       CASE WHEN l.to_kind = 'event' THEN {_event_id('l.source_id', 'l.to_ref')} ELSE rt.entity_id END AS dst,
       CASE WHEN l.to_kind = 'event' THEN l.to_ref WHEN l.from_kind = 'event' THEN l.from_ref
            ELSE l.from_ref END AS ref,
       ev.kind AS event_kind, ev.occurred_from AS occurred, ev.grading, ev.offence_code
FROM links l
LEFT JOIN entity_records rf ON l.from_kind <> 'event' AND rf.source_id = l.source_id AND rf.ref = l.from_ref
LEFT JOIN entity_records rt ON l.to_kind <> 'event' AND rt.source_id = l.source_id AND rt.ref = l.to_ref
LEFT JOIN events ev ON ev.source_id = l.source_id
     AND ev.ref = CASE WHEN l.to_kind = 'event' THEN l.to_ref WHEN l.from_kind = 'event' THEN l.from_ref END
"""

_BASE_EDGES_SQL = f"""
INSERT INTO graph_edges
SELECT src, dst, role,
       coalesce(since, CAST(occurred AS DATE)), coalesce(until, CAST(occurred AS DATE)),
       source_id, ref, grading, {_weight_sql('grading')}, false
FROM __g_links WHERE src IS NOT NULL AND dst IS NOT NULL
UNION ALL
SELECT {_event_id('ev.source_id', 'ev.ref')}, r.entity_id, 'at',
       CAST(ev.occurred_from AS DATE), CAST(coalesce(ev.occurred_to, ev.occurred_from) AS DATE),
       ev.source_id, ev.ref, ev.grading, {_weight_sql('ev.grading')}, false
FROM events ev JOIN entity_records r ON r.source_id = ev.source_id AND r.ref = ev.location_ref
"""


def _pairs_over_events_sql(roles_l: tuple[str, ...], roles_r: tuple[str, ...], kinds: tuple[str, ...],
                           edge_type: str, ordered: bool) -> str:
    """Person pairs that share one event: both ends among the given roles of an event of the given kinds."""
    rl = ", ".join(f"'{r}'" for r in roles_l)
    rr = ", ".join(f"'{r}'" for r in roles_r)
    ks = ", ".join(f"'{k}'" for k in kinds)
    pair = "a.src <> b.src" if ordered else "a.src < b.src"
    return f"""
INSERT INTO graph_edges
SELECT DISTINCT a.src, b.src, '{edge_type}', CAST(a.occurred AS DATE), CAST(a.occurred AS DATE),
       a.source_id, a.ref, a.grading, {_weight_sql('a.grading')}, true
FROM __g_links a JOIN __g_links b ON a.dst = b.dst AND {pair}
WHERE a.from_kind = 'person' AND b.from_kind = 'person' AND a.to_kind = 'event'
  AND a.role IN ({rl}) AND b.role IN ({rr}) AND a.event_kind IN ({ks})
  AND a.src IS NOT NULL AND b.src IS NOT NULL
"""


def _shared_sql(max_shared: int) -> list[str]:
    res = ", ".join(f"'{r}'" for r in RESIDENCE_ROLES)
    obj = ", ".join(f"'{r}'" for r in OBJECT_ROLES)
    return [f"""
CREATE OR REPLACE TEMP TABLE __g_ties AS
SELECT src AS person, dst AS thing, role, since, until, source_id, ref,
       CASE WHEN role IN ({res}) THEN 'co-residence'
            ELSE CASE oe.kind WHEN 'phone' THEN 'shared-phone' WHEN 'vehicle' THEN 'shared-vehicle'
                              WHEN 'bank-account' THEN 'shared-account' ELSE 'shared-object' END END AS tie
FROM __g_links g LEFT JOIN object_entities oe ON oe.entity_id = g.dst
WHERE g.from_kind = 'person' AND g.src IS NOT NULL AND g.dst IS NOT NULL
  AND (g.role IN ({res}) OR g.role IN ({obj}))""", f"""
CREATE OR REPLACE TEMP TABLE __g_hub_things AS
SELECT thing FROM __g_ties GROUP BY thing HAVING count(DISTINCT person) > {int(max_shared)}""", """
INSERT INTO graph_edges
SELECT a.person, b.person, a.tie,
       greatest(coalesce(a.since, b.since), coalesce(b.since, a.since)),
       least(coalesce(a.until, b.until), coalesce(b.until, a.until)),
       a.source_id, a.ref, NULL, 1.0, true
FROM __g_ties a JOIN __g_ties b ON a.thing = b.thing AND a.person < b.person AND a.tie = b.tie
WHERE a.thing NOT IN (SELECT thing FROM __g_hub_things)
  AND (a.until IS NULL OR b.since IS NULL OR a.until >= b.since)
  AND (b.until IS NULL OR a.since IS NULL OR b.until >= a.since)
QUALIFY row_number() OVER (PARTITION BY a.person, b.person, a.tie, a.thing ORDER BY a.since NULLS LAST, a.source_id, a.ref, b.source_id, b.ref) = 1
"""]


def build_graph(target: Store | Engine, max_shared: int = 50) -> GraphCounts:
    """Replace ``graph_nodes`` and ``graph_edges`` (call inside the run's transaction)."""
    engine = as_engine(target)
    engine.execute("DELETE FROM graph_nodes")
    engine.execute("DELETE FROM graph_edges")
    engine.execute(_NODES_SQL)
    engine.execute(_LINK_ENDS_SQL)
    engine.execute(_BASE_EDGES_SQL)
    engine.execute(_pairs_over_events_sql(OFFENDER_ROLES, OFFENDER_ROLES, ("offence",), "co-offending", False))
    engine.execute(_pairs_over_events_sql(("subject",), ("subject",), ("intelligence",), "intel-co-subject", False))
    engine.execute(_pairs_over_events_sql(OFFENDER_ROLES, ("victim",), ("offence",), "offended-against", True))
    for statement in _shared_sql(max_shared):
        engine.execute(statement)
    nodes = engine.count("graph_nodes")
    edges, derived = engine.fetchall("SELECT count(*), count(*) FILTER (WHERE derived) FROM graph_edges")[0]
    for temp in ("__g_links", "__g_ties", "__g_hub_things"):
        engine.drop_table(temp)
    return GraphCounts(nodes, int(edges), int(derived))
