"""Network scores: every dimension automated and final, a 0-100 score, a rank.

score = 100 * sum(weight_d * final_d) / sum(weight_d), where final_d is the
analyst's override when there is one, else the automated value. The weights
come from ``weights.yaml`` and every row records its ``weights_version``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from toex.assess.config import DIMENSIONS, Weights
from toex.assess.dimensions import DIMENSION_FUNCTIONS, DimensionResult
from toex.assess.facts import NetworkFacts
from toex.assess.overrides import Override, active_overrides
from toex.engine import Engine


@dataclass
class NetworkScore:
    """One network's assessment."""

    network_id: str
    score: float
    weights_version: str
    automated: dict[str, DimensionResult]
    final: dict[str, float]
    overrides: dict[str, Override] = field(default_factory=dict)
    summary: str = ""
    rank: int = 0

    def breakdown(self, weights: Weights) -> dict[str, Any]:
        """Per dimension: automated and final value, weight, explanation and any override."""
        out: dict[str, Any] = {}
        for d in DIMENSIONS:
            item: dict[str, Any] = {
                "automated": round(self.automated[d].value, 4),
                "final": round(self.final[d], 4),
                "weight": weights.dimensions[d],
                "explanation": self.automated[d].explanation,
            }
            ov = self.overrides.get(d)
            if ov is not None:
                item["override"] = {"value": ov.value, "rationale": ov.rationale, "actor": ov.actor,
                                    "at": ov.created_at.isoformat(timespec="seconds")}
            out[d] = item
        return out


def combine(final: dict[str, float], weights: Weights) -> float:
    """The 0-100 score from final dimension values."""
    total = sum(weights.dimensions[d] for d in DIMENSIONS)
    return round(100.0 * sum(weights.dimensions[d] * final[d] for d in DIMENSIONS) / total, 2)


def score_network(facts: NetworkFacts, weights: Weights, overrides: dict[str, Override] | None = None) -> NetworkScore:
    """Score one network from its facts, applying any analyst overrides."""
    overrides = overrides or {}
    automated = {d: DIMENSION_FUNCTIONS[d](facts, weights) for d in DIMENSIONS}
    final = {d: (overrides[d].value if d in overrides else automated[d].value) for d in DIMENSIONS}
    result = NetworkScore(facts.network_id, combine(final, weights), weights.version, automated, final, dict(overrides))
    result.summary = summarise(facts, result)
    return result


def rank(scores: list[NetworkScore]) -> list[NetworkScore]:
    """Highest score first (ties: network id); sets ``rank`` from 1."""
    ordered = sorted(scores, key=lambda s: (-s.score, s.network_id))
    for i, s in enumerate(ordered, start=1):
        s.rank = i
    return ordered


def summarise(facts: NetworkFacts, result: NetworkScore) -> str:
    """One plain-language paragraph a tasking meeting can read."""
    threats = ", ".join(t.replace("-", " ") for t in facts.threats) or "unclassified activity"
    n_people = sum(1 for m in facts.members if m.kind == "person")
    org = len(facts.members_with("organiser"))
    fronts = len(facts.members_with("front"))
    parts = [f"Network {facts.network_id}: {threats}, {n_people} people"]
    if org:
        parts.append(f"{org} suspected organiser(s)")
    if facts.exploited:
        kids = f", {facts.exploited_children} of them children" if facts.exploited_children else ""
        parts.append(f"{facts.exploited} people likely exploited{kids}")
    if fronts:
        parts.append(f"{fronts} front organisation(s)")
    text = "; ".join(parts) + "."
    where = ", ".join(facts.forces) or "no recorded force"
    text += f" Active in {len(facts.forces)} force area(s) ({where})"
    if facts.regions:
        text += f" across {len(facts.regions)} region(s)"
    text += "."
    top = max((d for d in DIMENSIONS if d not in ("capacity", "capability")), key=lambda d: result.final[d])
    text += f" Score {result.score:.1f}/100, driven most by {top} ({result.automated[top].explanation})."
    if facts.missing_episodes:
        text += f" {facts.missing_episodes} missing episode(s) recorded for members."
    return text


def score_all(engine: Engine, facts: dict[str, NetworkFacts], weights: Weights) -> list[NetworkScore]:
    """Score and rank every network, with the overrides in force."""
    overrides = active_overrides(engine)
    scores = [score_network(f, weights, overrides.get(nid)) for nid, f in facts.items()]
    return rank(scores)


def write_scores(engine: Engine, scores: list[NetworkScore], weights: Weights) -> None:
    """Replace ``network_scores`` (call inside the run's transaction)."""
    now = datetime.now(UTC).replace(tzinfo=None)
    engine.execute("DELETE FROM network_scores")
    rows = []
    for s in scores:
        rows.append([
            s.network_id, s.rank, s.score, s.weights_version,
            *(s.final[d] for d in DIMENSIONS),
            *(s.automated[d].value for d in DIMENSIONS),
            s.summary, json.dumps(s.breakdown(weights), sort_keys=True), now,
        ])
    columns = ("network_id", "rank", "score", "weights_version", *DIMENSIONS, *(f"auto_{d}" for d in DIMENSIONS),
               "summary", "breakdown", "scored_at")
    engine.insert_rows("network_scores", columns, rows)
