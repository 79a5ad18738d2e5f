"""Analyst overrides of any scoring dimension, with a rationale.

Invariants: ``score_overrides`` is never cleared by a run; the automated value
stays in ``network_scores.auto_*`` next to the final one; each override is
audited as an ``alteration``. The latest active override per (network,
dimension) wins; withdrawing one keeps the row with ``active = false``.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from toex.assess.config import DIMENSIONS, load_weights
from toex.errors import ConfigError
from toex.store import Store, audit


@dataclass(frozen=True)
class Override:
    """One analyst judgement replacing an automated dimension value."""

    override_id: str
    network_id: str
    dimension: str
    value: float
    rationale: str
    actor: str
    created_at: datetime


class OverrideError(ConfigError):
    """An override was refused (unknown dimension, value out of range, no rationale)."""


def set_override(store: Store, network_id: str, dimension: str, value: float, *, rationale: str, actor: str) -> Override:
    """Record an override, re-score that network in place, and audit it."""
    if dimension not in DIMENSIONS:
        raise OverrideError(f"unknown dimension {dimension!r}; expected one of {', '.join(DIMENSIONS)}")
    if not 0.0 <= value <= 1.0:
        raise OverrideError(f"override value {value} is out of range: dimensions run from 0 to 1")
    if not rationale or not rationale.strip():
        raise OverrideError("an override needs a rationale (--rationale) saying why the automated value is wrong")
    if not actor or not actor.strip():
        raise OverrideError("an override needs the name of the analyst making it (--actor)")
    if store.scalar("SELECT count(*) FROM networks WHERE network_id = ?", [network_id]) == 0:
        raise OverrideError(f"no network {network_id!r}; see 'toex assess' for the networks")
    ov = Override(f"OV-{uuid.uuid4().hex[:12]}", network_id, dimension, float(value), rationale.strip(),
                  actor.strip(), datetime.now(UTC).replace(tzinfo=None))
    automated = store.scalar(f"SELECT auto_{dimension} FROM network_scores WHERE network_id = ?", [network_id])
    with store.transaction():
        store.execute("UPDATE score_overrides SET active = false WHERE network_id = ? AND dimension = ?",
                      [network_id, dimension])
        store.execute(
            "INSERT INTO score_overrides VALUES (?, ?, ?, ?, ?, ?, ?, true)",
            [ov.override_id, network_id, dimension, ov.value, ov.rationale, ov.actor, ov.created_at],
        )
        audit.record(store, ov.actor, "alteration", f"network:{network_id}",
                     {"override": ov.override_id, "dimension": dimension, "automated": automated,
                      "final": ov.value, "rationale": ov.rationale}, purpose="threat assessment override")
        rescore_in_place(store)
    return ov


def withdraw_override(store: Store, network_id: str, dimension: str, *, actor: str, rationale: str) -> int:
    """Withdraw the active override of one dimension (the row is kept); return rows changed."""
    with store.transaction():
        n = store.scalar("SELECT count(*) FROM score_overrides WHERE network_id = ? AND dimension = ? AND active",
                         [network_id, dimension])
        store.execute("UPDATE score_overrides SET active = false WHERE network_id = ? AND dimension = ?",
                      [network_id, dimension])
        audit.record(store, actor, "alteration", f"network:{network_id}",
                     {"withdrawn": dimension, "rationale": rationale}, purpose="threat assessment override")
        rescore_in_place(store)
    return int(n or 0)


def active_overrides(store: Store) -> dict[str, dict[str, Override]]:
    """network id -> dimension -> the override in force."""
    out: dict[str, dict[str, Override]] = {}
    for row in store.fetchall(
        "SELECT override_id, network_id, dimension, value, rationale, actor, created_at FROM score_overrides "
        "WHERE active ORDER BY created_at"
    ):
        ov = Override(row[0], row[1], row[2], float(row[3]), row[4], row[5], row[6])
        out.setdefault(ov.network_id, {})[ov.dimension] = ov
    return out


def rescore_in_place(store: Store) -> None:
    """Recompute final values, scores and ranks of ``network_scores`` from auto values + overrides."""
    import json

    from toex.assess.score import combine

    weights = load_weights()
    overrides = active_overrides(store)
    rows = store.fetchall(
        f"SELECT network_id, breakdown, {', '.join('auto_' + d for d in DIMENSIONS)} FROM network_scores"
    )
    updated: list[tuple[str, float, dict[str, float], str]] = []
    for network_id, breakdown, *autos in rows:
        ovs = overrides.get(network_id, {})
        final = {d: (ovs[d].value if d in ovs else float(a if a is not None else 0.0)) for d, a in zip(DIMENSIONS, autos, strict=True)}
        detail = json.loads(breakdown) if breakdown else {}
        for d in DIMENSIONS:
            item = detail.setdefault(d, {})
            item["final"] = round(final[d], 4)
            if d in ovs:
                o = ovs[d]
                item["override"] = {"value": o.value, "rationale": o.rationale, "actor": o.actor,
                                    "at": o.created_at.isoformat(timespec="seconds")}
            else:
                item.pop("override", None)
        updated.append((network_id, combine(final, weights), final, json.dumps(detail, sort_keys=True)))
    updated.sort(key=lambda u: (-u[1], u[0]))
    for i, (network_id, score, final, detail_json) in enumerate(updated, start=1):
        sets = ", ".join(f"{d} = ?" for d in DIMENSIONS)
        store.execute(
            f"UPDATE network_scores SET rank = ?, score = ?, breakdown = ?, {sets} WHERE network_id = ?",
            [i, score, detail_json, *(final[d] for d in DIMENSIONS), network_id],
        )
