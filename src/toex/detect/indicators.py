"""Exploitation indicators per person: named, explainable rules (definitions in indicators.yaml).

Each rule is one SQL query over the graph and the shared working tables
(:mod:`toex.detect.base`) returning ``(person, reason, source_id, ref)``: one
row per piece of evidence, in plain, non-criminalising words ("appears in",
"was found at"). Rows are grouped per person and written to
``person_indicators`` with the indicator's weight and threat. A hit is a flag
for human review and safeguarding, never a label.

No rule reads nationality, ethnicity or any other protected characteristic:
the only person attributes used are date of birth (for age), family links and
surname (to tell relatives from unrelated adults).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

import yaml

from toex.detect.base import km_sql
from toex.detect.config import IndicatorConfig
from toex.engine import Engine

RESIDENCE = "('resides-at', 'stays-at')"
OFFENDER = "('suspect', 'offender')"
#: The evidence record of a grouped rule: the first (source_id, ref), never an arbitrary one.
FIRST_SOURCE = "arg_min(source_id, [source_id, ref])"
FIRST_REF = "arg_min(ref, [source_id, ref])"
PERSON_TIES = ("('associate-of', 'partner-of', 'co-offending', 'intel-co-subject', 'co-residence', "
               "'shared-phone', 'shared-vehicle', 'shared-account')")


@dataclass(frozen=True)
class Indicator:
    """One indicator's definition from indicators.yaml."""

    code: str
    name: str
    description: str
    guidance: str
    weight: float
    threat: str
    vulnerable: bool


@cache
def definitions() -> dict[str, Indicator]:
    """Every indicator, by code, in file order."""
    text = resources.files("toex.detect").joinpath("indicators.yaml").read_text(encoding="utf-8")
    raw: dict[str, Any] = yaml.safe_load(text)
    return {item["code"]: Indicator(**item) for item in raw["indicators"]}


def _codes(codes: tuple[str, ...]) -> str:
    return "(" + ", ".join("'" + c.replace("'", "''") + "'" for c in codes) + ")"


def _unrelated(a: str, b: str) -> str:
    """SQL: persons a and b (aliases of __d_person) are not known to be family."""
    return (f"({a}.family_id <> {b}.family_id AND "
            f"({a}.surname_key IS NULL OR {b}.surname_key IS NULL OR {a}.surname_key <> {b}.surname_key))")


def _working_tables(engine: Engine, cfg: IndicatorConfig) -> None:
    engine.execute(
        f"""CREATE OR REPLACE TEMP TABLE __i_res AS
        SELECT e.src AS person, e.dst AS location, e.type AS role, e.since, e.until, e.source_id, e.ref,
               le.kind AS location_kind, le.latitude AS lat, le.longitude AS lon, le.address
        FROM graph_edges e JOIN location_entities le ON le.entity_id = e.dst
        WHERE e.type IN {RESIDENCE} AND e.src LIKE 'P-%'"""
    )
    engine.execute(
        f"""CREATE OR REPLACE TEMP TABLE __i_hub AS
        SELECT dst AS location FROM graph_edges
        WHERE type IN ('resides-at', 'stays-at', 'frequents', 'found-at') AND src LIKE 'P-%'
        GROUP BY dst HAVING count(DISTINCT src) > {int(cfg.hub_persons)}"""
    )
    # Pairs of people at one (non-hub) address in overlapping periods.
    engine.execute(
        """CREATE OR REPLACE TEMP TABLE __i_cores AS
        SELECT a.person AS p, b.person AS q, a.location, a.address, a.location_kind, a.source_id, a.ref,
               coalesce(greatest(a.since, b.since), a.since, b.since) AS since
        FROM __i_res a JOIN __i_res b ON a.location = b.location AND a.person <> b.person
        WHERE a.location NOT IN (SELECT location FROM __i_hub)
          AND (a.until IS NULL OR b.since IS NULL OR a.until >= b.since)
          AND (b.until IS NULL OR a.since IS NULL OR b.until >= a.since)"""
    )


def _rules(cfg: IndicatorConfig) -> dict[str, str]:
    gap = int(cfg.age_gap_years)
    far = float(cfg.far_km)
    km_home = km_sql("h.lat", "h.lon", "pe.lat", "pe.lon")
    km_found = km_sql("h.lat", "h.lon", "le.latitude", "le.longitude")
    child_pe = "pe.age_at BETWEEN 0 AND 17"
    found = """(SELECT e.src AS person, e.dst AS location, e.source_id, e.ref,
                   coalesce(e.since, $as_of) AS day FROM graph_edges e
                WHERE e.type = 'found-at' AND e.src LIKE 'P-%')"""
    prior = f"""(SELECT DISTINCT pe.event, pe.source_id, pe.ref, pe.day, pe.person, pe.role
                 FROM __d_pe pe WHERE pe.offence_code IN {_codes(cfg.prior_case_codes)}
                   OR pe.event_kind = 'nrm-referral')"""
    drug = f"(n.subkind = 'offence' AND (ev.offence_code IN {_codes(cfg.drug_supply_codes)}))"
    return {
        "CHILD_OFFENDING_FAR_FROM_HOME": f"""
            SELECT pe.person, 'Appears in a ' || coalesce(pe.category, pe.offence_code, 'recorded') ||
                   ' record in ' || pe.force || ' on ' || pe.day || ', ' || CAST(round({km_home}) AS INTEGER) ||
                   ' km from home, aged ' || pe.age_at, pe.source_id, pe.ref
            FROM __d_pe pe JOIN __d_home h ON h.person = pe.person
            WHERE pe.role IN {OFFENDER} AND pe.event_kind = 'offence' AND {child_pe} AND {km_home} >= {far}""",
        "CHILD_OFFENDING_ACROSS_FORCES": f"""
            SELECT person, 'Appears in records in ' || force || ' (first on ' || day || '), aged ' || age_at,
                   source_id, ref
            FROM (SELECT pe.*, count(DISTINCT pe.force) OVER (PARTITION BY pe.person) AS n_forces,
                         row_number() OVER (PARTITION BY pe.person, pe.force ORDER BY pe.day, pe.source_id, pe.ref) AS k
                  FROM __d_pe pe WHERE pe.role IN {OFFENDER} AND pe.event_kind = 'offence' AND {child_pe})
            WHERE n_forces >= 2 AND k = 1""",
        "REPEAT_MISSING": f"""
            SELECT person, 'Reported missing on ' || day || ' in ' || force || ', aged ' || age_at, source_id, ref
            FROM (SELECT pe.*, count(*) OVER (PARTITION BY pe.person) AS n FROM __d_pe pe
                  WHERE pe.role = 'missing-person' AND pe.event_kind = 'missing-episode' AND {child_pe})
            WHERE n >= {int(cfg.repeat_missing)}""",
        "FOUND_FAR_FROM_HOME": f"""
            SELECT f.person, 'Was found at ' || coalesce(le.address, f.location) || ' on ' || f.day || ', ' ||
                   CAST(round({km_found}) AS INTEGER) || ' km from home', f.source_id, f.ref
            FROM {found} f JOIN __d_person p ON p.entity_id = f.person
            JOIN location_entities le ON le.entity_id = f.location
            JOIN __d_home h ON h.person = f.person
            WHERE {km_found} >= {far} AND f.location <> h.location
              AND ({_age_at('p', 'f.day')}) BETWEEN 0 AND 17""",
        "FOUND_AT_ADULT_ADDRESS": f"""
            SELECT DISTINCT f.person,
                   CASE WHEN le.kind = 'hotel' THEN 'Was found at a hotel, ' || coalesce(le.address, f.location)
                        ELSE 'Was found at ' || coalesce(le.address, f.location) ||
                             ', where an unrelated adult ' || CAST(({_age_at('q', 'f.day')}) AS INTEGER) ||
                             ' years old lives or stays (' || r.person || ')' END || ' on ' || f.day,
                   f.source_id, f.ref
            FROM {found} f JOIN __d_person p ON p.entity_id = f.person
            JOIN location_entities le ON le.entity_id = f.location
            LEFT JOIN __i_res r ON r.location = f.location AND r.person <> f.person
                 AND f.location NOT IN (SELECT location FROM __i_hub)
            LEFT JOIN __d_person q ON q.entity_id = r.person
            WHERE ({_age_at('p', 'f.day')}) BETWEEN 0 AND 17
              AND (le.kind = 'hotel' OR (q.entity_id IS NOT NULL AND {_unrelated('p', 'q')}
                   AND ({_age_at('q', 'f.day')}) >= 18
                   AND ({_age_at('q', 'f.day')}) - ({_age_at('p', 'f.day')}) >= {gap}))""",
        "CO_OFFENDS_WITH_OLDER_ADULT": f"""
            SELECT DISTINCT a.person, 'Appears in a ' || coalesce(a.category, a.offence_code, 'recorded') ||
                   ' record on ' || a.day || ' in ' || a.force || ' with ' || b.person || ', an unrelated adult aged ' ||
                   b.age_at || ' (child aged ' || a.age_at || ')', a.source_id, a.ref
            FROM __d_pe a JOIN __d_pe b ON a.event = b.event AND a.person <> b.person
            JOIN __d_person pa ON pa.entity_id = a.person JOIN __d_person pb ON pb.entity_id = b.person
            WHERE a.role IN {OFFENDER} AND b.role IN {OFFENDER} AND a.age_at BETWEEN 0 AND 17
              AND b.age_at >= 18 AND b.age_at - a.age_at >= {gap} AND {_unrelated('pa', 'pb')}""",
        "LIVES_WITH_OLDER_UNRELATED_ADULT": f"""
            SELECT DISTINCT c.p, 'Lives or stays at ' || coalesce(c.address, c.location) || ' with ' || c.q ||
                   ', an unrelated adult aged ' || CAST(({_age_at('q', 'coalesce(c.since, $as_of)')}) AS INTEGER),
                   c.source_id, c.ref
            FROM __i_cores c JOIN __d_person p ON p.entity_id = c.p JOIN __d_person q ON q.entity_id = c.q
            WHERE ({_age_at('p', 'coalesce(c.since, $as_of)')}) BETWEEN 0 AND 17
              AND ({_age_at('q', 'coalesce(c.since, $as_of)')}) >= 18
              AND ({_age_at('q', 'coalesce(c.since, $as_of)')}) - ({_age_at('p', 'coalesce(c.since, $as_of)')}) >= {gap}
              AND {_unrelated('p', 'q')}""",
        "CROWDED_UNRELATED_ADDRESS": f"""
            SELECT p, 'Lives or stays at ' || coalesce(min(address), location) || ' (' ||
                   coalesce(min(location_kind), 'address') || ') with ' || count(DISTINCT q) ||
                   ' unrelated adults', {FIRST_SOURCE}, {FIRST_REF}
            FROM (SELECT c.* FROM __i_cores c JOIN __d_person p ON p.entity_id = c.p
                  JOIN __d_person q ON q.entity_id = c.q
                  WHERE {_unrelated('p', 'q')} AND coalesce(q.age_today, 99) >= 18)
            GROUP BY p, location HAVING count(DISTINCT q) >= {int(cfg.crowded_unrelated)}""",
        "PRIOR_CASE_LINK": f"""
            SELECT DISTINCT r0.src, 'Linked to ' || coalesce(le.address, r0.dst) ||
                   ', the place of an earlier ' || coalesce(ev.offence_code, ev.kind) || ' case (' ||
                   CAST(ev.occurred_from AS DATE) || ')', ev.source_id, ev.ref
            FROM graph_edges a
            JOIN graph_nodes n ON n.node_id = a.src
            JOIN events ev ON 'E:' || ev.source_id || ':' || ev.ref = a.src
            JOIN graph_edges r0 ON r0.dst = a.dst AND r0.type IN ('resides-at', 'stays-at', 'found-at', 'frequents')
            LEFT JOIN location_entities le ON le.entity_id = a.dst
            WHERE a.type = 'at' AND (ev.offence_code IN {_codes(cfg.prior_case_codes)} OR ev.kind = 'nrm-referral')
              AND coalesce(r0.since, $as_of) > CAST(ev.occurred_from AS DATE)
              AND r0.src LIKE 'P-%' AND r0.src NOT IN (SELECT person FROM {prior} x WHERE x.event = a.src)
              AND a.dst NOT IN (SELECT location FROM __i_hub)
            UNION
            SELECT DISTINCT e.other, 'Linked (' || e.type || ') to ' || x.person ||
                   ', who appears in an earlier ' || coalesce(x.role, '') || ' record of a trafficking or exploitation case (' ||
                   x.day || ')', x.source_id, x.ref
            FROM (SELECT src AS one, dst AS other, type, since FROM graph_edges WHERE type IN {PERSON_TIES}
                  UNION ALL SELECT dst, src, type, since FROM graph_edges WHERE type IN {PERSON_TIES}) e
            JOIN {prior} x ON x.person = e.one AND x.role IN {OFFENDER}
            WHERE coalesce(e.since, $as_of) > x.day
              AND e.other NOT IN (SELECT person FROM {prior} y WHERE y.event = x.event)""",
        "NRM_REFERRAL": """
            SELECT pe.person, 'Referred to the NRM as a potential victim on ' || pe.day, pe.source_id, pe.ref
            FROM __d_pe pe WHERE pe.event_kind = 'nrm-referral'
              AND pe.role NOT IN ('reporter', 'witness', 'suspect', 'offender')""",
        "DEAL_LINE_PHONE": f"""
            WITH users AS (SELECT DISTINCT e.dst AS phone, e.src AS person FROM graph_edges e
                           JOIN object_entities o ON o.entity_id = e.dst AND o.kind = 'phone'
                           WHERE e.type = 'uses' AND e.src LIKE 'P-%'),
            shared AS (SELECT a.phone, count(DISTINCT b.person) + 1 AS n FROM users a JOIN users b
                       ON a.phone = b.phone AND a.person < b.person
                       JOIN __d_person p ON p.entity_id = a.person JOIN __d_person q ON q.entity_id = b.person
                       WHERE {_unrelated('p', 'q')} GROUP BY a.phone),
            drug_users AS (SELECT DISTINCT pe.person FROM __d_pe pe
                           WHERE pe.role IN {OFFENDER} AND pe.offence_code IN {_codes(cfg.drug_supply_codes)}),
            seen AS (SELECT i.dst AS phone, count(DISTINCT i.src) AS n,
                            arg_min(ev.source_id, [ev.source_id, ev.ref]) AS source_id,
                            arg_min(ev.ref, [ev.source_id, ev.ref]) AS ref, count(DISTINCT i.src) FILTER (WHERE {drug}) AS drug_events
                     FROM graph_edges i JOIN graph_nodes n ON n.node_id = i.src
                     JOIN events ev ON 'E:' || ev.source_id || ':' || ev.ref = i.src
                     WHERE i.type = 'involves' GROUP BY i.dst)
            SELECT u.person, 'Uses phone ' || coalesce(o.value, u.phone) || ', shared by ' || coalesce(s.n, 1) ||
                   ' unrelated people, seen in ' || coalesce(x.n, 0) || ' records (' || coalesce(x.drug_events, 0) ||
                   ' drug supply)', x.source_id, x.ref
            FROM users u JOIN object_entities o ON o.entity_id = u.phone
            LEFT JOIN shared s ON s.phone = u.phone LEFT JOIN seen x ON x.phone = u.phone
            WHERE coalesce(x.drug_events, 0) >= {int(cfg.deal_line_drug_events)}
               OR (coalesce(s.n, 1) >= 2 AND coalesce(x.n, 0) >= 1
                   AND EXISTS (SELECT 1 FROM users v JOIN drug_users d ON d.person = v.person WHERE v.phone = u.phone))""",
        "CUCKOOED_ADDRESS": f"""
            WITH drug_at AS (
                SELECT a.dst AS location, arg_min(ev.source_id, [ev.source_id, ev.ref]) AS source_id,
                       arg_min(ev.ref, [ev.source_id, ev.ref]) AS ref,
                       count(*) AS n
                FROM graph_edges a JOIN graph_nodes n ON n.node_id = a.src
                JOIN events ev ON 'E:' || ev.source_id || ':' || ev.ref = a.src
                WHERE a.type = 'at' AND {drug} GROUP BY a.dst),
            visitors AS (
                SELECT v.dst AS location, v.src AS visitor FROM graph_edges v
                WHERE v.type IN ('stays-at', 'frequents') AND v.src LIKE 'P-%'
                UNION
                SELECT a.dst, pe.person FROM graph_edges a JOIN __d_pe pe ON pe.event = a.src
                JOIN graph_nodes n ON n.node_id = a.src JOIN events ev ON ev.source_id = pe.source_id AND ev.ref = pe.ref
                WHERE a.type = 'at' AND pe.role IN {OFFENDER} AND {drug})
            SELECT r.person, 'Lives at ' || coalesce(r.address, r.location) || ', where ' || d.n ||
                   ' drug supply record(s) and ' || count(DISTINCT v.visitor) || ' visiting unrelated people are recorded',
                   d.source_id, d.ref
            FROM __i_res r JOIN drug_at d ON d.location = r.location
            JOIN visitors v ON v.location = r.location AND v.visitor <> r.person
            JOIN __d_person p ON p.entity_id = r.person JOIN __d_person q ON q.entity_id = v.visitor
            WHERE r.role = 'resides-at' AND coalesce(r.location_kind, 'residential') IN ('residential', 'unknown')
              AND {_unrelated('p', 'q')}
              AND v.visitor NOT IN (SELECT person FROM __i_res WHERE location = r.location AND role = 'resides-at')
            GROUP BY r.person, r.address, r.location, d.n, d.source_id, d.ref
            HAVING count(DISTINCT v.visitor) >= 2""",
        "CHILD_SEXUAL_OFFENCE_VICTIM": f"""
            SELECT DISTINCT v.person, 'Harmed in a ' || coalesce(v.offence_code, 'sexual') ||
                   ' offence on ' || v.day || ' in ' || v.force || '; an adult aged ' || s.age_at ||
                   ' is recorded as suspect (' || s.person || ')', v.source_id, v.ref
            FROM __d_pe v JOIN __d_pe s ON s.event = v.event AND s.role IN {OFFENDER}
            WHERE v.role = 'victim' AND v.age_at BETWEEN 0 AND 17
              AND v.offence_code IN {_codes(cfg.sexual_exploitation_codes)}
              AND s.age_at >= 18 AND s.age_at - v.age_at >= {gap}""",
        "EXPLOITATION_OFFENCE_VICTIM": f"""
            SELECT DISTINCT v.person, 'Recorded as the person harmed in a ' || coalesce(v.category, 'recorded') ||
                   ' offence (' || v.offence_code || ') on ' || v.day || ' in ' || v.force, v.source_id, v.ref
            FROM __d_pe v
            WHERE v.role = 'victim' AND v.offence_code IN {_codes(cfg.prior_case_codes)}
              AND NOT (v.age_at BETWEEN 0 AND 17 AND v.offence_code IN {_codes(cfg.sexual_exploitation_codes)})""",
        "SHARED_ACCOUNT": f"""
            WITH holders AS (SELECT DISTINCT h.dst AS account, h.src AS person, h.source_id, h.ref
                             FROM graph_edges h JOIN object_entities o ON o.entity_id = h.dst
                             WHERE h.type IN ('holds', 'uses') AND o.kind = 'bank-account' AND h.src LIKE 'P-%')
            SELECT a.person, 'Holds account ' || coalesce(min(o.value), a.account) || ' with ' ||
                   count(DISTINCT b.person) || ' unrelated people', arg_min(a.source_id, [a.source_id, a.ref]),
                   arg_min(a.ref, [a.source_id, a.ref])
            FROM holders a JOIN holders b ON a.account = b.account AND a.person <> b.person
            JOIN __d_person p ON p.entity_id = a.person JOIN __d_person q ON q.entity_id = b.person
            JOIN object_entities o ON o.entity_id = a.account
            WHERE {_unrelated('p', 'q')}
            GROUP BY a.person, a.account HAVING count(DISTINCT b.person) >= 2""",
        "HOUSED_BY_EMPLOYER": """
            SELECT DISTINCT w.src, 'Works for ' || coalesce(oe.name, w.dst) || ' and lives or stays at ' ||
                   coalesce(r.address, r.location) || ', ' ||
                   CASE WHEN d.src IS NULL THEN 'where the organisation is registered or trades'
                        ELSE 'an address linked to its officer ' || d.src END, w.source_id, w.ref
            FROM graph_edges w JOIN __i_res r ON r.person = w.src
            LEFT JOIN organisation_entities oe ON oe.entity_id = w.dst
            LEFT JOIN graph_edges ol ON ol.src = w.dst AND ol.dst = r.location AND ol.type IN ('registered-at', 'trades-at')
            LEFT JOIN (SELECT DISTINCT o.src, o.dst AS org, dl.dst AS location
                       FROM graph_edges o JOIN graph_edges dl ON dl.src = o.src
                       WHERE o.type IN ('director-of', 'controls')) d
                 ON d.org = w.dst AND d.location = r.location AND d.src <> w.src
            WHERE w.type = 'employed-by' AND w.src LIKE 'P-%' AND (ol.src IS NOT NULL OR d.src IS NOT NULL)
              AND r.location NOT IN (SELECT location FROM __i_hub)""",
    }


def _age_at(alias: str, when: str) -> str:
    from toex.detect.base import age_sql

    return age_sql(f"{alias}.dob", f"{alias}.dob_year", when)


def run_indicators(engine: Engine, cfg: IndicatorConfig, as_of: Any) -> dict[str, int]:
    """Replace ``person_indicators``; return the number of people flagged per indicator."""
    engine.execute("DELETE FROM person_indicators")
    _working_tables(engine, cfg)
    defs = definitions()
    evidence = engine.dialect.json_agg(
        (("reason", "reason"), ("source_id", "source_id"), ("ref", "ref")), ("reason", "source_id", "ref"), 20)
    for code, sql in _rules(cfg).items():
        ind = defs[code]
        insert = (
            f"""INSERT INTO person_indicators
            SELECT person, $code, $weight, {evidence}, $threat
            FROM (SELECT DISTINCT * FROM ({sql}) r(person, reason, source_id, ref)) WHERE person IS NOT NULL
            GROUP BY person"""
        )
        values = {"code": code, "weight": ind.weight, "threat": ind.threat, "as_of": as_of}
        engine.execute(insert, {k: v for k, v in values.items() if f"${k}" in insert})
    found = dict(engine.fetchall("SELECT indicator, count(*) FROM person_indicators GROUP BY indicator"))
    counts = {code: int(found.get(code, 0)) for code in _rules(cfg)}
    for temp in ("__i_res", "__i_hub", "__i_cores"):
        engine.drop_table(temp)
    return counts
