"""``generate_tasks``: owners for every network and proposed 4P tasks.

Replaces ``network_owners``; adds a ``proposed`` task for each action whose
finding (``action_key``) has no task yet, so re-running never duplicates a
task and never touches a task an analyst has moved on. Audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from toex.store import Store, audit
from toex.task.actions import Action, generate_actions
from toex.task.context import NetworkContext, load_contexts
from toex.task.lifecycle import record_creation


@dataclass(frozen=True)
class TaskingResult:
    """What one tasking run did."""

    networks: int
    proposed: int
    existing: int


def write_owners(store: Store, contexts: dict[str, NetworkContext]) -> None:
    """Replace ``network_owners``."""
    store.execute("DELETE FROM network_owners")
    rows = [(c.network_id, c.owner.level, c.owner.unit, c.owner.reason) for c in contexts.values()]
    if rows:
        store.con.executemany("INSERT INTO network_owners VALUES (?, ?, ?, ?)", rows)


def _next_number(store: Store) -> int:
    last = store.scalar("SELECT max(CAST(substr(task_id, 3) AS INTEGER)) FROM tasks WHERE task_id LIKE 'K-%'")
    return int(last or 0) + 1


def generate_tasks(store: Store, *, actor: str = "cli") -> TaskingResult:
    """Owners and proposed tasks for every scored network (one transaction)."""
    contexts = load_contexts(store)
    now = datetime.now(UTC).replace(tzinfo=None)
    proposed = existing = 0
    with store.transaction():
        write_owners(store, contexts)
        known = {r[0] for r in store.fetchall("SELECT action_key FROM tasks")}
        number = _next_number(store)
        for ctx in contexts.values():
            for action in generate_actions(ctx):
                if action.key in known:
                    existing += 1
                    continue
                task_id = f"K-{number:06d}"
                number += 1
                _insert(store, task_id, action, now)
                record_creation(store, task_id, actor, {"network": action.network_id, "strand": action.strand,
                                                        "kind": action.kind, "owner": action.owner_unit})
                known.add(action.key)
                proposed += 1
        audit.record(store, actor, "combination", "task:generate",
                     {"networks": len(contexts), "proposed": proposed, "existing": existing}, purpose="tasking")
    return TaskingResult(len(contexts), proposed, existing)


def _insert(store: Store, task_id: str, a: Action, now: datetime) -> None:
    store.execute(
        "INSERT INTO tasks (task_id, network_id, strand, action, action_key, kind, subject, owner_level, owner_unit, "
        "status, due, evidence, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'proposed', ?, ?, ?, ?)",
        [task_id, a.network_id, a.strand, a.action, a.key, a.kind, a.subject, a.owner_level, a.owner_unit,
         (now + timedelta(days=a.due_days())).date(), json.dumps(list(a.evidence)), now, now],
    )
