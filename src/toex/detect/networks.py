"""Exploitation networks (detector 4), with roles, fronts and threats.

1. *Seeds*: potential victims, i.e. children with any indicator, NRM-referred
   people, and anyone whose indicator weights reach ``seed_min_weight``.
2. *Growth*: from the seeds outward through the typed entity graph (events are
   folded into person-person edges) for ``hops`` hops, by SQL. Locations,
   objects and organisations with more than ``hub_degree`` neighbours are hubs
   (big employers, care homes, busy public places, hostels) and are neither
   entered nor grown through.
3. *Communities*: Leiden (RBConfiguration, ``leiden_resolution``, fixed seed)
   on the grown subgraph.
4. *Structure*: each adult's control over vulnerable people is scored from
   direction and age (:mod:`toex.detect.roles`); communities are merged when an
   organiser controls vulnerable people in both. A merged set becomes a network
   only if it has an organiser and at least ``min_exploited`` exploited people:
   ordinary adult co-offending, large families (relatives are never counted as
   controlling), care homes (no adult with direct control) and big employers
   (hubs) do not.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import igraph as ig
import leidenalg
import pyarrow as pa

from toex import reference
from toex.detect.config import AnalyseConfig
from toex.detect.fronts import OrgFacts, assess_front
from toex.detect.indicators import definitions
from toex.detect.roles import (
    CONTROL,
    DIRECTOR_WEIGHT,
    HANDS_ON_EVENTS,
    HANDS_ON_PENALTY,
    KEEPER_WEIGHT,
    PRIOR_CASE_WEIGHT,
    ControlScore,
    Evidence,
    Person,
    can_organise,
    is_organiser,
    is_vulnerable,
    related,
    safeguarding_route,
)
from toex.detect.threats import NetworkFacts, type_threats
from toex.engine import Engine

PP_TYPES = ("co-residence", "offended-against", "shared-phone", "shared-account", "shared-vehicle",
            "intel-co-subject", "associate-of", "partner-of")
OFFICER_TYPES = ("director-of", "controls")
HOME_TYPES = ("resides-at", "stays-at")
#: The columns of ``networks`` and ``network_members`` a run writes, in the order of its rows.
NETWORK_COLUMNS = ("network_id", "threats", "forces", "regions", "summary", "members", "organisers", "exploited",
                   "children", "evidence")
MEMBER_COLUMNS = ("network_id", "entity_id", "kind", "role", "evidence", "age", "safeguarding")
LIST_TYPES = {c: pa.list_(pa.string()) for c in ("threats", "forces", "regions")}
MEMBER_TYPES = {"age": pa.int32(), "safeguarding": pa.string()}


@dataclass
class Member:
    entity_id: str
    kind: str
    role: str
    evidence: list[Evidence]
    age: int | None = None
    safeguarding: str | None = None


@dataclass
class Network:
    members: dict[str, Member] = field(default_factory=dict)
    threats: dict[str, list[str]] = field(default_factory=dict)
    forces: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    summary: str = ""

    def with_role(self, role: str) -> list[Member]:
        return [m for m in self.members.values() if m.role == role]


@dataclass
class Edge:
    src: str
    dst: str
    type: str
    source_id: str | None
    ref: str | None
    weight: float
    code: str | None = None


# -- growth -------------------------------------------------------------------------------

def _grow(store: Engine, cfg: AnalyseConfig, seeds: list[str]) -> list[Edge]:
    """The edges among the nodes within ``hops`` of a seed, in a fixed order (everything downstream
    that picks 'the first' edge, sums weights or seeds Leiden depends on it)."""
    n = cfg.networks
    store.execute(
        """CREATE OR REPLACE TEMP TABLE __n_adj AS
        SELECT DISTINCT a, b FROM (
            SELECT src AS a, dst AS b FROM graph_edges WHERE src NOT LIKE 'E:%' AND dst NOT LIKE 'E:%'
            UNION ALL SELECT dst, src FROM graph_edges WHERE src NOT LIKE 'E:%' AND dst NOT LIKE 'E:%')"""
    )
    store.execute(
        f"""CREATE OR REPLACE TEMP TABLE __n_hub AS
        SELECT a AS node FROM __n_adj WHERE a NOT LIKE 'P-%' GROUP BY a HAVING count(*) > {int(n.hub_degree)}"""
    )
    store.execute("CREATE OR REPLACE TEMP TABLE __n_reach (node VARCHAR)")
    store.insert_rows("__n_reach", ("node",), [[s] for s in seeds])
    for _ in range(n.hops):
        store.execute(
            """INSERT INTO __n_reach
            SELECT DISTINCT j.b FROM __n_reach r JOIN __n_adj j ON j.a = r.node
            WHERE r.node NOT IN (SELECT node FROM __n_hub) AND j.b NOT IN (SELECT node FROM __n_hub)
              AND j.b NOT IN (SELECT node FROM __n_reach)"""
        )
    rows = store.fetchall(
        """SELECT e.src, e.dst, e.type, e.source_id, e.ref, coalesce(e.weight, 1.0), ev.offence_code
        FROM graph_edges e LEFT JOIN events ev ON e.type = 'offended-against' AND ev.source_id = e.source_id
             AND ev.ref = e.ref
        WHERE e.src IN (SELECT node FROM __n_reach) AND e.dst IN (SELECT node FROM __n_reach)
        ORDER BY e.src, e.dst, e.type, e.source_id NULLS FIRST, e.ref NULLS FIRST, 6, 7 NULLS FIRST"""
    )
    return [Edge(str(a), str(b), str(t), s, r, float(w), c) for a, b, t, s, r, w, c in rows]


def _people(store: Engine, cfg: AnalyseConfig) -> dict[str, Person]:
    """Every person in the grown subgraph, with what roles need (never nationality)."""
    codes = ", ".join(f"'{c}'" for c in cfg.indicators.prior_case_codes)
    sql = store.dialect
    rows = store.fetchall(
        f"""WITH ind AS (SELECT entity_id, sum(weight) AS w, {sql.list_agg('indicator', 'indicator')} AS codes
                         FROM person_indicators GROUP BY entity_id),
            kid AS (SELECT DISTINCT person FROM __d_pe WHERE age_at BETWEEN 0 AND 17),
            hands AS (SELECT a.person, count(DISTINCT a.event) AS n FROM __d_pe a JOIN __d_pe b
                      ON a.event = b.event AND a.person <> b.person
                      WHERE a.role IN ('suspect', 'offender') AND b.role IN ('suspect', 'offender')
                        AND a.age_at >= 18 AND b.age_at BETWEEN 0 AND 17 GROUP BY a.person),
            prior AS (SELECT person, {sql.sorted_set_agg('[source_id, ref]')} AS refs FROM __d_pe
                      WHERE role IN ('suspect', 'offender') AND offence_code IN ({codes}) GROUP BY person)
        SELECT p.entity_id, p.age_today, (kid.person IS NOT NULL OR p.age_today < 18),
               coalesce({sql.list_contains('ind.codes', "'NRM_REFERRAL'")}, false), coalesce(ind.w, 0), ind.codes,
               p.family_id, p.surname_key, coalesce(hands.n, 0), prior.refs
        FROM __d_person p JOIN __n_reach r ON r.node = p.entity_id
        LEFT JOIN ind ON ind.entity_id = p.entity_id LEFT JOIN kid ON kid.person = p.entity_id
        LEFT JOIN hands ON hands.person = p.entity_id LEFT JOIN prior ON prior.person = p.entity_id
        ORDER BY p.entity_id"""
    )
    out = {}
    victim_codes = {c for c, d in definitions().items() if d.vulnerable}
    for eid, age, child, nrm, w, codes_, fam, sk, hands, prior in rows:
        out[str(eid)] = Person(
            str(eid), None if age is None else int(age), bool(child), bool(nrm), float(w), list(codes_ or []),
            str(fam), sk, int(hands), [(str(s), str(r)) for s, r in (prior or [])],
            victim_signs=bool(set(codes_ or []) & victim_codes),
        )
    return out


# -- control ------------------------------------------------------------------------------

def _control(edges: list[Edge], people: dict[str, Person], vulnerable: set[str], cfg: AnalyseConfig,
             involved: dict[str, set[str]]) -> dict[str, ControlScore]:
    gap = cfg.networks.age_gap_years
    scores: dict[str, ControlScore] = defaultdict(ControlScore)
    homes: dict[str, set[str]] = defaultdict(set)      # location -> residents
    found: dict[str, list[Edge]] = defaultdict(list)   # location -> found-at edges
    officers: dict[str, list[Edge]] = defaultdict(list)  # org -> officer edges
    employees: dict[str, list[Edge]] = defaultdict(list)
    org_at: dict[str, set[str]] = defaultdict(set)
    keeps: dict[str, list[Edge]] = defaultdict(list)   # person -> keeper/uses edges
    for e in edges:
        if e.type in HOME_TYPES:
            homes[e.dst].add(e.src)
        elif e.type == "found-at":
            found[e.dst].append(e)
        elif e.type in OFFICER_TYPES:
            officers[e.dst].append(e)
        elif e.type == "employed-by":
            employees[e.dst].append(e)
        elif e.type in ("registered-at", "trades-at"):
            org_at[e.src].add(e.dst)
        elif e.type in ("keeper", "uses"):
            keeps[e.src].append(e)

    def adult_over(a: str, v: str, need_gap: bool = True) -> bool:
        pa, pv = people.get(a), people.get(v)
        if pa is None or pv is None or v not in vulnerable or a == v or related(pa, pv):
            return False
        # company-mediated control over adult victims (employing, housing) does not need an age gap
        return can_organise(pa, pv if (need_gap or pv.child) else None, gap)

    exploitation_codes = {*cfg.indicators.prior_case_codes, *cfg.indicators.sexual_exploitation_codes}
    for e in edges:
        if e.type not in PP_TYPES:
            continue
        if e.type == "offended-against" and e.code not in exploitation_codes:
            continue
        pairs = [(e.src, e.dst)] if e.type == "offended-against" else [(e.src, e.dst), (e.dst, e.src)]
        for a, v in pairs:
            if adult_over(a, v):
                w, words = CONTROL[e.type]
                pa, pv = people[a], people[v]
                years = (pa.age_today or 0) - (pv.age_today or 0)
                scores[a].add(e.type, w, f"{a} " + words.format(v=v, gap=years), e.source_id, e.ref, v)
    for loc, fs in found.items():
        for f in fs:
            if f.src in homes.get(loc, ()):
                continue  # found at their own home
            for a in sorted(homes.get(loc, ())):
                if adult_over(a, f.src):
                    w, words = CONTROL["found-at-home"]
                    scores[a].add("found-at-home", w, f"{a}: " + words.format(v=f.src), f.source_id, f.ref, f.src)
    for org, offs in officers.items():
        for o in offs:
            a = o.src
            if a not in people or not can_organise(people[a], None, gap):
                continue
            scores[a].add("director", DIRECTOR_WEIGHT, f"{a} is an officer or controller of {org}", o.source_id, o.ref)
            for emp in employees.get(org, ()):
                if adult_over(a, emp.src, need_gap=False):
                    w, words = CONTROL["employs"]
                    scores[a].add("employs", w, f"{a} " + words.format(o=org, v=emp.src), emp.source_id, emp.ref, emp.src)
            for loc in sorted(org_at.get(org, ())):
                for v in sorted(homes.get(loc, ())):
                    if adult_over(a, v, need_gap=False):
                        w, words = CONTROL["houses"]
                        scores[a].add("houses", w, f"{a} " + words.format(o=org, v=v), o.source_id, o.ref, v)
    for a, ks in keeps.items():
        if a not in people or not can_organise(people[a], None, gap):
            continue
        for k in ks:
            users = sorted(v for v in involved.get(k.dst, set()) if adult_over(a, v))
            if users:
                scores[a].add("resource", KEEPER_WEIGHT,
                              f"{a} keeps or uses {k.dst}, which appears in records with {len(users)} vulnerable people",
                              k.source_id, k.ref, users[0])
                # the car or phone in their records is exploitation-specific control over each of them
                scores[a].specific.update(users)
    for a, p in people.items():
        if p.prior_case and a in scores and can_organise(p, None, gap):
            s, r = p.prior_case[0]
            scores[a].add("prior-case", PRIOR_CASE_WEIGHT, f"{a} is a suspect in an earlier trafficking or exploitation case",
                          s, r)
        if p.hands_on >= HANDS_ON_EVENTS and a in scores:
            scores[a].score -= HANDS_ON_PENALTY
    return scores


# -- assembly -----------------------------------------------------------------------------

def _communities(edges: list[Edge], cfg: AnalyseConfig, organisers: set[str]) -> dict[str, int]:
    """Leiden communities of the part of the grown subgraph within ``hops`` of an organiser."""
    names = sorted({n for e in edges for n in (e.src, e.dst)})
    if not names:
        return {}
    index = {n: i for i, n in enumerate(names)}
    weights: dict[tuple[int, int], float] = defaultdict(float)
    for e in edges:
        a, b = sorted((index[e.src], index[e.dst]))
        if a != b:
            weights[(a, b)] += e.weight
    full = ig.Graph(n=len(names), edges=list(weights))
    full.es["weight"] = list(weights.values())
    around = {v for hood in full.neighborhood([index[o] for o in organisers if o in index], order=cfg.networks.hops)
              for v in hood}
    keep = sorted(around)
    g = full.subgraph(keep)
    names = [names[v] for v in keep]
    part = leidenalg.find_partition(g, leidenalg.RBConfigurationVertexPartition, weights="weight",
                                    resolution_parameter=cfg.networks.leiden_resolution, seed=cfg.networks.leiden_seed)
    return {names[v]: c for c, block in enumerate(part) for v in block}


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        self.parent[self.find(a)] = self.find(b)


def find_networks(store: Engine, cfg: AnalyseConfig) -> list[Network]:
    """Networks with members, roles and evidence (threats and fronts included)."""
    n = cfg.networks
    seeds = [str(r[0]) for r in store.fetchall(
        """SELECT i.entity_id FROM person_indicators i LEFT JOIN __d_person p ON p.entity_id = i.entity_id
        GROUP BY i.entity_id HAVING sum(i.weight) >= ? OR bool_or(i.indicator = 'NRM_REFERRAL')
            OR (bool_or(p.age_today < 18) AND sum(i.weight) > 0)
            OR i.entity_id IN (SELECT person FROM __d_pe WHERE age_at BETWEEN 0 AND 17)""",
        [n.seed_min_weight],
    )]
    if not seeds:
        return []
    edges = _grow(store, cfg, seeds)
    people = _people(store, cfg)
    vulnerable = {p for p in seeds if p in people and is_vulnerable(people[p], n.seed_min_weight)}
    involved = _involved(store, vulnerable)
    scores = _control(edges, people, vulnerable, cfg, involved)
    organisers = {a for a, c in scores.items()
                  if is_organiser(c, n.min_control, n.min_controlled, n.min_specific_controlled)}
    if not organisers:
        return []
    community = _communities(edges, cfg, organisers)
    uf = _UnionFind()
    for o in sorted(organisers):
        for v in sorted(scores[o].controlled):
            if o in community and v in community:
                uf.union(community[o], community[v])
    groups: dict[int, set[int]] = defaultdict(set)
    for o in sorted(organisers):
        if o in community:
            groups[uf.find(community[o])].add(community[o])
    for c in sorted(set(community.values())):
        root = uf.find(c)
        if root in groups:
            groups[root].add(c)
    by_node: dict[str, list[Edge]] = defaultdict(list)
    for e in edges:
        by_node[e.src].append(e)
        by_node[e.dst].append(e)
    members_of: dict[int, set[str]] = defaultdict(set)
    for node, c in community.items():
        members_of[c].add(node)
    nets = []
    for comms in groups.values():
        inside = set().union(*(members_of[c] for c in comms))
        net = _assemble(store, inside, by_node, people, vulnerable, organisers, scores, cfg)
        if net is not None:
            nets.append(net)
    return nets


def _involved(store: Engine, vulnerable: set[str]) -> dict[str, set[str]]:
    """Object -> vulnerable people who appear in an event that involves it."""
    if not vulnerable:
        return {}
    store.execute("CREATE OR REPLACE TEMP TABLE __n_vuln (person VARCHAR)")
    store.insert_rows("__n_vuln", ("person",), [[v] for v in sorted(vulnerable)])
    rows = store.fetchall(
        """SELECT DISTINCT i.dst, pe.person FROM graph_edges i JOIN __d_pe pe ON pe.event = i.src
        WHERE i.type = 'involves' AND pe.person IN (SELECT person FROM __n_vuln)
          AND i.dst IN (SELECT node FROM __n_reach) ORDER BY 1, 2"""
    )
    out: dict[str, set[str]] = defaultdict(set)
    for obj, person in rows:
        out[str(obj)].add(str(person))
    return out


def _assemble(store: Engine, inside: set[str], by_node: dict[str, list[Edge]],
              people: dict[str, Person], vulnerable: set[str], organisers: set[str],
              scores: dict[str, ControlScore], cfg: AnalyseConfig) -> Network | None:
    net = Network()
    orgs_here = {o for o in organisers if o in inside}
    controlled = set().union(*(scores[o].controlled for o in orgs_here)) if orgs_here else set()
    for o in sorted(orgs_here):
        net.members[o] = Member(o, "person", "organiser", scores[o].top_evidence(), people[o].age_today)
    near = {(e.dst if e.src == n else e.src) for n in controlled | orgs_here for e in by_node.get(n, ())}
    for v in sorted((vulnerable & inside & near) | controlled):
        if v in net.members or v not in people:
            continue
        p = people[v]
        ev = [Evidence(f"Potential victim: indicators {', '.join(p.indicators) or 'none'}", None, None)]
        ev += [e for o in sorted(orgs_here) for e in scores[o].top_evidence(limit=10**6) if v in e.reason][:5]
        route = safeguarding_route(p)
        ev.append(Evidence(route, None, None))
        net.members[v] = Member(v, "person", "exploited", ev, p.age_today, route)
    if len(net.with_role("exploited")) < cfg.networks.min_exploited:
        return None
    core = set(net.members)
    for node in sorted(inside - core):
        if not node.startswith("P-") or node not in people:
            continue
        ties = sorted((e for e in by_node[node] if (e.dst if e.src == node else e.src) in core),
                      key=lambda e: (e.type, e.dst if e.src == node else e.src, e.source_id or "", e.ref or ""))
        if not ties:
            continue
        p = people[node]
        ev = [Evidence(f"Linked ({e.type}) to {e.dst if e.src == node else e.src}", e.source_id, e.ref) for e in ties[:5]]
        if p.child:
            route = safeguarding_route(p)
            ev.append(Evidence(route, None, None))
            net.members[node] = Member(node, "person", "associate", ev, p.age_today, route)
        else:
            net.members[node] = Member(node, "person", "associate", ev, p.age_today)
    _resources(store, net, inside, by_node, cfg)
    return net


def _resources(store: Engine, net: Network, inside: set[str], by_node: dict[str, list[Edge]], cfg: AnalyseConfig) -> None:
    persons = {m for m, x in net.members.items() if x.kind == "person"}
    organisers = {m.entity_id for m in net.with_role("organiser")}
    exploited = {m.entity_id for m in net.with_role("exploited")}
    candidates = {(e.dst if e.src == p else e.src) for p in persons for e in by_node[p]} - persons
    kinds = dict(store.fetchall("SELECT node_id, kind FROM graph_nodes WHERE kind <> 'event' AND kind <> 'person' "
                                "AND node_id IN (SELECT node FROM __n_reach)"))
    addresses = {c for c in candidates if kinds.get(c) == "location"
                 and len({e.src for e in by_node[c] if e.type in HOME_TYPES and e.src in persons}) >= 2}
    orgs = {c for c in candidates if kinds.get(c) == "organisation"}
    names = dict(store.fetchall("SELECT entity_id, name FROM organisation_entities WHERE entity_id IN "
                                "(SELECT node FROM __n_reach)"))
    sics = dict(store.fetchall("SELECT entity_id, sic_code FROM organisation_entities WHERE entity_id IN "
                               "(SELECT node FROM __n_reach)"))
    for org in sorted(orgs):
        facts = OrgFacts(org, str(names.get(org) or org), sics.get(org))
        for e in by_node[org]:
            if e.type in OFFICER_TYPES:
                facts.officers[e.src] = (e.source_id, e.ref)
            elif e.type == "employed-by":
                facts.employees[e.src] = (e.source_id, e.ref)
            elif e.type in ("registered-at", "trades-at"):
                facts.locations[e.dst] = (e.source_id, e.ref)
        front, ev = assess_front(facts, organisers, addresses, exploited, cfg.networks.cash_sic_codes, frozenset(persons))
        if front:
            net.members[org] = Member(org, "organisation", "front", ev)
        elif any(p in organisers for p in facts.officers):
            net.members[org] = Member(org, "organisation", "facilitator", ev)
    for loc in sorted(addresses):
        users = sorted({e.src for e in by_node[loc] if e.type in HOME_TYPES and e.src in persons})
        ev = [Evidence(f"Address shared by {len(users)} network members ({', '.join(users[:6])})",
                       next(e.source_id for e in by_node[loc] if e.src in users),
                       next(e.ref for e in by_node[loc] if e.src in users))]
        net.members[loc] = Member(loc, "location", "facilitator", ev)
    for obj in sorted(c for c in candidates if kinds.get(c) == "object"):
        users = sorted({e.src for e in by_node[obj] if e.src in persons})
        controllers = [u for u in users if u not in exploited]
        if len(users) >= 2 or (controllers and obj in inside and any(e.type == "keeper" for e in by_node[obj])):
            e0 = next(e for e in by_node[obj] if e.src in users)
            net.members[obj] = Member(obj, "object", "facilitator",
                                      [Evidence(f"Used or kept by {len(users)} network member(s) ({', '.join(users[:6])})",
                                                e0.source_id, e0.ref)])


def network_facts(store: Engine, net: Network, cfg: AnalyseConfig) -> NetworkFacts:
    """Gather what threat typing needs for one network (SQL over its members)."""
    exploited = [m.entity_id for m in net.with_role("exploited")]
    members = [m for m, x in net.members.items() if x.kind == "person"]
    store.execute("CREATE OR REPLACE TEMP TABLE __n_mem (person VARCHAR, exploited BOOLEAN)")
    store.insert_rows("__n_mem", ("person", "exploited"), [[m, m in exploited] for m in members])
    f = NetworkFacts()
    for person, code in store.fetchall(
        "SELECT entity_id, indicator FROM person_indicators WHERE entity_id IN (SELECT person FROM __n_mem WHERE exploited)"
    ):
        f.exploited_indicators.setdefault(str(person), set()).add(str(code))
    f.exploited_children = {m.entity_id for m in net.with_role("exploited")
                            if m.safeguarding is not None and "(child)" in m.safeguarding}
    drug = ", ".join(f"'{c}'" for c in cfg.indicators.drug_supply_codes)
    sexual = ", ".join(f"'{c}'" for c in (*cfg.indicators.sexual_exploitation_codes, "24"))
    row = store.execute(
        f"""SELECT count(DISTINCT pe.event) FILTER (WHERE pe.role IN ('suspect', 'offender') AND pe.age_at < 18),
                   count(DISTINCT pe.event) FILTER (WHERE pe.role IN ('suspect', 'offender') AND pe.offence_code IN ({drug})),
                   count(DISTINCT pe.event) FILTER (WHERE pe.role = 'victim' AND pe.offence_code IN ({sexual})),
                   count(DISTINCT pe.force)
            FROM __d_pe pe JOIN __n_mem m ON m.person = pe.person AND m.exploited"""
    ).fetchone()
    assert row is not None
    f.children_offending, f.drug_supply_by_exploited, f.sexual_offences_against_members, f.exploited_forces = (
        int(row[0]), int(row[1]), int(row[2]), int(row[3]))
    f.offence_codes = {str(r[0]) for r in store.fetchall(
        "SELECT DISTINCT offence_code FROM __d_pe WHERE person IN (SELECT person FROM __n_mem) AND offence_code IS NOT NULL")}
    f.fronts = len(net.with_role("front"))
    orgs = {m.entity_id for m in net.with_role("organiser")}
    accounts = store.fetchall(
        """SELECT e.dst FROM graph_edges e JOIN object_entities o ON o.entity_id = e.dst AND o.kind = 'bank-account'
        WHERE e.type IN ('holds', 'uses') AND e.src IN (SELECT person FROM __n_mem) GROUP BY e.dst
        HAVING count(DISTINCT e.src) >= 2"""
    )
    if accounts and orgs:
        holders = {str(r[0]) for r in store.fetchall(
            "SELECT DISTINCT src FROM graph_edges WHERE type IN ('holds', 'uses') AND dst IN (SELECT unnest(?))",
            [[str(a[0]) for a in accounts]])}
        f.organiser_accounts = len(holders & orgs)
    store.execute("DROP TABLE IF EXISTS __n_mem")
    return f


def location_forces_sql(locations: str) -> str:
    """SQL: ``(location, force)`` for the location entities listed in the relation ``locations(location)``,
    from their postcode: the force of the postcode in the reference postcode table, else of its district."""
    postcodes = str(reference.postcodes_path()).replace("'", "''")
    districts = str(reference.table_paths()["postcode_districts"]).replace("'", "''")
    return f"""
        SELECT le.entity_id AS location, coalesce(pc.force_id, pd.force_id) AS force
        FROM location_entities le
        LEFT JOIN (SELECT postcode, force_id FROM read_parquet('{postcodes}')
                   WHERE postcode IN (SELECT postcode FROM location_entities
                                      WHERE entity_id IN (SELECT location FROM {locations}))) pc
               ON pc.postcode = le.postcode
        LEFT JOIN (SELECT district, force_id FROM read_csv('{districts}', header = true, all_varchar = true)) pd
               ON pd.district = split_part(le.postcode, ' ', 1)
        WHERE le.entity_id IN (SELECT location FROM {locations}) AND coalesce(pc.force_id, pd.force_id) IS NOT NULL"""


def places(store: Engine, net: Network, cfg: AnalyseConfig) -> tuple[list[str], list[str]]:
    """Forces and regions where the network's exploitation activity happens (docs/tasking.md, "Where a
    network operates"), not every place a member has ever been recorded:

    - the force of each record of two or more members together, of each record about an exploited
      member (as suspect, offender, subject or missing person), of a member's exploitation, sexual
      exploitation or drug supply offence (as suspect or offender; an exploited member also as victim)
      and of records involving an object the network uses;
    - the force (by postcode) of the addresses the network uses, of the places where those records
      happened, of the places where its exploited members were found and of the addresses where its
      companies are registered or trade.

    A member's other records (an organiser's burglary, an associate's stop-search in a far force, an
    exploited member as the victim of an ordinary theft or as a witness) do not widen the network's geography.
    """
    members = net.members.items()
    people = sorted(m for m, x in members if x.kind == "person")
    exploited = sorted(m.entity_id for m in net.with_role("exploited"))
    objects = sorted(m for m, x in members if x.kind == "object")
    sites = sorted(m for m, x in members if x.kind == "location")
    orgs = sorted(m for m, x in members if x.kind == "organisation")
    ind = cfg.indicators
    codes = sorted({*ind.prior_case_codes, *ind.sexual_exploitation_codes, *ind.drug_supply_codes})
    forces = [str(r[0]) for r in store.fetchall(
        f"""WITH pe AS (SELECT person, event, role, offence_code FROM __d_pe
                        WHERE person IN (SELECT unnest(CAST(? AS VARCHAR[])))),
            activity AS (
                SELECT event FROM pe GROUP BY event HAVING count(DISTINCT person) >= 2
                UNION SELECT event FROM pe WHERE person IN (SELECT unnest(CAST(? AS VARCHAR[])))
                                              AND role IN ('suspect', 'offender', 'subject', 'missing-person')
                UNION SELECT event FROM pe WHERE offence_code IN (SELECT unnest(CAST(? AS VARCHAR[])))
                                              AND (role IN ('suspect', 'offender') OR person IN (
                                                   SELECT unnest(CAST(? AS VARCHAR[]))))
                UNION SELECT src FROM graph_edges
                      WHERE type = 'involves' AND dst IN (SELECT unnest(CAST(? AS VARCHAR[]))))
            , used AS (
                SELECT unnest(CAST(? AS VARCHAR[])) AS location
                UNION SELECT dst FROM graph_edges WHERE type = 'at' AND src IN (SELECT event FROM activity)
                UNION SELECT dst FROM graph_edges
                      WHERE type = 'found-at' AND src IN (SELECT unnest(CAST(? AS VARCHAR[])))
                UNION SELECT dst FROM graph_edges
                      WHERE type IN ('registered-at', 'trades-at') AND src IN (SELECT unnest(CAST(? AS VARCHAR[]))))
            , found AS (
                SELECT force FROM graph_nodes WHERE node_id IN (SELECT event FROM activity)
                UNION SELECT force FROM ({location_forces_sql('used')}))
        SELECT DISTINCT force FROM found WHERE force IN (SELECT force_id FROM ref_forces) ORDER BY 1""",
        [people, exploited, codes, exploited, objects, sites, exploited, orgs])]
    regions = [str(r[0]) for r in store.fetchall(
        "SELECT DISTINCT coalesce(region_id, force_id) FROM ref_forces WHERE force_id IN (SELECT unnest(?)) ORDER BY 1",
        [forces])]
    return forces, regions


def describe(net: Network, force_names: dict[str, str], labels: dict[str, str], as_of: date) -> str:
    """One paragraph for a tasking meeting; children are potential victims and are never named."""
    threats = ", ".join(t.replace("-", " ") for t in net.threats) or "exploitation (type unclear)"
    forces = ", ".join(force_names.get(f, f) for f in net.forces[:8]) + (" and others" if len(net.forces) > 8 else "")
    organisers = net.with_role("organiser")
    exploited = net.with_role("exploited")
    kids = [m for m in exploited if m.safeguarding and m.safeguarding.startswith("Potential victim (child)")]
    fronts = net.with_role("front")
    names = ", ".join(f"{labels.get(o.entity_id, o.entity_id)} ({o.entity_id}"
                      + (f", {o.age}" if o.age is not None else "") + ")" for o in organisers[:5])
    text = (f"Suspected {threats} network recorded in {forces}. {len(organisers)} adult organiser(s) appear to "
            f"control or benefit: {names}. {len(exploited)} potential victim(s), {len(kids)} of them children, "
            "need safeguarding before any enforcement action")
    if fronts:
        text += "; possible front companies: " + ", ".join(labels.get(f.entity_id, f.entity_id) for f in fronts)
    return text + f" (as of {as_of:%d %b %Y})."


def write_networks(store: Engine, cfg: AnalyseConfig, as_of: date) -> list[Network]:
    """Replace ``networks`` and ``network_members``; return the networks written (biggest first)."""
    nets = find_networks(store, cfg)
    force_names = dict(store.fetchall("SELECT force_id, short_name FROM ref_forces"))
    for net in nets:
        facts = network_facts(store, net, cfg)
        net.threats = type_threats(facts)
        net.forces, net.regions = places(store, net, cfg)
    nets.sort(key=lambda x: (-len(x.with_role("exploited")), -len(x.members), min(x.members)))
    ids = [m for net in nets for m in net.members]
    labels = dict(store.fetchall("SELECT entity_id, label FROM entities WHERE entity_id IN (SELECT unnest(?))", [ids]))
    store.execute("DELETE FROM networks")
    store.execute("DELETE FROM network_members")
    for k, net in enumerate(nets, start=1):
        nid = f"N-{k:04d}"
        net.summary = describe(net, force_names, labels, as_of)
        evidence = [{"reason": f"{t}: {'; '.join(r)}", "source_id": None, "ref": None} for t, r in net.threats.items()]
        exploited = net.with_role("exploited")
        store.insert_rows(
            "networks", NETWORK_COLUMNS,
            [[nid, list(net.threats), net.forces, net.regions, net.summary, len(net.members),
              len(net.with_role("organiser")), len(exploited),
              sum(1 for m in exploited if m.safeguarding and "(child)" in m.safeguarding), json.dumps(evidence)]],
            types=LIST_TYPES,
        )
        store.insert_rows(
            "network_members", MEMBER_COLUMNS,
            [[nid, m.entity_id, m.kind, m.role, json.dumps([e.as_dict() for e in m.evidence]), m.age, m.safeguarding]
             for m in net.members.values()],
            types=MEMBER_TYPES,
        )
    for temp in ("__n_adj", "__n_hub", "__n_reach", "__n_vuln"):
        store.execute(f"DROP TABLE IF EXISTS {temp}")
    return nets
