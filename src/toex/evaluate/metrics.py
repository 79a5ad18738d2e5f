"""The metrics of ``toex evaluate``.

- resolution: pairwise precision/recall/F1 (over pairs of records put in one entity)
  and cluster precision/recall/F1 (exact cluster match), per record kind;
- networks: for each planted (non-decoy) network, the exported network with the best
  Jaccard over members (persons and organisations; each exported entity is mapped to
  the true entity most of its records belong to), its rank, found (Jaccard >= 0.5),
  organiser/exploited/front recall, owner level; decoys: the best rank a decoy
  reached; average precision of planted networks in the ranking;
- safeguarding recall at 2K (K = number of true exploited people);
- planted trends found in the top 10 alerts.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel

JACCARD_FOUND = 0.5
NETWORK_KINDS = ("person", "organisation")


class ResolutionScore(BaseModel):
    kind: str
    records: int
    pairwise_precision: float
    pairwise_recall: float
    pairwise_f1: float
    cluster_precision: float
    cluster_recall: float
    cluster_f1: float


class NetworkScore(BaseModel):
    network_id: str
    scenario: str
    matched: str | None
    rank: int | None
    jaccard: float
    found: bool
    organiser_recall: float | None
    exploited_recall: float | None
    front_recall: float | None
    owner_level_expected: str
    owner_level_matched: str | None


class EvaluationReport(BaseModel):
    resolution: dict[str, ResolutionScore] | None = None
    networks: list[NetworkScore] | None = None
    networks_found_share: float | None = None
    organiser_recall: float | None = None
    exploited_recall: float | None = None
    front_recall: float | None = None
    owner_level_accuracy: float | None = None
    best_decoy_rank: int | None = None
    average_precision: float | None = None
    safeguarding_recall_at_2k: float | None = None
    trends_in_top10: float | None = None
    trends_found: list[str] | None = None
    missing: list[str] = []

    def flat(self) -> dict[str, float | int | None]:
        """Every headline metric by name (for tables and JSON)."""
        out: dict[str, float | int | None] = {}
        for kind, r in (self.resolution or {}).items():
            for k in ("pairwise_precision", "pairwise_recall", "pairwise_f1", "cluster_precision", "cluster_recall", "cluster_f1"):
                out[f"resolution.{kind}.{k}"] = getattr(r, k)
        for k in ("networks_found_share", "organiser_recall", "exploited_recall", "front_recall", "owner_level_accuracy",
                  "best_decoy_rank", "average_precision", "safeguarding_recall_at_2k", "trends_in_top10"):
            out[k] = getattr(self, k)
        for n in self.networks or []:
            out[f"network.{n.network_id}.jaccard"] = n.jaccard
            out[f"network.{n.network_id}.rank"] = n.rank
        return out


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def _pairs(groups: pd.Series) -> int:
    sizes = groups.value_counts()
    return int((sizes * (sizes - 1) // 2).sum())


def resolution_scores(entities: pd.DataFrame, records: pd.DataFrame) -> dict[str, ResolutionScore]:
    """Pairwise and exact-cluster scores per kind, over records present in both files."""
    merged = records.merge(entities, on=["source", "ref", "kind"], how="inner", suffixes=("_true", "_pred"))
    out: dict[str, ResolutionScore] = {}
    for kind, g in merged.groupby("kind", sort=True):
        true_pairs = _pairs(g["entity_id_true"])
        pred_pairs = _pairs(g["entity_id_pred"])
        both = _pairs(g["entity_id_true"] + "\x00" + g["entity_id_pred"])
        p = both / pred_pairs if pred_pairs else 1.0
        r = both / true_pairs if true_pairs else 1.0
        key = g["source"] + "\x00" + g["ref"]
        tc = set(key.groupby(g["entity_id_true"]).agg(frozenset))
        pc = set(key.groupby(g["entity_id_pred"]).agg(frozenset))
        exact = len(tc & pc)
        cp = exact / len(pc) if pc else 1.0
        cr = exact / len(tc) if tc else 1.0
        out[str(kind)] = ResolutionScore(kind=str(kind), records=len(g), pairwise_precision=p, pairwise_recall=r,
                                         pairwise_f1=_f1(p, r), cluster_precision=cp, cluster_recall=cr, cluster_f1=_f1(cp, cr))
    return out


def _majority_map(entities: pd.DataFrame, records: pd.DataFrame) -> dict[str, str]:
    """exported entity_id -> the true entity most of its records belong to."""
    m = records.merge(entities, on=["source", "ref", "kind"], suffixes=("_true", "_pred"))
    counts = m.groupby(["entity_id_pred", "entity_id_true"]).size().reset_index(name="n")
    counts = counts.sort_values(["entity_id_pred", "n", "entity_id_true"], ascending=[True, False, True])
    best = counts.drop_duplicates("entity_id_pred")
    return dict(zip(best["entity_id_pred"], best["entity_id_true"], strict=True))


def _members(net: dict[str, Any], mapping: dict[str, str] | None) -> dict[str, str]:
    """true entity id -> role, for person and organisation members."""
    out: dict[str, str] = {}
    for m in net.get("members", []):
        if m.get("kind") not in NETWORK_KINDS:
            continue
        eid = str(m["entity_id"])
        if mapping is not None:
            eid = mapping.get(eid, f"unmapped:{eid}")
        out.setdefault(eid, str(m.get("role", "")))
    return out


def _role_recall(truth: dict[str, str], got: dict[str, str], role: str) -> float | None:
    want = [e for e, r in truth.items() if r == role]
    if not want:
        return None
    return sum(1 for e in want if got.get(e) == role) / len(want)


def _mean(values: list[float | None]) -> float | None:
    vals = [v for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def network_scores(exported: list[dict[str, Any]], planted: list[dict[str, Any]], mapping: dict[str, str] | None,
                   report: EvaluationReport) -> None:
    ranked = sorted(exported, key=lambda n: int(n.get("rank", 10**9)))
    exp_members = [(_members(n, mapping), n) for n in ranked]
    scores: list[NetworkScore] = []
    best_net_for: dict[str, int] = {}
    for net in planted:
        truth = _members(net, None)
        best, best_j, best_i = None, 0.0, -1
        for i, (got, n) in enumerate(exp_members):
            inter = len(truth.keys() & got.keys())
            union = len(truth.keys() | got.keys())
            j = inter / union if union else 0.0
            if j > best_j:
                best, best_j, best_i = n, j, i
        got = exp_members[best_i][0] if best is not None else {}
        if net.get("decoy"):
            if best is not None and best_j >= JACCARD_FOUND:
                best_net_for[str(net["id"])] = int(best.get("rank", best_i + 1))
            continue
        owner = (best or {}).get("owner", {}) or {}
        scores.append(NetworkScore(
            network_id=str(net["id"]), scenario=str(net["scenario"]), matched=None if best is None else str(best.get("id")),
            rank=None if best is None else int(best.get("rank", best_i + 1)), jaccard=best_j, found=best_j >= JACCARD_FOUND,
            organiser_recall=_role_recall(truth, got, "organiser"), exploited_recall=_role_recall(truth, got, "exploited"),
            front_recall=_role_recall(truth, got, "front"), owner_level_expected=str(net["owner_level"]),
            owner_level_matched=owner.get("level") if best is not None else None,
        ))
    report.networks = scores
    report.networks_found_share = sum(s.found for s in scores) / len(scores) if scores else None
    report.organiser_recall = _mean([s.organiser_recall for s in scores])
    report.exploited_recall = _mean([s.exploited_recall for s in scores])
    report.front_recall = _mean([s.front_recall for s in scores])
    report.owner_level_accuracy = (sum(s.owner_level_matched == s.owner_level_expected for s in scores) / len(scores)) if scores else None
    report.best_decoy_rank = min(best_net_for.values()) if best_net_for else None
    found_ranks = sorted({s.rank for s in scores if s.found and s.rank is not None})
    if scores:
        ap = sum((k + 1) / r for k, r in enumerate(found_ranks)) / len(scores)
        report.average_precision = ap


def safeguarding_recall(safeguarding: pd.DataFrame, truth_sg: pd.DataFrame, mapping: dict[str, str] | None) -> float | None:
    want = set(truth_sg["entity_id"])
    if not want:
        return None
    ranked = safeguarding.sort_values("rank") if "rank" in safeguarding.columns else safeguarding
    top = ranked["entity_id"].astype(str).head(2 * len(want))
    got = {mapping.get(e, e) if mapping is not None else e for e in top}
    return len(want & got) / len(want)


def _overlaps(a: dict[str, Any], b: dict[str, Any]) -> bool:
    try:
        return str(a["from"]) <= str(b["to"]) and str(b["from"]) <= str(a["to"])
    except (KeyError, TypeError):
        return False


def trend_matches(alerts: list[dict[str, Any]], trends: list[dict[str, Any]]) -> tuple[float | None, list[str]]:
    if not trends:
        return None, []
    top = [a for a in alerts[:10] if a.get("kind") == "emerging-trend"]
    found = []
    for t in trends:
        for a in top:
            same_what = (str(a.get("offence_code", "")) == str(t["offence_code"])) or (a.get("category") == t.get("category"))
            if a.get("force") == t["force"] and same_what and a.get("group") == t["group"] and _overlaps(a.get("period", {}), t["period"]):
                found.append(f"{t['force']}:{t['offence_code']}:{t['group']}")
                break
    return len(found) / len(trends), found


def evaluate(export_dir: Path, truth_dir: Path) -> EvaluationReport:
    """Score the export in ``export_dir`` against ``truth_dir`` (missing files -> None)."""
    report = EvaluationReport()
    records = pd.read_csv(truth_dir / "records.csv", dtype=str, keep_default_na=False)
    planted = json.loads((truth_dir / "networks.json").read_text(encoding="utf-8"))
    mapping: dict[str, str] | None = None
    ent_path = export_dir / "entities.csv"
    if ent_path.exists():
        entities = pd.read_csv(ent_path, dtype=str, keep_default_na=False).loc[:, ["source", "ref", "kind", "entity_id"]]
        report.resolution = resolution_scores(entities, records)
        mapping = _majority_map(entities, records)
    else:
        report.missing.append("entities.csv")
    net_path = export_dir / "networks.json"
    if net_path.exists():
        network_scores(json.loads(net_path.read_text(encoding="utf-8")), planted, mapping, report)
    else:
        report.missing.append("networks.json")
    sg_path = export_dir / "safeguarding.csv"
    if sg_path.exists():
        truth_sg = pd.read_csv(truth_dir / "safeguarding.csv", dtype=str, keep_default_na=False)
        report.safeguarding_recall_at_2k = safeguarding_recall(pd.read_csv(sg_path, dtype={"entity_id": str}), truth_sg, mapping)
    else:
        report.missing.append("safeguarding.csv")
    al_path = export_dir / "alerts.json"
    if al_path.exists():
        trends = json.loads((truth_dir / "trends.json").read_text(encoding="utf-8"))
        report.trends_in_top10, report.trends_found = trend_matches(json.loads(al_path.read_text(encoding="utf-8")), trends)
    else:
        report.missing.append("alerts.json")
    return report
