"""FollowTheMoney entities (NDJSON) for the networks' members and their relationships.

Built and validated with the followthemoney library: each entity is made as
a proxy and checked with ``schema.validate``. Mapping:

- person -> ``Person`` (names, date of birth, phones used, home ``addressEntity``;
  never nationality or ethnicity);
- location -> ``Address``; organisation -> ``Company`` (with a company number) or
  ``Organization``; vehicle -> ``Vehicle``; bank account -> ``BankAccount``;
- phone -> FtM has no Phone schema: the number goes on each user's ``phone``
  property and a ``UserAccount`` (service "phone") stands for the handset line;
- edges -> ``Directorship``, ``Ownership``, ``Employment``, ``Family``,
  ``Associate``, else ``UnknownLink`` (with the edge type as ``role``).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from toex.engine import Engine, as_engine
from toex.share.graph import member_edges, member_nodes
from toex.store import Store

_EDGE_SCHEMA: dict[str, tuple[str, str, str]] = {
    "director-of": ("Directorship", "director", "organization"),
    "controls": ("Ownership", "owner", "asset"),
    "employed-by": ("Employment", "employee", "employer"),
    "family-of": ("Family", "person", "relative"),
    "parent-of": ("Family", "person", "relative"),
    "partner-of": ("Family", "person", "relative"),
    "associate-of": ("Associate", "person", "associate"),
    "co-offended": ("Associate", "person", "associate"),
}


class FtmValidationError(ValueError):
    """An entity failed FollowTheMoney validation."""


def _make(schema: str, entity_id: str, **props: Any) -> EntityProxy:
    proxy = model.make_entity(schema)
    proxy.id = entity_id
    for prop, value in props.items():
        if value is None or value == "" or value == []:
            continue
        for v in value if isinstance(value, list) else [value]:
            if v is not None and str(v) != "":
                proxy.add(prop, str(v), quiet=True)
    return proxy


def validate(proxy: EntityProxy) -> None:
    """Raise FtmValidationError if the library rejects the entity."""
    try:
        proxy.schema.validate(proxy.to_dict())  # type: ignore[arg-type]
    except Exception as exc:  # followthemoney raises InvalidData
        raise FtmValidationError(f"{proxy.id} ({proxy.schema.name}): {exc}") from exc


def build_entities(store: Store | Engine, network_id: str | None = None, *, exclude_handling_c: bool = False) -> list[EntityProxy]:
    """FtM proxies for the members of one network (or all) and the edges between them."""
    engine = as_engine(store)
    nodes = member_nodes(engine, network_id)
    details = _details(engine, set(nodes))
    proxies: dict[str, EntityProxy] = {}
    for eid, attrs in nodes.items():
        proxy = _entity(eid, attrs, details.get(eid, {}))
        if proxy is not None:
            proxies[eid] = proxy
    edges = member_edges(engine, set(nodes), exclude_handling_c=exclude_handling_c)
    phone_users: dict[str, list[str]] = {}
    rels: list[EntityProxy] = []
    for e in edges:
        src, dst = proxies.get(e["src"]), proxies.get(e["dst"])
        if src is None or dst is None:
            continue
        if dst.schema.name == "UserAccount" and src.schema.name == "Person":
            dst.add("owner", src.id)
            phone_users.setdefault(e["src"], []).extend(dst.get("username"))
        if dst.schema.name == "Address" and e["type"] in ("resides-at", "stays-at"):
            src.add("addressEntity", dst.id, quiet=True)
        rels.append(_relationship(e, src, dst))
    for person, numbers in phone_users.items():
        for number in numbers:
            proxies[person].add("phone", number, quiet=True)
    out = [*proxies.values(), *rels]
    for proxy in out:
        validate(proxy)
    return out


def _details(engine: Engine, ids: set[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for eid, fn, sn, dob, dob_year in engine.fetchall(
        "SELECT entity_id, forenames, surname, CAST(dob AS VARCHAR), dob_year FROM person_entities"):
        if eid in ids:
            out[eid] = {"firstName": fn, "lastName": sn, "birthDate": dob or (str(dob_year) if dob_year else None)}
    for eid, address, town, postcode, lat, lon in engine.fetchall(
        "SELECT entity_id, address, town, postcode, latitude, longitude FROM location_entities"):
        if eid in ids:
            out[eid] = {"street": address, "city": town, "postalCode": postcode, "latitude": lat, "longitude": lon,
                        "full": ", ".join(p for p in (address, town, postcode) if p)}
    for eid, name, number, sic, inc, dis in engine.fetchall(
        "SELECT entity_id, name, company_number, sic_code, CAST(incorporated AS VARCHAR), CAST(dissolved AS VARCHAR) "
        "FROM organisation_entities"):
        if eid in ids:
            out[eid] = {"name": name, "registrationNumber": number, "classification": sic, "incorporationDate": inc,
                        "dissolutionDate": dis}
    for eid, kind, value in engine.fetchall("SELECT entity_id, kind, value FROM object_entities"):
        if eid in ids:
            out[eid] = {"object_kind": kind, "value": value}
    return out


def _entity(eid: str, attrs: dict[str, Any], d: dict[str, Any]) -> EntityProxy | None:
    kind = attrs["kind"]
    note = f"toex role: {attrs['role']} in {attrs['network']}"
    if kind == "person":
        return _make("Person", eid, name=attrs["label"], firstName=d.get("firstName"), lastName=d.get("lastName"),
                     birthDate=d.get("birthDate"), notes=note)
    if kind == "location":
        return _make("Address", eid, full=d.get("full") or attrs["label"], street=d.get("street"), city=d.get("city"),
                     postalCode=d.get("postalCode"), latitude=d.get("latitude"), longitude=d.get("longitude"),
                     country="gb", notes=note)
    if kind == "organisation":
        schema = "Company" if d.get("registrationNumber") else "Organization"
        return _make(schema, eid, name=d.get("name") or attrs["label"], registrationNumber=d.get("registrationNumber"),
                     classification=d.get("classification"), incorporationDate=d.get("incorporationDate"),
                     dissolutionDate=d.get("dissolutionDate"), jurisdiction="gb", notes=note)
    if kind == "object":
        obj_kind, value = d.get("object_kind"), d.get("value") or attrs["label"]
        if obj_kind == "vehicle":
            return _make("Vehicle", eid, name=value, registrationNumber=value, notes=note)
        if obj_kind == "bank-account":
            return _make("BankAccount", eid, name=value, accountNumber=value, notes=note)
        if obj_kind == "phone":
            return _make("UserAccount", eid, name=value, username=value, service="phone", phone=value, notes=note)
        return _make("UserAccount", eid, name=value, username=value, service=obj_kind or "object", notes=note)
    return None


def _relationship(e: dict[str, Any], src: EntityProxy, dst: EntityProxy) -> EntityProxy:
    rel_id = "rel-" + hashlib.sha256(
        f"{e['src']}|{e['dst']}|{e['type']}|{e['source_id']}|{e['ref']}".encode()).hexdigest()[:16]
    common = {"startDate": e["since"], "endDate": e["until"],
              "recordId": f"{e['source_id']}:{e['ref']}" if e["source_id"] else None,
              "description": f"grading {e['grading']}" if e["grading"] else None}
    spec = _EDGE_SCHEMA.get(e["type"])
    if spec is not None:
        schema, a, b = spec
        range_a = model.get(schema).properties[a].range  # type: ignore[union-attr]
        range_b = model.get(schema).properties[b].range  # type: ignore[union-attr]
        if range_a is not None and range_b is not None and src.schema.is_a(range_a) and dst.schema.is_a(range_b):
            extra = {"relationship": e["type"]} if schema in ("Family", "Associate") else {"role": e["type"]}
            return _make(schema, rel_id, **{a: src.id, b: dst.id}, **extra, **common)
    return _make("UnknownLink", rel_id, subject=src.id, object=dst.id, role=e["type"], **common)


def write_ftm(store: Store | Engine, path: Path, network_id: str | None = None, *, exclude_handling_c: bool = False) -> int:
    """Write NDJSON entities; return how many."""
    engine = as_engine(store)
    entities = build_entities(engine, network_id, exclude_handling_c=exclude_handling_c)
    with path.open("w", encoding="utf-8") as handle:
        for proxy in entities:
            handle.write(json.dumps(proxy.to_dict(), sort_keys=True, ensure_ascii=False) + "\n")
    return len(entities)
