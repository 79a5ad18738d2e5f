"""Changes that matter: compare the new threat picture with the last one.

Each assessment run stores its picture in ``picture_snapshots``. The diff
against the previous snapshot raises a change alert only for a material
change: a new child drawn into a network, a network reaching a new force or
region, a new organiser or front, a score rising past a threshold, a child on
the safeguarding list appearing in new records, a new network. A finding
present in both pictures is never alerted again. The first run is the
baseline and raises none. Each alert names what changed and links to the
records (source, ref) that show it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from toex.assess.config import Weights
from toex.assess.score import NetworkScore
from toex.engine import Engine

Picture = dict[str, Any]


@dataclass
class Change:
    """One material change between two pictures."""

    change: str
    network_id: str | None
    entity_id: str | None
    summary: str
    detail: dict[str, Any] = field(default_factory=dict)
    score: float = 0.0

    @property
    def fingerprint(self) -> str:
        """What identifies the finding (so the same one is recognised across runs)."""
        key = self.detail.get("key", "")
        return f"{self.change}:{self.network_id or ''}:{self.entity_id or ''}:{key}"


def build_picture(engine: Engine, scores: list[NetworkScore]) -> Picture:
    """The current picture: networks with members, roles, children, forces, regions, score; safeguarded children."""
    networks: dict[str, Any] = {}
    for s in scores:
        networks[s.network_id] = {"score": s.score, "members": {}, "children": [], "forces": [], "regions": []}
    for network_id, entity_id, role, child in engine.fetchall(
        "SELECT nm.network_id, nm.entity_id, nm.role, coalesce(a.age < 18, false) FROM network_members nm "
        "LEFT JOIN __assess_age a ON a.entity_id = nm.entity_id ORDER BY 1, 2"
    ):
        if network_id in networks:
            networks[network_id]["members"][entity_id] = role
            if child:
                networks[network_id]["children"].append(entity_id)
    return {"networks": networks, "safeguarding": _safeguarded(engine)}


def set_geography(picture: Picture, network_id: str, forces: tuple[str, ...], regions: tuple[str, ...]) -> None:
    """Record a network's forces and regions in the picture."""
    if network_id in picture["networks"]:
        picture["networks"][network_id]["forces"] = sorted(forces)
        picture["networks"][network_id]["regions"] = sorted(regions)


def _safeguarded(engine: Engine) -> dict[str, Any]:
    rows = engine.fetchall(
        """
        SELECT s.entity_id, s.is_child, count(DISTINCT e.source_id || ':' || e.ref), max(e.occurred_from)
        FROM safeguarding_list s
        LEFT JOIN entity_records er ON er.entity_id = s.entity_id AND er.kind = 'person'
        LEFT JOIN links l ON l.source_id = er.source_id AND l.from_ref = er.ref AND l.from_kind = 'person'
             AND l.to_kind = 'event'
        LEFT JOIN events e ON e.source_id = l.source_id AND e.ref = l.to_ref
        GROUP BY s.entity_id, s.is_child ORDER BY s.entity_id
        """
    )
    return {
        eid: {"child": bool(child), "records": int(n), "last": last.isoformat() if last else None}
        for eid, child, n, last in rows
    }


def last_picture(engine: Engine) -> tuple[str, Picture] | None:
    """The most recent stored picture, if any."""
    row = engine.execute("SELECT run_id, picture FROM picture_snapshots ORDER BY taken_at DESC, run_id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return str(row[0]), json.loads(row[1])


def save_picture(engine: Engine, run_id: str, at: datetime, picture: Picture, weights: Weights) -> None:
    """Keep this run's picture for the next comparison."""
    engine.insert_rows("picture_snapshots", ("run_id", "taken_at", "weights_version", "picture"),
                       [(run_id, at, weights.version, json.dumps(picture, sort_keys=True))])


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


def match_networks(prev: Picture, cur: Picture, min_overlap: float) -> dict[str, str | None]:
    """Current network id -> the previous network it continues (same id, else best member overlap)."""
    prev_nets: dict[str, Any] = prev.get("networks", {})
    matched: dict[str, str | None] = {}
    used: set[str] = set()
    for nid in cur["networks"]:
        if nid in prev_nets:
            matched[nid] = nid
            used.add(nid)
    for nid, net in sorted(cur["networks"].items()):
        if nid in matched:
            continue
        members = set(net["members"])
        best, best_j = None, 0.0
        for pid, pnet in sorted(prev_nets.items()):
            if pid in used:
                continue
            j = _jaccard(members, set(pnet["members"]))
            if j > best_j:
                best, best_j = pid, j
        if best is not None and best_j >= min_overlap:
            matched[nid] = best
            used.add(best)
        else:
            matched[nid] = None
    return matched


def diff(prev: Picture, cur: Picture, weights: Weights) -> list[Change]:
    """Material changes from ``prev`` to ``cur`` (pure; evidence is attached later)."""
    changes: list[Change] = []
    matched = match_networks(prev, cur, weights.network_match_overlap)
    for nid, net in sorted(cur["networks"].items()):
        pid = matched.get(nid)
        if pid is None:
            changes.append(Change("new-network", nid, None,
                                  f"New network {nid}: {len(net['members'])} members, "
                                  f"{len(net['children'])} child(ren), forces {', '.join(net['forces']) or 'none'}",
                                  {"members": sorted(net["members"]), "children": sorted(net["children"])}))
            continue
        changes.extend(_network_changes(nid, net, prev["networks"][pid], weights))
    changes.extend(_reappearances(prev, cur))
    for c in changes:
        c.score = weights.change_alert_scores.get(c.change, 50.0)
    return changes


def _network_changes(nid: str, net: dict[str, Any], old: dict[str, Any], weights: Weights) -> list[Change]:
    out: list[Change] = []
    old_members: dict[str, str] = old["members"]
    for child in sorted(set(net["children"]) - set(old["children"])):
        out.append(Change("new-child", nid, child, f"A child ({child}) has been drawn into network {nid} "
                          f"(role: {net['members'].get(child, 'member')})", {"role": net["members"].get(child)}))
    for force in sorted(set(net["forces"]) - set(old["forces"])):
        out.append(Change("new-force", nid, None, f"Network {nid} has reached a new force area: {force}",
                          {"key": force, "force": force}))
    for region in sorted(set(net["regions"]) - set(old["regions"])):
        out.append(Change("new-region", nid, None, f"Network {nid} has reached a new region: {region}",
                          {"key": region, "region": region}))
    for role, change in (("organiser", "new-organiser"), ("front", "new-front")):
        new = {e for e, r in net["members"].items() if r == role} - {e for e, r in old_members.items() if r == role}
        for entity in sorted(new):
            out.append(Change(change, nid, entity, f"New {role} in network {nid}: {entity}", {"role": role}))
    crossed = [t for t in weights.score_thresholds if float(old["score"]) < t <= float(net["score"])]
    if crossed:
        top = max(crossed)
        out.append(Change("score-threshold", nid, None,
                          f"Network {nid} score rose from {old['score']:.1f} to {net['score']:.1f}, past {top:g}",
                          {"key": f"{top:g}", "from": old["score"], "to": net["score"], "threshold": top}))
    return out


def _reappearances(prev: Picture, cur: Picture) -> list[Change]:
    out: list[Change] = []
    before: dict[str, Any] = prev.get("safeguarding", {})
    for eid, now in sorted(cur.get("safeguarding", {}).items()):
        was = before.get(eid)
        if not was or not (was.get("child") or now.get("child")):
            continue
        if now["records"] > was["records"] and (now["last"] or "") > (was["last"] or ""):
            out.append(Change("safeguarded-child-reappears", None, eid,
                              f"A child on the safeguarding list ({eid}) appears again in "
                              f"{now['records'] - was['records']} new record(s), latest {now['last']}",
                              {"key": now["last"], "since": was["last"], "new_records": now["records"] - was["records"]}))
    return out


def attach_evidence(engine: Engine, changes: list[Change], limit: int = 10) -> None:
    """Link each change to the records (source, ref) that show it."""
    for c in changes:
        if c.change == "safeguarded-child-reappears":
            rows = engine.fetchall(
                "SELECT e.source_id, e.ref, e.kind, CAST(e.occurred_from AS VARCHAR) FROM entity_records er "
                "JOIN links l ON l.source_id = er.source_id AND l.from_ref = er.ref AND l.from_kind = 'person' "
                "JOIN events e ON e.source_id = l.source_id AND e.ref = l.to_ref "
                "WHERE er.entity_id = ? AND e.occurred_from > CAST(? AS TIMESTAMP) ORDER BY e.occurred_from DESC, e.source_id, e.ref LIMIT ?",
                [c.entity_id, c.detail.get("since") or "1900-01-01", limit])
        elif c.change in ("new-force",):
            rows = engine.fetchall(
                "SELECT DISTINCT source_id, ref, kind, CAST(occurred_from AS VARCHAR) FROM network_evidence "
                "WHERE network_id = ? AND force = ? ORDER BY 4 DESC, 1, 2, 3 LIMIT ?", [c.network_id, c.detail["force"], limit])
        elif c.entity_id is not None:
            rows = engine.fetchall(
                "SELECT DISTINCT source_id, ref, kind, CAST(occurred_from AS VARCHAR) FROM network_evidence "
                "WHERE network_id = ? AND entity_id = ? ORDER BY 4 DESC, 1, 2, 3 LIMIT ?", [c.network_id, c.entity_id, limit])
            member_ev = engine.scalar("SELECT CAST(evidence AS VARCHAR) FROM network_members WHERE network_id = ? AND entity_id = ?",
                                     [c.network_id, c.entity_id])
            if member_ev:
                c.detail["member_evidence"] = member_ev
        else:
            rows = engine.fetchall(
                "SELECT DISTINCT source_id, ref, kind, CAST(occurred_from AS VARCHAR) FROM network_evidence "
                "WHERE network_id = ? ORDER BY 4 DESC, 1, 2, 3 LIMIT ?", [c.network_id, limit])
        c.detail["evidence"] = [{"source": s, "ref": r, "kind": k, "occurred": o} for s, r, k, o in rows]


def record_changes(engine: Engine, run_id: str, at: datetime, changes: list[Change]) -> list[tuple[str, Change]]:
    """Append the changes to ``change_alerts``; return (alert id, change) pairs."""
    import pyarrow as pa

    out = [("C-" + hashlib.sha256(f"{run_id}:{c.fingerprint}".encode()).hexdigest()[:12], c) for c in changes]
    engine.insert_rows(
        "change_alerts", ("alert_id", "run_id", "raised_at", "fingerprint", "change", "network_id", "entity_id",
                          "score", "summary", "detail"),
        [(alert_id, run_id, at, c.fingerprint, c.change, c.network_id, c.entity_id, c.score, c.summary,
          json.dumps(c.detail, sort_keys=True, default=str)) for alert_id, c in out],
        types={"network_id": pa.string(), "entity_id": pa.string()})
    return out
