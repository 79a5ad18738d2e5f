"""Load, in SQL, what action generation needs to know about each network.

Reads the assess tables (network_scores, network_evidence, safeguarding_list),
the detect tables (networks, network_members) and the resolve tables
(person_entities, organisation_entities, object_entities, location_entities).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from toex import reference
from toex.engine import Engine, as_engine
from toex.store import Store
from toex.task.owner import Owner, owner_for

TASKING_FILE = Path(__file__).resolve().parent / "tasking.yaml"


@cache
def tasking_rules() -> dict[str, Any]:
    """The parsed ``tasking.yaml``."""
    data: dict[str, Any] = yaml.safe_load(TASKING_FILE.read_text(encoding="utf-8"))
    return data


@dataclass(frozen=True)
class Offence:
    """Offences of one code recorded against one person."""

    code: str
    description: str
    count: int
    forces: tuple[str, ...]
    refs: tuple[str, ...]
    as_child: bool


@dataclass
class Person:
    """A person member with what the actions need."""

    entity_id: str
    name: str
    role: str
    age: int | None = None
    is_child: bool = False
    nrm_referred: bool = False
    home_force: str | None = None
    home_area: str | None = None
    offences: list[Offence] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """Name and id, e.g. 'Jo Bloggs (P-000001)'."""
        return f"{self.name} ({self.entity_id})" if self.name else self.entity_id


@dataclass(frozen=True)
class Thing:
    """A non-person member: organisation, phone, vehicle, account or place."""

    entity_id: str
    kind: str
    role: str
    label: str
    detail: str = ""


@dataclass
class NetworkContext:
    """Everything about one network that tasking reads."""

    network_id: str
    threats: tuple[str, ...]
    forces: tuple[str, ...]
    regions: tuple[str, ...]
    owner: Owner
    score: float = 0.0
    people: list[Person] = field(default_factory=list)
    things: list[Thing] = field(default_factory=list)
    graded_items: int = 0
    low_grade_items: int = 0

    def people_in(self, *roles: str) -> list[Person]:
        """People in the given roles, by id."""
        return [p for p in self.people if p.role in roles]

    def things_in(self, kind: str, *roles: str) -> list[Thing]:
        """Things of a kind (organisation, phone, vehicle, account, location) in the given roles."""
        return [t for t in self.things if t.kind == kind and (not roles or t.role in roles)]


def _list(value: Any) -> tuple[str, ...]:
    """A list column (a list, or a JSON/';'-separated string)."""
    if value is None:
        return ()
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value if v)
    text = str(value).strip()
    if text.startswith("["):
        try:
            parsed = json.loads(text)
            return tuple(str(v) for v in parsed if v)
        except (json.JSONDecodeError, TypeError):
            pass
    return tuple(p.strip() for p in text.replace(";", ",").split(",") if p.strip())


def load_contexts(store: Store | Engine) -> dict[str, NetworkContext]:
    """A context per scored network (in rank order)."""
    engine = as_engine(store)
    contexts: dict[str, NetworkContext] = {}
    for network_id, threats, forces, regions, score in engine.fetchall(
        "SELECT s.network_id, n.threats, n.forces, n.regions, s.score FROM network_scores s "
        "JOIN networks n USING (network_id) ORDER BY s.rank"
    ):
        # detect's geography (where the exploitation activity happens): members' other records do not widen it
        all_forces = tuple(sorted({f for f in _list(forces) if f in reference.force_ids()}))
        contexts[network_id] = NetworkContext(network_id, _list(threats), all_forces, _list(regions),
                                              owner_for(all_forces), float(score))
    _load_people(engine, contexts)
    _load_offences(engine, contexts)
    _load_things(engine, contexts)
    for network_id, graded, low in engine.fetchall(
        "SELECT network_id, count(*) FILTER (WHERE grade_source IS NOT NULL OR grade_intel IS NOT NULL), "
        "count(*) FILTER (WHERE grade_source = '3' OR grade_intel IN ('C', 'D', 'E')) FROM network_evidence "
        "WHERE kind = 'intelligence' GROUP BY network_id"
    ):
        if network_id in contexts:
            contexts[network_id].graded_items, contexts[network_id].low_grade_items = int(graded), int(low)
    return contexts


def _load_people(engine: Engine, contexts: dict[str, NetworkContext]) -> None:
    refs = engine.dialect.sorted_set_agg("source_id || ':' || ref")
    rows = engine.fetchall(
        f"""
        SELECT nm.network_id, nm.entity_id, nm.role,
               trim(coalesce(pe.forenames, '') || ' ' || coalesce(pe.surname, '')),
               coalesce(sg.age, nm.age), coalesce(sg.is_child, nm.age < 18, false),
               coalesce(sg.nrm_referred, false), sg.home_force, sg.home_area, ev.refs[1:5]
        FROM network_members nm
        LEFT JOIN person_entities pe ON pe.entity_id = nm.entity_id
        LEFT JOIN safeguarding_list sg ON sg.entity_id = nm.entity_id
        LEFT JOIN (SELECT network_id, entity_id, {refs} AS refs FROM network_evidence
                   GROUP BY network_id, entity_id) ev ON ev.network_id = nm.network_id AND ev.entity_id = nm.entity_id
        WHERE nm.kind = 'person' ORDER BY nm.network_id, nm.entity_id
        """
    )
    for network_id, eid, role, name, age, child, nrm, home_force, home_area, refs in rows:
        ctx = contexts.get(network_id)
        if ctx is not None:
            ctx.people.append(Person(eid, name or "", role or "associate", age, bool(child), bool(nrm),
                                     home_force, home_area, evidence=list(refs or [])))


def _load_offences(engine: Engine, contexts: dict[str, NetworkContext]) -> None:
    d = engine.dialect
    rows = engine.fetchall(
        f"""
        SELECT ev.network_id, ev.entity_id, ev.offence_code, coalesce(oc.description, ev.category, ev.offence_code),
               count(DISTINCT ev.source_id || ':' || ev.ref), {d.sorted_set_agg('ev.force')},
               {d.sorted_set_agg("ev.source_id || ':' || ev.ref")}, bool_or(ev.age_at_event < 18)
        FROM network_evidence ev
        LEFT JOIN ref_offence_codes oc ON oc.offence_code = ev.offence_code
        WHERE ev.kind = 'offence' AND ev.link_role IN ('suspect', 'offender')
        GROUP BY ev.network_id, ev.entity_id, ev.offence_code, coalesce(oc.description, ev.category, ev.offence_code)
        ORDER BY 1, 2, 3
        """
    )
    index = {(nid, p.entity_id): p for nid, c in contexts.items() for p in c.people}
    for network_id, eid, code, desc, count, forces, refs, as_child in rows:
        person = index.get((network_id, eid))
        if person is not None:
            person.offences.append(Offence(str(code or "?"), str(desc or code or "offence"), int(count),
                                           tuple(sorted(forces or [])), tuple(sorted(refs or [])[:5]), bool(as_child)))


def _load_things(engine: Engine, contexts: dict[str, NetworkContext]) -> None:
    org = "organisation_entities" if engine.table_exists("organisation_entities") else None
    rows = engine.fetchall(
        f"""
        SELECT nm.network_id, nm.entity_id, nm.kind, nm.role,
               CASE nm.kind WHEN 'organisation' THEN {'o.name' if org else 'NULL'}
                            WHEN 'object' THEN ob.value
                            WHEN 'location' THEN concat_ws(', ', le.address, le.town, le.postcode) END,
               CASE nm.kind WHEN 'organisation' THEN {"concat_ws(' ', 'company ' || o.company_number, 'SIC ' || o.sic_code)" if org else "NULL"}
                            WHEN 'object' THEN ob.kind WHEN 'location' THEN le.kind END
        FROM network_members nm
        {'LEFT JOIN organisation_entities o ON o.entity_id = nm.entity_id' if org else ''}
        LEFT JOIN object_entities ob ON ob.entity_id = nm.entity_id
        LEFT JOIN location_entities le ON le.entity_id = nm.entity_id
        WHERE nm.kind <> 'person' ORDER BY nm.network_id, nm.entity_id
        """
    )
    for network_id, eid, kind, role, label, detail in rows:
        ctx = contexts.get(network_id)
        if ctx is None:
            continue
        sub = kind
        if kind == "object":
            sub = {"phone": "phone", "vehicle": "vehicle", "bank-account": "account"}.get(str(detail or ""), "object")
        ctx.things.append(Thing(eid, sub, role or "associate", str(label or eid), str(detail or "")))
