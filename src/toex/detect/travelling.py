"""Travelling groups (detector 2): people, above all children, who offend together
across several forces in short sprees.

Method:
1. the co-offending graph (``co-offending`` edges: suspects/offenders of one
   offence) is split into connected components; components larger than
   ``max_group_size`` are split with Leiden, again until every block is small
   enough (a block that will not split is dropped: not a group);
2. a group's *joint offences* are the offences with two or more of its members;
3. joint offences no more than ``spree_gap_days`` apart form one spree;
4. a group is written when its joint offences cover ``min_forces`` forces and
   number at least ``min_joint_events``;
5. mobility score (0..1) = 0.4 x forces (5+ = 1) + 0.3 x median distance of
   joint offences from members' homes (150 km+ = 1) + 0.3 x cadence (force
   changes between consecutive sprees per month, 1+ = 1).

Children in a travelling group are described as appearing in records, never as
offenders: the summary says how many are children and that they are potential
victims. Ranking between groups is the assessment stage's job.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import date

import igraph as ig
import leidenalg
import numpy as np
import pyarrow as pa

from toex.detect.base import km_sql
from toex.detect.config import TravelConfig
from toex.engine import Engine

#: The columns of ``travelling_groups`` a run writes, in the order of its rows.
GROUP_COLUMNS = ("group_id", "members", "forces", "period_from", "period_to", "events", "mobility_score", "summary",
                 "regions", "children", "sprees", "median_distance_km", "evidence")


@dataclass(frozen=True)
class TravellingGroup:
    """One group as written to ``travelling_groups``."""

    members: list[str]
    forces: list[str]
    regions: list[str]
    period_from: date
    period_to: date
    events: int
    sprees: int
    children: int
    median_km: float | None
    mobility: float
    evidence: list[dict[str, str]]


def _groups(engine: Engine, cfg: TravelConfig) -> list[list[str]]:
    pairs = engine.fetchall(
        "SELECT src, dst, count(*) FROM graph_edges WHERE type = 'co-offending' GROUP BY src, dst ORDER BY src, dst"
    )
    if not pairs:
        return []
    names = sorted({p for a, b, _ in pairs for p in (a, b)})
    index = {n: i for i, n in enumerate(names)}
    g = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b, _ in pairs])
    g.es["weight"] = [float(n) for _, _, n in pairs]
    return [[names[v] for v in block] for block in bounded_blocks(g, cfg.max_group_size)]


def bounded_blocks(g: ig.Graph, max_size: int, depth: int = 8) -> list[list[int]]:
    """Groups of 2 to ``max_size`` vertices: connected components, and larger ones split with Leiden.

    A block Leiden leaves larger than ``max_size`` is split again (up to ``depth``
    times); one that will not split (a dense mass of co-offending, such as a
    national component chained through many unrelated offences) is not a group.
    """
    out: list[list[int]] = []
    pending = [(list(comp), 0) for comp in g.connected_components() if len(comp) >= 2]
    while pending:
        block, level = pending.pop()
        if len(block) <= max_size:
            out.append(sorted(block))
            continue
        if level >= depth:
            continue
        sub = g.subgraph(block)
        part = leidenalg.find_partition(sub, leidenalg.ModularityVertexPartition, weights="weight", seed=7)
        if len(part) < 2:
            continue
        for piece in part:
            if len(piece) >= 2:
                pending.append(([block[v] for v in piece], level + 1))
    out.sort()
    return out


def _score(forces: int, median_km: float | None, cadence: float) -> float:
    f = min(1.0, (forces - 1) / 4)
    d = min(1.0, (median_km or 0.0) / 150.0)
    c = min(1.0, cadence)
    return round(0.4 * f + 0.3 * d + 0.3 * c, 3)


def detect_travelling(engine: Engine, cfg: TravelConfig) -> list[TravellingGroup]:
    """Every group that offends together across forces, most mobile first."""
    groups = _groups(engine, cfg)
    if not groups:
        return []
    rows = [(k, p) for k, members in enumerate(groups) for p in members]
    engine.execute("CREATE OR REPLACE TEMP TABLE __tv_member (grp INTEGER, person VARCHAR)")
    engine.insert_rows("__tv_member", ("grp", "person"), rows)
    people = engine.dialect.sorted_set_agg("person")
    children = engine.dialect.sorted_set_agg("person", "age_at BETWEEN 0 AND 17")
    joint = engine.fetchall(
        f"""WITH pe AS (
            SELECT m.grp, pe.event, pe.person, pe.day, pe.force, pe.source_id, pe.ref, pe.age_at,
                   coalesce(pe.category, pe.offence_code) AS what,
                   {km_sql('h.lat', 'h.lon', 'pe.lat', 'pe.lon')} AS km
            FROM __tv_member m JOIN __d_pe pe ON pe.person = m.person
            LEFT JOIN __d_home h ON h.person = pe.person
            WHERE pe.role IN ('suspect', 'offender') AND pe.event_kind = 'offence')
        SELECT grp, event, min(day), min(force), min(source_id), min(ref), {people}, {children},
               median(km), min(what)
        FROM pe GROUP BY grp, event HAVING count(DISTINCT person) >= 2
        ORDER BY grp, 3, 5, 6, event"""
    )
    engine.drop_table("__tv_member")
    region = dict(engine.fetchall("SELECT force_id, region_id FROM ref_forces"))
    by_group: dict[int, list[tuple[object, ...]]] = {}
    for row in joint:
        by_group.setdefault(int(row[0]), []).append(row)
    found = []
    for rows_g in by_group.values():
        group = _one_group(rows_g, cfg, region)
        if group is not None:
            found.append(group)
    found.sort(key=lambda g: (-g.mobility, -g.events, g.members))
    return found


def _one_group(rows: list[tuple[object, ...]], cfg: TravelConfig, region: dict[str, str]) -> TravellingGroup | None:
    forces = sorted({str(r[3]) for r in rows})
    if len(forces) < cfg.min_forces or len(rows) < cfg.min_joint_events:
        return None
    days = [r[2] for r in rows]
    assert all(isinstance(d, date) for d in days)
    sprees: list[list[tuple[object, ...]]] = [[rows[0]]]
    for prev, row in zip(rows, rows[1:], strict=False):
        gap = (row[2] - prev[2]).days  # type: ignore[operator]
        if gap > cfg.spree_gap_days:
            sprees.append([])
        sprees[-1].append(row)
    spree_force = [Counter(str(r[3]) for r in s).most_common(1)[0][0] for s in sprees]
    moves = sum(1 for a, b in zip(spree_force, spree_force[1:], strict=False) if a != b)
    first, last = min(days), max(days)  # type: ignore[type-var]
    months = max(1.0, (last - first).days / 30.4)  # type: ignore[operator]
    kms = [float(r[8]) for r in rows if r[8] is not None]  # type: ignore[arg-type]
    median_km = float(np.median(kms)) if kms else None
    members = sorted({p for r in rows for p in r[6]})  # type: ignore[attr-defined]
    children = sorted({p for r in rows for p in (r[7] or [])})  # type: ignore[attr-defined]
    evidence = [
        {"reason": f"Appears with {len(r[6]) - 1} other member(s) in a {r[9]} record in {r[3]} on {r[2]}",  # type: ignore[arg-type]
         "source_id": str(r[4]), "ref": str(r[5])}
        for r in rows[:30]
    ]
    return TravellingGroup(
        members=members, forces=forces, regions=sorted({region.get(f) or f for f in forces}),
        period_from=first, period_to=last, events=len(rows), sprees=len(sprees), children=len(children),  # type: ignore[arg-type]
        median_km=median_km, mobility=_score(len(forces), median_km, moves / months), evidence=evidence,
    )


def summary(g: TravellingGroup, force_names: dict[str, str]) -> str:
    """Plain words; children are potential victims, never 'offenders'."""
    names = ", ".join(force_names.get(f, f) for f in g.forces)
    who = f"Group of {len(g.members)} people"
    if g.children:
        who += (f", {g.children} of them children (potential victims of criminal exploitation: "
                "safeguarding referral first)")
    dist = f"; median {g.median_km:.0f} km from home" if g.median_km is not None else ""
    return (f"{who}, recorded together in {g.events} offences across {len(g.forces)} forces ({names}) in "
            f"{g.sprees} short trips between {g.period_from:%b %Y} and {g.period_to:%b %Y}{dist}.")


def write_travelling(engine: Engine, cfg: TravelConfig) -> list[TravellingGroup]:
    """Replace ``travelling_groups``; return the groups written."""
    groups = [g for g in detect_travelling(engine, cfg) if g.mobility >= cfg.min_score]
    engine.execute("DELETE FROM travelling_groups")
    names = dict(engine.fetchall("SELECT force_id, short_name FROM ref_forces"))
    rows = [
        [f"G-{n:04d}", g.members, g.forces, g.period_from, g.period_to, g.events, g.mobility,
         summary(g, names), g.regions, g.children, g.sprees, g.median_km, json.dumps(g.evidence)]
        for n, g in enumerate(groups, start=1)
    ]
    engine.insert_rows("travelling_groups", GROUP_COLUMNS, rows, types={"median_distance_km": pa.float64()})
    return groups
