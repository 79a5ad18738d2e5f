"""A small threat picture written straight into a store: canonical, resolve and detect tables.

Three networks:
- N-0001 county lines / CCE across suffolk, dorset, south-wales, metropolitan
  (national): an adult organiser, two exploited children who shoplift, a deal
  line, a cuckooed flat and a nail bar front; missing episodes; an NRM referral.
- N-0002 a decoy adult burglary crew in kent and essex (regional: ersou).
- N-0003 modern slavery in norfolk only (local): an organiser, two exploited
  adults at an HMO, a hand car wash front.
The input tables are created only when an earlier stage's migration has not.
"""

from __future__ import annotations

from typing import Any

from toex.store import Store

SOURCE = "test-src"

_INPUT_DDL = {
    "entity_records": "CREATE TABLE IF NOT EXISTS entity_records (kind VARCHAR, source_id VARCHAR, ref VARCHAR, entity_id VARCHAR)",
    "entities": "CREATE TABLE IF NOT EXISTS entities (entity_id VARCHAR, kind VARCHAR, label VARCHAR, records BIGINT, sources VARCHAR[])",
    "person_entities": "CREATE TABLE IF NOT EXISTS person_entities (entity_id VARCHAR, forenames VARCHAR, surname VARCHAR, dob DATE, dob_year SMALLINT, sex VARCHAR, pnc_id VARCHAR, records BIGINT, sources VARCHAR[])",
    "location_entities": "CREATE TABLE IF NOT EXISTS location_entities (entity_id VARCHAR, building_id VARCHAR, address VARCHAR, town VARCHAR, postcode VARCHAR, latitude DOUBLE, longitude DOUBLE, kind VARCHAR)",
    "object_entities": "CREATE TABLE IF NOT EXISTS object_entities (entity_id VARCHAR, kind VARCHAR, value VARCHAR)",
    "organisation_entities": "CREATE TABLE IF NOT EXISTS organisation_entities (entity_id VARCHAR, name VARCHAR, company_number VARCHAR, sic_code VARCHAR, incorporated DATE, dissolved DATE)",
    "graph_nodes": "CREATE TABLE IF NOT EXISTS graph_nodes (node_id VARCHAR, kind VARCHAR, label VARCHAR)",
    "graph_edges": "CREATE TABLE IF NOT EXISTS graph_edges (src VARCHAR, dst VARCHAR, type VARCHAR, since DATE, until DATE, source_id VARCHAR, ref VARCHAR, grading VARCHAR, weight DOUBLE)",
    "trend_alerts": "CREATE TABLE IF NOT EXISTS trend_alerts (alert_id VARCHAR, force VARCHAR, offence_code VARCHAR, category VARCHAR, grp VARCHAR, period_from DATE, period_to DATE, observed BIGINT, expected DOUBLE, score DOUBLE, p_value DOUBLE, summary VARCHAR)",
    "travelling_groups": "CREATE TABLE IF NOT EXISTS travelling_groups (group_id VARCHAR, members VARCHAR[], forces VARCHAR[], period_from DATE, period_to DATE, events BIGINT, mobility_score DOUBLE, summary VARCHAR)",
    "person_indicators": "CREATE TABLE IF NOT EXISTS person_indicators (entity_id VARCHAR, indicator VARCHAR, weight DOUBLE, evidence JSON)",
    "networks": "CREATE TABLE IF NOT EXISTS networks (network_id VARCHAR, threats VARCHAR[], forces VARCHAR[], regions VARCHAR[], summary VARCHAR)",
    "network_members": "CREATE TABLE IF NOT EXISTS network_members (network_id VARCHAR, entity_id VARCHAR, kind VARCHAR, role VARCHAR, evidence JSON)",
}

# entity_id, forenames, surname, dob, home location entity, role per network
PEOPLE = [
    ("P-000001", "Marcus", "Organiser", "1990-03-01", "L-000001"),
    ("P-000002", "Tia", "Runner", "2010-01-15", "L-000003"),
    ("P-000003", "Kai", "Young", "2011-05-20", "L-000003"),
    ("P-000010", "Dave", "Burgle", "1980-01-01", "L-000010"),
    ("P-000011", "Steve", "Burgle", "1982-01-01", "L-000010"),
    ("P-000020", "Andrei", "Worker", "1995-02-02", "L-000020"),
    ("P-000021", "Ion", "Labourer", "1996-02-02", "L-000020"),
    ("P-000022", "Gang", "Master", "1975-02-02", "L-000021"),
    ("P-000030", "=HYPERLINK(\"http://x\")", "<script>alert(1)</script>", "2009-07-07", "L-000003"),
]
LOCATIONS = [
    ("L-000001", "1 Mile End Road", "London", "E1 4AA", 51.52, -0.05, "residential"),
    ("L-000002", "Flat 3, 9 Quay Street", "Ipswich", "IP4 1AA", 52.05, 1.16, "residential"),
    ("L-000003", "22 Norwich Road", "Ipswich", "IP1 2AA", 52.06, 1.14, "residential"),
    ("L-000010", "5 High Street", "Maidstone", "ME14 1AA", 51.27, 0.52, "residential"),
    ("L-000020", "40 King Street", "Norwich", "NR1 1AA", 52.63, 1.30, "hmo"),
    ("L-000021", "2 Cathedral Close", "Norwich", "NR1 4AA", 52.63, 1.30, "residential"),
]
OBJECTS = [("T-000001", "phone", "+447700900001")]
ORGS = [
    ("O-000001", "Glam Nails Ltd", "08123456", "96020"),
    ("O-000002", "Sparkle Hand Car Wash Ltd", "09123456", "45200"),
]
# network_id, threats, forces, regions
NETWORKS = [
    ("N-0001", ["county-lines", "child-criminal-exploitation"], ["suffolk", "metropolitan"], ["ersou", "london"]),
    ("N-0002", ["other"], ["kent", "essex"], ["ersou"]),
    ("N-0003", ["modern-slavery"], ["norfolk"], ["ersou"]),
]
MEMBERS = [
    ("N-0001", "P-000001", "person", "organiser"),
    ("N-0001", "P-000002", "person", "exploited"),
    ("N-0001", "P-000003", "person", "exploited"),
    ("N-0001", "T-000001", "object", "facilitator"),
    ("N-0001", "L-000002", "location", "facilitator"),
    ("N-0001", "O-000001", "organisation", "front"),
    ("N-0002", "P-000010", "person", "associate"),
    ("N-0002", "P-000011", "person", "associate"),
    ("N-0003", "P-000022", "person", "organiser"),
    ("N-0003", "P-000020", "person", "exploited"),
    ("N-0003", "P-000021", "person", "exploited"),
    ("N-0003", "L-000020", "location", "facilitator"),
    ("N-0003", "O-000002", "organisation", "front"),
]
# ref, kind, date, force, offence_code, grading (source, intel, handling), people with link role
EVENTS: list[tuple[str, str, str, str, str | None, tuple[str, str, str] | None, list[tuple[str, str]]]] = [
    ("E1", "offence", "2025-05-01", "suffolk", "46", None, [("P-000002", "offender"), ("P-000003", "offender")]),
    ("E2", "offence", "2025-05-20", "dorset", "46", None, [("P-000002", "offender")]),
    ("E3", "offence", "2025-06-02", "south-wales", "46", None, [("P-000003", "offender")]),
    ("E4", "offence", "2025-06-10", "metropolitan", "92A", None, [("P-000001", "suspect"), ("P-000002", "offender")]),
    ("E5", "missing-episode", "2025-04-01", "suffolk", None, None, [("P-000002", "missing-person")]),
    ("E6", "missing-episode", "2025-05-19", "suffolk", None, None, [("P-000002", "missing-person")]),
    ("E7", "missing-episode", "2025-06-01", "suffolk", None, None, [("P-000003", "missing-person")]),
    ("E8", "intelligence", "2025-06-15", "metropolitan", None, ("1", "B", "P"), [("P-000001", "subject")]),
    ("E9", "intelligence", "2025-06-16", "suffolk", None, ("3", "D", "C"), [("P-000001", "subject")]),
    ("E10", "nrm-referral", "2025-06-20", "suffolk", None, None, [("P-000003", "subject")]),
    ("E20", "offence", "2024-01-10", "kent", "28E", None, [("P-000010", "offender"), ("P-000011", "offender")]),
    ("E21", "offence", "2024-02-10", "essex", "28E", None, [("P-000010", "offender")]),
    ("E30", "offence", "2025-03-01", "norfolk", "106", None, [("P-000022", "suspect"), ("P-000020", "victim"), ("P-000021", "victim")]),
    ("E31", "intelligence", "2025-06-30", "norfolk", None, ("2", "B", "P"), [("P-000022", "subject")]),
]
INDICATORS = [
    ("P-000002", "CHILD_OFFENDING_ACROSS_FORCES", 1.0),
    ("P-000002", "REPEAT_MISSING", 0.5),
    ("P-000003", "NRM_REFERRAL", 2.0),
    ("P-000020", "CROWDED_UNRELATED_ADDRESS", 1.0),
    ("P-000021", "CROWDED_UNRELATED_ADDRESS", 1.0),
    ("P-000030", "FOUND_AT_ADULT_ADDRESS", 1.5),
]


def _ensure_inputs(store: Store) -> None:
    for table, ddl in _INPUT_DDL.items():
        if not store.table_exists(table):
            store.execute(ddl)


def _ins(store: Store, table: str, row: dict[str, Any]) -> None:
    cols = ", ".join(f'"{c}"' for c in row)
    store.execute(f"INSERT INTO {table} ({cols}) VALUES ({', '.join('?' * len(row))})", list(row.values()))


def build_picture(store: Store, *, events: list[Any] | None = None) -> None:
    """Write the whole picture (canonical + resolve + detect tables)."""
    _ensure_inputs(store)
    for eid, fn, sn, dob, _home in PEOPLE:
        ref = "r" + eid
        _ins(store, "persons", {"source_id": SOURCE, "ref": ref, "load_id": "t", "forenames": fn, "surname": sn,
                                "dob": dob, "dob_year": int(dob[:4])})
        _ins(store, "entity_records", {"kind": "person", "source_id": SOURCE, "ref": ref, "entity_id": eid})
        _ins(store, "person_entities", {"entity_id": eid, "forenames": fn, "surname": sn, "dob": dob, "dob_year": int(dob[:4])})
        _ins(store, "links", {"source_id": SOURCE, "load_id": "t", "from_ref": ref, "to_ref": "r" + _home,
                              "from_kind": "person", "to_kind": "location", "role": "resides-at"})
    for eid, addr, town, pc, lat, lon, kind in LOCATIONS:
        _ins(store, "locations", {"source_id": SOURCE, "ref": "r" + eid, "load_id": "t", "address": addr, "town": town,
                                  "postcode": pc, "latitude": lat, "longitude": lon, "kind": kind})
        _ins(store, "entity_records", {"kind": "location", "source_id": SOURCE, "ref": "r" + eid, "entity_id": eid})
        _ins(store, "location_entities", {"entity_id": eid, "building_id": eid, "address": addr, "town": town,
                                          "postcode": pc, "latitude": lat, "longitude": lon, "kind": kind})
    for eid, kind, value in OBJECTS:
        _ins(store, "objects", {"source_id": SOURCE, "ref": "r" + eid, "load_id": "t", "kind": kind, "value": value})
        _ins(store, "entity_records", {"kind": "object", "source_id": SOURCE, "ref": "r" + eid, "entity_id": eid})
        _ins(store, "object_entities", {"entity_id": eid, "kind": kind, "value": value})
    for eid, name, number, sic in ORGS:
        _ins(store, "organisations", {"source_id": SOURCE, "ref": "r" + eid, "load_id": "t", "name": name,
                                      "company_number": number, "sic_code": sic})
        _ins(store, "entity_records", {"kind": "organisation", "source_id": SOURCE, "ref": "r" + eid, "entity_id": eid})
        _ins(store, "organisation_entities", {"entity_id": eid, "name": name, "company_number": number, "sic_code": sic})
    add_events(store, events if events is not None else EVENTS)
    _ins(store, "links", {"source_id": SOURCE, "load_id": "t", "from_ref": "rE4", "to_ref": "rT-000001",
                          "from_kind": "event", "to_kind": "object", "role": "involves"})
    for nid, threats, forces, regions in NETWORKS:
        _ins(store, "networks", {"network_id": nid, "threats": threats, "forces": forces, "regions": regions,
                                 "summary": f"detected network {nid}"})
    for nid, eid, kind, role in MEMBERS:
        add_member(store, nid, eid, kind, role)
    for eid, code, weight in INDICATORS:
        _ins(store, "person_indicators", {"entity_id": eid, "indicator": code, "weight": weight,
                                          "evidence": '[{"reason": "test", "source_id": "test-src", "ref": "rE1"}]'})
    _ins(store, "trend_alerts", {"alert_id": "T-0001", "force": "suffolk", "offence_code": "46", "category": "shoplifting",
                                 "grp": "age:10-17", "period_from": "2025-04-01", "period_to": "2025-06-30",
                                 "observed": 40, "expected": 12.5, "score": 6.0, "p_value": 1e-6,
                                 "summary": "Shoplifting by children in Suffolk is 3x expected"})
    _ins(store, "travelling_groups", {"group_id": "G-0001", "members": ["P-000002", "P-000003"],
                                      "forces": ["suffolk", "dorset", "south-wales"], "period_from": "2025-05-01",
                                      "period_to": "2025-06-02", "events": 3, "mobility_score": 0.8,
                                      "summary": "Two children offending together across three forces"})
    _graph(store)


def add_member(store: Store, nid: str, eid: str, kind: str, role: str) -> None:
    """Add a network member (detect's contract columns)."""
    _ins(store, "network_members", {"network_id": nid, "entity_id": eid, "kind": kind, "role": role,
                                    "evidence": f'[{{"reason": "{role}", "source_id": "{SOURCE}", "ref": "r{eid}"}}]'})


def add_events(store: Store, events: list[Any]) -> None:
    """Add events and the person->event links."""
    for ref, kind, day, force, code, grade, people in events:
        row: dict[str, Any] = {"source_id": SOURCE, "ref": "r" + ref, "load_id": "t", "kind": kind,
                               "occurred_from": day, "force": force, "offence_code": code,
                               "description": f"{kind} {ref}"}
        if grade:
            row.update(grade_source=grade[0], grade_intel=grade[1], handling=grade[2],
                       grading=f"{grade[0]}{grade[1]} {grade[2]}")
        _ins(store, "events", row)
        for eid, role in people:
            _ins(store, "links", {"source_id": SOURCE, "load_id": "t", "from_ref": "r" + eid, "to_ref": "r" + ref,
                                  "from_kind": "person", "to_kind": "event", "role": role})


def _graph(store: Store) -> None:
    for eid, fn, sn, *_ in PEOPLE:
        _ins(store, "graph_nodes", {"node_id": eid, "kind": "person", "label": f"{fn} {sn}"})
    for eid, addr, *_ in LOCATIONS:
        _ins(store, "graph_nodes", {"node_id": eid, "kind": "location", "label": addr})
    for eid, _k, value in OBJECTS:
        _ins(store, "graph_nodes", {"node_id": eid, "kind": "object", "label": value})
    for eid, name, *_ in ORGS:
        _ins(store, "graph_nodes", {"node_id": eid, "kind": "organisation", "label": name})
    edges = [
        ("P-000001", "P-000002", "co-offended", "rE4", "1B P"),
        ("P-000002", "P-000003", "co-offended", "rE1", None),
        ("P-000001", "T-000001", "uses", "rE8", "3D C"),
        ("P-000001", "O-000001", "director-of", "rO-000001", None),
        ("P-000002", "L-000002", "frequents", "rE6", None),
        ("P-000010", "P-000011", "co-offended", "rE20", None),
        ("P-000022", "O-000002", "controls", "rE31", "2B P"),
        ("P-000020", "L-000020", "resides-at", "rP-000020", None),
        ("P-000021", "L-000020", "resides-at", "rP-000021", None),
        ("P-000022", "P-000020", "associate-of", "rE30", None),
    ]
    for src, dst, typ, ref, grading in edges:
        _ins(store, "graph_edges", {"src": src, "dst": dst, "type": typ, "since": "2025-01-01", "source_id": SOURCE,
                                    "ref": ref, "grading": grading, "weight": 1.0})
