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
from toex.store import Store, audit


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


def run_assess(store: Store, *, actor: str = "cli", weights: Weights | None = None, today: date | None = None) -> AssessResult:
    """Score, rank and compare the threat picture; see the module docstring."""
    check_inputs(store)
    weights = weights or load_weights()
    run_id = f"A-{datetime.now(UTC):%Y%m%d%H%M%S}-{uuid.uuid4().hex[:6]}"
    started = datetime.now(UTC).replace(tzinfo=None)
    with store.transaction():
        at = reference_date(store)
        build_evidence(store)
        facts = gather(store, at, int(weights.trajectory.get("window_days", 90)))
        scores = score_all(store, facts, weights)
        write_scores(store, scores, weights)
        n_safe = build_safeguarding(store, weights, at, today)
        picture = build_picture(store, scores)
        for nid, f in facts.items():
            set_geography(picture, nid, f.forces, f.regions)
        previous = last_picture(store)
        changes = diff(previous[1], picture, weights) if previous else []
        attach_evidence(store, changes)
        recorded = record_changes(store, run_id, started, changes)
        save_picture(store, run_id, started, picture, weights)
        n_alerts = write_alerts(store, recorded)
        store.execute(
            "INSERT INTO assess_runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [run_id, started, datetime.now(UTC).replace(tzinfo=None), actor, weights.version, len(scores), n_safe,
             n_alerts, len(changes)],
        )
        audit.record(store, actor, "combination", f"assess:{run_id}",
                     {"networks": len(scores), "safeguarding": n_safe, "alerts": n_alerts,
                      "change_alerts": len(changes), "weights_version": weights.version,
                      "previous_picture": previous[0] if previous else None},
                     purpose="threat assessment and prioritisation")
    return AssessResult(run_id, weights.version, len(scores), n_safe, n_alerts, len(changes), at)
