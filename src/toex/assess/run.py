"""``run_assess``: the assess stage end to end, in one transaction.

Reads the detect and resolve tables; writes network_evidence, network_scores,
safeguarding_list, alerts, a picture snapshot and any change alerts; audits
the run as a ``combination``. Overrides are applied, never cleared.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from toex.assess.alerts import write_alerts
from toex.assess.changes import (
    attach_evidence,
    build_picture,
    diff,
    last_picture,
    record_changes,
    save_picture,
    set_geography,
)
from toex.assess.config import Weights, load_weights
from toex.assess.facts import build_evidence, check_inputs, gather, reference_date
from toex.assess.safeguarding import build_safeguarding
from toex.assess.score import score_all, write_scores
from toex.engine import Engine, as_engine, record_audit
from toex.store import Store

#: The columns of ``assess_runs``, in order.
RUN_COLUMNS = ("run_id", "started_at", "finished_at", "actor", "weights_version", "networks", "safeguarding",
               "alerts", "change_alerts")


@dataclass(frozen=True)
class AssessResult:
    """What one assessment run produced."""

    run_id: str
    weights_version: str
    networks: int
    safeguarding: int
    alerts: int
    change_alerts: int
    reference_date: date


def run_assess(store: Store | Engine, *, actor: str = "cli", weights: Weights | None = None, today: date | None = None) -> AssessResult:
    """Score, rank and compare the threat picture; see the module docstring."""
    engine = as_engine(store)
    check_inputs(engine)
    weights = weights or load_weights()
    run_id = f"A-{datetime.now(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    started = datetime.now(UTC).replace(tzinfo=None)
    with engine.transaction():
        at = reference_date(engine)
        build_evidence(engine)
        facts = gather(engine, at, int(weights.trajectory.get("window_days", 90)))
        scores = score_all(engine, facts, weights)
        write_scores(engine, scores, weights)
        n_safe = build_safeguarding(engine, weights, at, today)
        picture = build_picture(engine, scores)
        for nid, f in facts.items():
            set_geography(picture, nid, f.forces, f.regions)
        previous = last_picture(engine)
        changes = diff(previous[1], picture, weights) if previous else []
        attach_evidence(engine, changes)
        recorded = record_changes(engine, run_id, started, changes)
        save_picture(engine, run_id, started, picture, weights)
        n_alerts = write_alerts(engine, recorded)
        engine.insert_rows(
            "assess_runs", RUN_COLUMNS,
            [(run_id, started, datetime.now(UTC).replace(tzinfo=None), actor, weights.version, len(scores), n_safe,
              n_alerts, len(changes))],
        )
        record_audit(engine, actor, "combination", f"assess:{run_id}",
                     {"networks": len(scores), "safeguarding": n_safe, "alerts": n_alerts,
                      "change_alerts": len(changes), "weights_version": weights.version,
                      "previous_picture": previous[0] if previous else None},
                     purpose="threat assessment and prioritisation")
    return AssessResult(run_id, weights.version, len(scores), n_safe, n_alerts, len(changes), at)
