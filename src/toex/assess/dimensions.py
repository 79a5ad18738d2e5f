"""The scoring dimensions: small pure functions, each returning a value 0..1 and why.

Each function takes the facts about one network (:class:`~toex.assess.facts.NetworkFacts`)
and the weights file, and explains itself in words an analyst can check against
the evidence. Nothing here reads protected characteristics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from toex import reference
from toex.assess.config import Weights
from toex.assess.facts import NetworkFacts, OffenceCount


@dataclass(frozen=True)
class DimensionResult:
    """A dimension's automated value (0..1) and the explanation behind it."""

    value: float
    explanation: str


def _clip(x: float) -> float:
    return max(0.0, min(1.0, x))


def _saturate(n: float, at_full: float) -> float:
    return _clip(n / at_full) if at_full > 0 else 0.0


def offence_harm(code: str, weights: Weights) -> tuple[float, str]:
    """Harm of one offence code 0..1: log-scaled CCHI days, else ONS CSS weight, else harm band / 5."""
    table = reference.harm_weights()
    hw = table.get(code)
    if hw is None:
        try:
            hw = table.get(reference.offence_code(code).offence_code)
        except KeyError:
            hw = None
    if hw is None:
        return 0.2, f"{code}: not in the harm table (band 1 assumed)"
    cchi = hw.cchi_days if hw.cchi_days is not None else hw.cchi_subgroup_median
    if cchi is not None:
        ceiling = float(weights.harm.get("cchi_ceiling_days", 5475))
        return _clip(math.log1p(cchi) / math.log1p(ceiling)), f"{hw.description} ({code}): CCHI {cchi:g} days"
    if hw.css_weight is not None:
        ceiling = float(weights.harm.get("css_ceiling", 7979))
        return _clip(math.log1p(hw.css_weight) / math.log1p(ceiling)), f"{hw.description} ({code}): CSS {hw.css_weight:g}"
    return hw.harm_band / 5.0, f"{hw.description} ({code}): harm band {hw.harm_band} of 5"


def exploitation_risk(facts: NetworkFacts, weights: Weights) -> tuple[float, str]:
    """Exploitation risk in its own right: threat type, identified victims, children offending."""
    threat_weights = {str(k): float(v) for k, v in (weights.harm.get("threat_weights") or {}).items()}
    if not facts.threats:
        return 0.0, "no exploitation threat identified"
    top = max(facts.threats, key=lambda t: threat_weights.get(t, 0.0))
    tw = threat_weights.get(top, 0.0)
    share = float(weights.harm.get("exploitation_base", 0.4))
    reasons = [f"threat {top}"]
    if facts.exploited:
        share += float(weights.harm.get("exploited_member_bonus", 0.3))
        reasons.append(f"{facts.exploited} exploited member(s) identified")
    child_offences = sum(o.by_children for o in facts.offences)
    if child_offences or facts.exploited_children:
        share += float(weights.harm.get("child_offending_bonus", 0.3))
        reasons.append(f"{child_offences} offence(s) recorded against children")
    return _clip(tw * share), ", ".join(reasons)


def harm(facts: NetworkFacts, weights: Weights) -> DimensionResult:
    """Offence harm (reference harm weights) combined with exploitation risk (either can carry it)."""
    offence_value, offence_text = _offence_component(facts.offences, weights)
    risk, risk_text = exploitation_risk(facts, weights)
    value = 1.0 - (1.0 - offence_value) * (1.0 - risk)
    return DimensionResult(
        _clip(value),
        f"offence harm {offence_value:.2f} ({offence_text}); exploitation risk {risk:.2f} ({risk_text})",
    )


def _offence_component(offences: tuple[OffenceCount, ...], weights: Weights) -> tuple[float, str]:
    if not offences:
        return 0.0, "no offences recorded against members"
    scored = [(offence_harm(o.code, weights), o) for o in offences]
    (worst, worst_text), _ = max(scored, key=lambda s: s[0][0])
    weighted_volume = sum(h * o.count for (h, _t), o in scored)
    scale = float(weights.harm.get("volume_scale", 20))
    volume = 1.0 - math.exp(-weighted_volume / scale) if scale > 0 else 0.0
    share = float(weights.harm.get("worst_offence_share", 0.6))
    total = sum(o.count for o in offences)
    value = share * worst + (1.0 - share) * volume
    return _clip(value), f"worst {worst_text}; {total} offence(s) across {len(offences)} code(s)"


def vulnerability(facts: NetworkFacts, weights: Weights) -> DimensionResult:
    """Victim vulnerability: children drawn in, number of victims, missing episodes, NRM referrals."""
    cfg = weights.vulnerability
    w = {str(k): float(v) for k, v in (cfg.get("weights") or {}).items()}
    children = facts.exploited_children + float(cfg.get("other_child_factor", 0.5)) * facts.other_children
    parts = {
        "children": _saturate(children, float(cfg.get("children_at_full", 3))),
        "victims": _saturate(facts.victims, float(cfg.get("victims_at_full", 6))),
        "missing": _saturate(facts.missing_episodes, float(cfg.get("missing_at_full", 6))),
        "nrm": 1.0 if facts.nrm_referred else 0.0,
    }
    total_w = sum(w.get(k, 0.0) for k in parts) or 1.0
    value = sum(w.get(k, 0.0) * v for k, v in parts.items()) / total_w
    return DimensionResult(
        _clip(value),
        f"{facts.exploited_children} exploited child(ren), {facts.other_children} other child member(s), "
        f"{facts.victims} victim(s), {facts.missing_episodes} missing episode(s), "
        f"{facts.nrm_referred} NRM-referred member(s)",
    )


def spread(facts: NetworkFacts, weights: Weights) -> DimensionResult:
    """Geographic spread: forces and ROCU regions (London counts as a region) reached."""
    cfg = weights.spread
    w = {str(k): float(v) for k, v in (cfg.get("weights") or {}).items()}
    nf, nr = len(facts.forces), len(facts.regions)
    f_part = _saturate(max(nf - 1, 0), float(cfg.get("extra_forces_at_full", 4)))
    r_part = _saturate(max(nr - 1, 0), float(cfg.get("extra_regions_at_full", 2)))
    total_w = (w.get("forces", 0.5) + w.get("regions", 0.5)) or 1.0
    value = (w.get("forces", 0.5) * f_part + w.get("regions", 0.5) * r_part) / total_w
    forces = ", ".join(facts.forces) or "none recorded"
    regions = ", ".join(facts.regions) or "none"
    return DimensionResult(_clip(value), f"{nf} force(s) ({forces}); {nr} region(s) ({regions})")


def trajectory(facts: NetworkFacts, weights: Weights) -> DimensionResult:
    """Recent growth: records in the latest window against the window before it."""
    stable = float(weights.trajectory.get("stable", 0.5))
    days = int(weights.trajectory.get("window_days", 90))
    recent, prior = facts.recent_events, facts.prior_events
    if recent + prior == 0:
        return DimensionResult(stable * 0.5, f"no records in the last {2 * days} days: dormant or historic")
    change = (recent - prior) / (recent + prior)
    value = stable + (1.0 - stable) * change if change >= 0 else stable * (1.0 + change)
    word = "growing" if change > 0.1 else "declining" if change < -0.1 else "steady"
    return DimensionResult(_clip(value), f"{recent} record(s) in the last {days} days against {prior} in the {days} before: {word}")


def _grade_quality(source: str | None, intel: str | None, weights: Weights) -> float:
    s_map = {str(k): float(v) for k, v in (weights.confidence.get("source") or {}).items()}
    i_map = {str(k).upper(): float(v) for k, v in (weights.confidence.get("intelligence") or {}).items()}
    s = s_map.get((source or "").strip(), 0.5)
    i = i_map.get((intel or "").strip().upper(), 0.5)
    return s * i


def confidence(facts: NetworkFacts, weights: Weights) -> DimensionResult:
    """Confidence in the picture: 3x5x2 grades of intelligence, recorded events, independent sources."""
    cfg = weights.confidence
    qualities = [_grade_quality(s, i, weights) for s, i in facts.grades]
    qualities += [float(cfg.get("recorded_event", 0.8))] * facts.recorded_events
    if not qualities:
        return DimensionResult(0.0, "no evidence records linked to members")
    quality = sum(qualities) / len(qualities)
    corroboration = _saturate(facts.sources, float(cfg.get("sources_at_full", 4)))
    share = float(cfg.get("quality_share", 0.6))
    value = share * quality + (1.0 - share) * corroboration
    grades = ", ".join(sorted({f"{s or '?'}{i or '?'}" for s, i in facts.grades})) or "none"
    return DimensionResult(
        _clip(value),
        f"{len(facts.grades)} graded intelligence item(s) (grades {grades}), {facts.recorded_events} recorded "
        f"event(s), {facts.sources} independent source(s)",
    )


def organisational(name: str) -> Callable[[NetworkFacts, Weights], DimensionResult]:
    """Capacity or capability: an analyst assesses these; the automated value is neutral."""

    def dimension(facts: NetworkFacts, weights: Weights) -> DimensionResult:
        return DimensionResult(
            weights.organisational_default,
            f"{name} not assessed: neutral {weights.organisational_default:.2f} until an analyst sets it "
            "(1 = beyond the owner's " + name + ")",
        )

    dimension.__name__ = name
    return dimension


#: Dimension name -> its function, in display order.
DIMENSION_FUNCTIONS: dict[str, Callable[[NetworkFacts, Weights], DimensionResult]] = {
    "harm": harm,
    "vulnerability": vulnerability,
    "spread": spread,
    "trajectory": trajectory,
    "confidence": confidence,
    "capacity": organisational("capacity"),
    "capability": organisational("capability"),
}
