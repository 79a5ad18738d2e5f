"""``generate_tasks``: owners for every network and proposed 4P tasks.

Replaces ``network_owners``; adds a ``proposed`` task for each action whose
finding (``action_key``) has no task yet, so re-running never duplicates a
task and never touches a task an analyst has moved on. Audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pyarrow as pa

from toex.engine import Engine, as_engine, record_audit
from toex.store import Store
from toex.task.actions import Action, generate_actions
from toex.task.context import NetworkContext, load_contexts
from toex.task.lifecycle import record_creations


@dataclass(frozen=True)
class TaskingResult:
    """What one tasking run did."""

    networks: int
    proposed: int
    existing: int


def write_owners(engine: Engine, contexts: dict[str, NetworkContext]) -> None:
    """Replace ``network_owners``."""
    engine.execute("DELETE FROM network_owners")
    engine.insert_rows("network_owners", ("network_id", "owner_level", "owner_unit", "reason"),
                       [(c.network_id, c.owner.level, c.owner.unit, c.owner.reason) for c in contexts.values()])


def _next_number(engine: Engine) -> int:
    last = engine.scalar("SELECT max(CAST(substr(task_id, 3) AS INTEGER)) FROM tasks WHERE task_id LIKE 'K-%'")
    return int(last or 0) + 1


def generate_tasks(store: Store | Engine, *, actor: str = "cli") -> TaskingResult:
    """Owners and proposed tasks for every scored network (one transaction)."""
    engine = as_engine(store)
    contexts = load_contexts(engine)
    now = datetime.now(UTC).replace(tzinfo=None)
    existing = 0
    new: list[tuple[str, Action]] = []
    with engine.transaction():
        write_owners(engine, contexts)
        known = {r[0] for r in engine.fetchall("SELECT action_key FROM tasks")}
        number = _next_number(engine)
        for ctx in contexts.values():
            for action in generate_actions(ctx):
                if action.key in known:
                    existing += 1
                    continue
                new.append((f"K-{number + len(new):06d}", action))
                known.add(action.key)
        engine.insert_rows("tasks", TASK_COLUMNS, [_row(task_id, a, now) for task_id, a in new],
                           types={"subject": pa.string(), "kind": pa.string()})
        record_creations(engine, {task_id: {"network": a.network_id, "strand": a.strand, "kind": a.kind,
                                            "owner": a.owner_unit} for task_id, a in new}, actor)
        record_audit(engine, actor, "combination", "task:generate",
                     {"networks": len(contexts), "proposed": len(new), "existing": existing}, purpose="tasking")
    return TaskingResult(len(contexts), len(new), existing)


#: The columns a proposed task fills, in the order of :func:`_row`.
TASK_COLUMNS = ("task_id", "network_id", "strand", "action", "action_key", "kind", "subject", "owner_level",
                "owner_unit", "status", "due", "evidence", "created_at", "updated_at")


def _row(task_id: str, a: Action, now: datetime) -> tuple[Any, ...]:
    return (task_id, a.network_id, a.strand, a.action, a.key, a.kind, a.subject, a.owner_level, a.owner_unit,
            "proposed", (now + timedelta(days=a.due_days())).date(), json.dumps(list(a.evidence)), now, now)
