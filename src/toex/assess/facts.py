"""Gather, in SQL, the facts about each network that the scoring dimensions need.

Reads the detect tables (``networks``, ``network_members``), the resolve tables
(``entity_records``, ``person_entities``, ``location_entities``) and the
canonical ``events`` and ``links``. Writes ``network_evidence``: every record
that links a member to an event, with provenance and 3x5x2 grades. Everything
per record happens in SQL; Python only sees one row of aggregates per network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from toex import reference
from toex.engine import Engine
from toex.errors import StoreError

#: Link roles by which a person is recorded as doing (rather than suffering) an event.
OFFENDING_ROLES = ("suspect", "offender")
#: Canonical exploitation threat vocabulary (threat-picture-export.md).
THREATS = (
    "county-lines", "child-criminal-exploitation", "child-sexual-exploitation",
    "modern-slavery", "human-trafficking", "money-laundering", "other",
)
REQUIRED_TABLES = ("networks", "network_members", "entity_records", "person_entities", "events", "links")


@dataclass(frozen=True)
class Member:
    """One member of a network as detect saw it."""

    entity_id: str
    kind: str
    role: str
    evidence: Any = None


@dataclass(frozen=True)
class OffenceCount:
    """Offences of one Home Office code recorded against members."""

    code: str
    count: int
    by_children: int


@dataclass
class NetworkFacts:
    """Aggregates about one network; the input of every scoring dimension."""

    network_id: str
    threats: tuple[str, ...] = ()
    forces: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    detect_summary: str = ""
    members: tuple[Member, ...] = ()
    offences: tuple[OffenceCount, ...] = ()
    exploited: int = 0
    exploited_children: int = 0
    other_children: int = 0
    victims: int = 0
    missing_episodes: int = 0
    nrm_referred: int = 0
    recent_events: int = 0
    prior_events: int = 0
    grades: tuple[tuple[str | None, str | None], ...] = ()
    recorded_events: int = 0
    sources: int = 0
    names: dict[str, str] = field(default_factory=dict)

    def members_with(self, role: str) -> list[Member]:
        """Members in one role, in id order."""
        return sorted((m for m in self.members if m.role == role), key=lambda m: m.entity_id)


def as_list(value: Any) -> list[str]:
    """A list column as detect wrote it (a list, a JSON array or a ';'/','-separated string)."""
    if value is None:
        return []
    if isinstance(value, list | tuple):
        return [str(v) for v in value if v is not None and str(v) != ""]
    text = str(value).strip()
    if not text:
        return []
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v) for v in parsed if v is not None and str(v) != ""]
    sep = ";" if ";" in text else ","
    return [part.strip() for part in text.split(sep) if part.strip()]


def parse_json(value: Any) -> Any:
    """A JSON column's value, or the text itself when it is not JSON."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


def check_inputs(engine: Engine) -> None:
    """Raise a clear error when an earlier stage has not run."""
    missing = [t for t in REQUIRED_TABLES if not engine.table_exists(t)]
    if missing:
        raise StoreError(
            f"assess needs the tables {', '.join(missing)}: run 'toex ingest', 'toex resolve' and "
            "'toex analyse' first"
        )


def reference_date(engine: Engine) -> date:
    """The picture's 'now': the latest recorded event (or today when there is none)."""
    value = engine.scalar("SELECT max(occurred_from) FROM events")
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.today()


def age_sql(dob: str, dob_year: str, at: str) -> str:
    """SQL for a person's age in whole years at a date; from a year of birth alone, the age on
    1 July of that year (the same definition as detect uses)."""
    when = f"CAST({at} AS DATE)"
    return (
        f"CASE WHEN {at} IS NULL THEN NULL WHEN {dob} IS NOT NULL THEN year({when}) - year({dob}) - "
        f"CASE WHEN month({when}) * 100 + day({when}) < month({dob}) * 100 + day({dob}) THEN 1 ELSE 0 END "
        f"WHEN {dob_year} IS NOT NULL THEN year({when}) - CAST({dob_year} AS INTEGER) - "
        f"CASE WHEN month({when}) < 7 THEN 1 ELSE 0 END END"
    )


def build_evidence(engine: Engine) -> None:
    """Replace ``network_evidence``: each member's records linking them to events."""
    age = age_sql("pe.dob", "pe.dob_year", "e.occurred_from")
    engine.execute("DELETE FROM network_evidence")
    engine.execute(
        f"""
        INSERT INTO network_evidence
        SELECT DISTINCT nm.network_id, nm.entity_id, nm.role, l.role, e.source_id, e.ref, e.kind,
               e.occurred_from, e.force, e.offence_code, e.category, e.grade_source, e.grade_intel,
               e.handling, {age}, coalesce(e.latitude, loc.latitude), coalesce(e.longitude, loc.longitude)
        FROM network_members nm
        JOIN entity_records er ON er.entity_id = nm.entity_id
        JOIN links l ON l.source_id = er.source_id
             AND ((er.kind = 'person' AND l.from_kind = 'person' AND l.from_ref = er.ref AND l.to_kind = 'event')
               OR (er.kind <> 'person' AND l.to_ref = er.ref AND l.from_kind = 'event'))
        JOIN events e ON e.source_id = l.source_id
             AND e.ref = CASE WHEN er.kind = 'person' THEN l.to_ref ELSE l.from_ref END
        LEFT JOIN person_entities pe ON pe.entity_id = nm.entity_id
        LEFT JOIN locations loc ON loc.source_id = e.source_id AND loc.ref = e.location_ref
        """
    )


def date_literal(day: date) -> str:
    """A SQL date literal (from a date object, so nothing untrusted is interpolated)."""
    return f"DATE '{date.fromordinal(day.toordinal()).isoformat()}'"


def _people_ages(engine: Engine, at: date) -> None:
    age = age_sql("dob", "dob_year", date_literal(at))
    engine.execute(f"CREATE OR REPLACE TEMP TABLE __assess_age AS SELECT entity_id, {age} AS age FROM person_entities")


def gather(engine: Engine, at: date | None = None, window_days: int = 90) -> dict[str, NetworkFacts]:
    """Facts about every network, keyed by network id."""
    check_inputs(engine)
    at = at or reference_date(engine)
    _people_ages(engine, at)
    facts: dict[str, NetworkFacts] = {}
    for network_id, threats, forces, regions, summary in engine.fetchall(
        "SELECT network_id, threats, forces, regions, summary FROM networks ORDER BY network_id"
    ):
        # the network's geography is detect's: where its exploitation activity happens (docs/tasking.md);
        # members' other records never widen it
        force_list = sorted(set(as_list(forces)) & reference.force_ids())
        region_list = sorted(set(as_list(regions)) | _regions_of(force_list))
        facts[network_id] = NetworkFacts(
            network_id=network_id,
            threats=tuple(t for t in as_list(threats) if t),
            forces=tuple(force_list),
            regions=tuple(region_list),
            detect_summary=str(summary or ""),
        )
    members: dict[str, list[Member]] = {}
    for network_id, entity_id, kind, role, evidence in engine.fetchall(
        "SELECT network_id, entity_id, kind, role, evidence FROM network_members ORDER BY network_id, entity_id"
    ):
        members.setdefault(network_id, []).append(Member(entity_id, kind or "", role or "associate", parse_json(evidence)))
    for network_id, items in members.items():
        if network_id in facts:
            facts[network_id].members = tuple(items)
    _add_people(engine, facts)
    _add_offences(engine, facts)
    _add_activity(engine, facts, at, window_days)
    _add_grades(engine, facts)
    return facts


def _regions_of(forces: list[str]) -> set[str]:
    out: set[str] = set()
    for f in forces:
        try:
            region = reference.region_of(f)
        except KeyError:
            continue
        if region:
            out.add(region)
    return out


def _add_people(engine: Engine, facts: dict[str, NetworkFacts]) -> None:
    rows = engine.fetchall(
        """
        SELECT nm.network_id,
               count(DISTINCT nm.entity_id) FILTER (WHERE nm.role = 'exploited'),
               count(DISTINCT nm.entity_id) FILTER (WHERE nm.role = 'exploited' AND a.age < 18),
               count(DISTINCT nm.entity_id) FILTER (WHERE nm.role <> 'exploited' AND a.age < 18),
               count(DISTINCT ev.source_id || ':' || ev.ref) FILTER (WHERE ev.kind = 'missing-episode'),
               count(DISTINCT nm.entity_id) FILTER (WHERE ev.kind = 'nrm-referral')
        FROM network_members nm
        LEFT JOIN __assess_age a ON a.entity_id = nm.entity_id
        LEFT JOIN network_evidence ev ON ev.network_id = nm.network_id AND ev.entity_id = nm.entity_id
        WHERE nm.kind = 'person'
        GROUP BY nm.network_id
        """
    )
    for network_id, exploited, ex_children, other_children, missing, nrm in rows:
        f = facts.get(network_id)
        if f is None:
            continue
        f.exploited, f.exploited_children, f.other_children = int(exploited), int(ex_children), int(other_children)
        f.missing_episodes, f.nrm_referred = int(missing), int(nrm)
    victims = engine.fetchall(
        """
        SELECT ev.network_id, count(DISTINCT er.entity_id)
        FROM network_evidence ev
        JOIN links l ON l.source_id = ev.source_id AND l.to_ref = ev.ref AND l.role = 'victim'
        JOIN entity_records er ON er.source_id = l.source_id AND er.ref = l.from_ref AND er.kind = 'person'
        LEFT JOIN network_members nm ON nm.network_id = ev.network_id AND nm.entity_id = er.entity_id
        WHERE ev.kind = 'offence' AND (nm.role IS NULL OR nm.role <> 'exploited')
        GROUP BY ev.network_id
        """
    )
    for network_id, count in victims:
        if network_id in facts:
            facts[network_id].victims = facts[network_id].exploited + int(count)
    for f in facts.values():
        f.victims = max(f.victims, f.exploited)


def _add_offences(engine: Engine, facts: dict[str, NetworkFacts]) -> None:
    rows = engine.fetchall(
        f"""
        SELECT network_id, offence_code, count(DISTINCT source_id || ':' || ref),
               count(DISTINCT source_id || ':' || ref) FILTER (WHERE age_at_event < 18)
        FROM network_evidence
        WHERE kind = 'offence' AND offence_code IS NOT NULL
          AND link_role IN ({", ".join(repr(r) for r in OFFENDING_ROLES)})
        GROUP BY network_id, offence_code ORDER BY network_id, offence_code
        """
    )
    grouped: dict[str, list[OffenceCount]] = {}
    for network_id, code, count, by_children in rows:
        grouped.setdefault(network_id, []).append(OffenceCount(str(code), int(count), int(by_children)))
    for network_id, items in grouped.items():
        if network_id in facts:
            facts[network_id].offences = tuple(items)


def _add_activity(engine: Engine, facts: dict[str, NetworkFacts], at: date, window_days: int) -> None:
    # each window starts at midnight of its first day (a date parameter, compared as a timestamp)
    recent_from, prior_from = at - timedelta(days=window_days), at - timedelta(days=2 * window_days)
    rows = engine.fetchall(
        """
        SELECT network_id,
               count(DISTINCT source_id || ':' || ref) FILTER (WHERE occurred_from > ?),
               count(DISTINCT source_id || ':' || ref) FILTER (WHERE occurred_from <= ? AND occurred_from > ?),
               count(DISTINCT source_id || ':' || ref) FILTER (WHERE kind <> 'intelligence'),
               count(DISTINCT source_id)
        FROM network_evidence GROUP BY network_id
        """,
        [recent_from, recent_from, prior_from],
    )
    for network_id, recent, prior, recorded, sources in rows:
        f = facts.get(network_id)
        if f is not None:
            f.recent_events, f.prior_events = int(recent), int(prior)
            f.recorded_events, f.sources = int(recorded), int(sources)


def _add_grades(engine: Engine, facts: dict[str, NetworkFacts]) -> None:
    rows = engine.fetchall(
        """
        SELECT DISTINCT network_id, source_id, ref, grade_source, grade_intel FROM network_evidence
        WHERE kind = 'intelligence' OR grade_source IS NOT NULL OR grade_intel IS NOT NULL
        ORDER BY network_id, source_id, ref
        """
    )
    grouped: dict[str, list[tuple[str | None, str | None]]] = {}
    for network_id, _source, _ref, g_source, g_intel in rows:
        grouped.setdefault(network_id, []).append((g_source, g_intel))
    for network_id, items in grouped.items():
        if network_id in facts:
            facts[network_id].grades = tuple(items)

