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
from toex.engine import Engine, as_engine, record_audit
from toex.errors import ConfigError
from toex.store import Store


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


def set_override(store: Store | Engine, network_id: str, dimension: str, value: float, *, rationale: str, actor: str) -> Override:
    """Record an override, re-score that network in place, and audit it."""
    engine = as_engine(store)
    if dimension not in DIMENSIONS:
        raise OverrideError(f"unknown dimension {dimension!r}; expected one of {', '.join(DIMENSIONS)}")
    if not 0.0 <= value <= 1.0:
        raise OverrideError(f"override value {value} is out of range: dimensions run from 0 to 1")
    if not rationale or not rationale.strip():
        raise OverrideError("an override needs a rationale (--rationale) saying why the automated value is wrong")
    if not actor or not actor.strip():
        raise OverrideError("an override needs the name of the analyst making it (--actor)")
    if engine.scalar("SELECT count(*) FROM networks WHERE network_id = ?", [network_id]) == 0:
        raise OverrideError(f"no network {network_id!r}; see 'toex assess' for the networks")
    ov = Override(f"OV-{uuid.uuid4().hex[:12]}", network_id, dimension, float(value), rationale.strip(),
                  actor.strip(), datetime.now(UTC).replace(tzinfo=None))
    automated = engine.scalar(f"SELECT auto_{dimension} FROM network_scores WHERE network_id = ?", [network_id])
    with engine.transaction():
        engine.execute("UPDATE score_overrides SET active = false WHERE network_id = ? AND dimension = ?",
                      [network_id, dimension])
        engine.insert_rows(
            "score_overrides", ("override_id", "network_id", "dimension", "value", "rationale", "actor", "created_at",
                                "active"),
            [(ov.override_id, network_id, dimension, ov.value, ov.rationale, ov.actor, ov.created_at, True)])
        record_audit(engine, ov.actor, "alteration", f"network:{network_id}",
                     {"override": ov.override_id, "dimension": dimension, "automated": automated,
                      "final": ov.value, "rationale": ov.rationale}, purpose="threat assessment override")
        rescore_in_place(engine)
    return ov


def withdraw_override(store: Store | Engine, network_id: str, dimension: str, *, actor: str, rationale: str) -> int:
    """Withdraw the active override of one dimension (the row is kept); return rows changed."""
    engine = as_engine(store)
    with engine.transaction():
        n = engine.scalar("SELECT count(*) FROM score_overrides WHERE network_id = ? AND dimension = ? AND active",
                         [network_id, dimension])
        engine.execute("UPDATE score_overrides SET active = false WHERE network_id = ? AND dimension = ?",
                      [network_id, dimension])
        record_audit(engine, actor, "alteration", f"network:{network_id}",
                     {"withdrawn": dimension, "rationale": rationale}, purpose="threat assessment override")
        rescore_in_place(engine)
    return int(n or 0)


def active_overrides(engine: Engine) -> dict[str, dict[str, Override]]:
    """network id -> dimension -> the override in force."""
    out: dict[str, dict[str, Override]] = {}
    for row in engine.fetchall(
        "SELECT override_id, network_id, dimension, value, rationale, actor, created_at FROM score_overrides "
        "WHERE active ORDER BY created_at"
    ):
        ov = Override(row[0], row[1], row[2], float(row[3]), row[4], row[5], row[6])
        out.setdefault(ov.network_id, {})[ov.dimension] = ov
    return out


def rescore_in_place(engine: Engine) -> None:
    """Recompute final values, scores and ranks of ``network_scores`` from auto values + overrides.

    The table is rewritten as a whole (DELETE + INSERT, one transaction with the caller's), so every engine can do it.
    """
    import json

    import pyarrow as pa

    from toex.assess.score import combine

    weights = load_weights()
    overrides = active_overrides(engine)
    table = engine.fetch_arrow("SELECT * FROM network_scores")
    rows = table.to_pylist()
    for row in rows:
        ovs = overrides.get(row["network_id"], {})
        final = {d: (ovs[d].value if d in ovs else float(row[f"auto_{d}"] if row[f"auto_{d}"] is not None else 0.0))
                 for d in DIMENSIONS}
        detail = json.loads(row["breakdown"]) if row["breakdown"] else {}
        for d in DIMENSIONS:
            item = detail.setdefault(d, {})
            item["final"] = round(final[d], 4)
            if d in ovs:
                o = ovs[d]
                item["override"] = {"value": o.value, "rationale": o.rationale, "actor": o.actor,
                                    "at": o.created_at.isoformat(timespec="seconds")}
            else:
                item.pop("override", None)
        row.update(final, score=combine(final, weights), breakdown=json.dumps(detail, sort_keys=True))
    rows.sort(key=lambda r: (-r["score"], r["network_id"]))
    for i, row in enumerate(rows, start=1):
        row["rank"] = i
    engine.execute("DELETE FROM network_scores")
    engine.insert_rows("network_scores", table.column_names, [[r[c] for c in table.column_names] for r in rows],
                       types={f.name: pa.string() if isinstance(f.type, pa.ExtensionType) else f.type
                              for f in table.schema})
