"""The tasking lifecycle: proposed -> approved -> in-progress -> done -> closed (with outcome).

Invariants:
- generated tasks start ``proposed`` and nothing is issued before a named
  person approves it (``approve`` refuses an empty or generic approver);
- any open task may be closed with an outcome (e.g. ``not-approved``), but
  only ``done`` follows ``in-progress`` and only ``in-progress`` follows ``approved``;
- every change is kept in ``task_history`` and audited (``alteration``);
- ``tasks`` and ``task_history`` are never cleared by a run.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import Any

import pyarrow as pa

from toex.engine import Engine, as_engine, record_audit
from toex.errors import ToexError
from toex.store import Store

STATUSES = ("proposed", "approved", "in-progress", "done", "closed")
TRANSITIONS: dict[str, frozenset[str]] = {
    "proposed": frozenset({"approved", "closed"}),
    "approved": frozenset({"in-progress", "closed"}),
    "in-progress": frozenset({"done", "closed"}),
    "done": frozenset({"closed"}),
    "closed": frozenset(),
}
#: Outcome codes a later review can learn from (free text goes in the note).
OUTCOMES = (
    "child-safeguarded", "adult-safeguarded", "nrm-referral-made", "arrest", "charge", "line-closed",
    "asset-seized", "front-disrupted", "intelligence-developed", "no-further-action", "not-approved",
    "duplicate", "other",
)
#: The columns of ``task_history``, in order.
HISTORY_COLUMNS = ("task_id", "seq", "changed_at", "actor", "from_status", "to_status", "note", "audit_seq")
_HISTORY_TYPES = {"from_status": pa.string(), "note": pa.string(), "audit_seq": pa.int64()}
#: Approver names that do not identify a person.
_GENERIC = frozenset({"", "cli", "system", "toex", "admin", "root", "user", "unknown", "anonymous", "analyst"})


class TaskError(ToexError):
    """A task change was refused: unknown task, invalid transition, no approver or outcome."""


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def get_task(store: Store | Engine, task_id: str) -> dict[str, Any]:
    """One task as a dict; TaskError naming the id otherwise."""
    engine = as_engine(store)
    rows = engine.fetchall("SELECT * FROM tasks WHERE task_id = ?", [task_id])
    if not rows:
        raise TaskError(f"no task {task_id!r}; see 'toex task list'")
    return dict(zip(engine.columns("tasks"), rows[0], strict=True))


def _history(engine: Engine, task_id: str, actor: str, from_status: str | None, to_status: str, note: str | None,
             audit_seq: int | None) -> None:
    seq = int(engine.scalar("SELECT coalesce(max(seq), 0) + 1 FROM task_history WHERE task_id = ?", [task_id]))
    engine.insert_rows("task_history", HISTORY_COLUMNS,
                       [(task_id, seq, _now(), actor, from_status, to_status, note, audit_seq)],
                       types=_HISTORY_TYPES)


def record_creations(engine: Engine, created: dict[str, dict[str, Any]], actor: str) -> None:
    """History and one audit entry for newly proposed tasks, task id -> detail (call inside a transaction)."""
    if not created:
        return
    seq = record_audit(engine, actor, "alteration", "task:generate",
                       {"created": "proposed", "tasks": [{"task": t, **d} for t, d in created.items()]},
                       purpose="tasking")
    now = _now()
    engine.insert_rows("task_history", HISTORY_COLUMNS,
                       [(t, 1, now, actor, None, "proposed", "generated from the assessment", seq) for t in created],
                       types=_HISTORY_TYPES)


def transition(store: Store | Engine, task_id: str, to_status: str, *, actor: str, note: str | None = None,
               outcome: str | None = None, assignee: str | None = None, due: date | None = None) -> dict[str, Any]:
    """Move a task to ``to_status``; raise TaskError when the move is not allowed."""
    if to_status not in STATUSES:
        raise TaskError(f"unknown status {to_status!r}; expected one of {', '.join(STATUSES)}")
    engine = as_engine(store)
    if not actor or not actor.strip():
        raise TaskError("every task change needs the name of the person making it (--actor)")
    task = get_task(engine, task_id)
    current = str(task["status"])
    if to_status not in TRANSITIONS[current]:
        allowed = ", ".join(sorted(TRANSITIONS[current])) or "none (the task is closed)"
        raise TaskError(f"task {task_id} is {current}: it cannot move to {to_status} (allowed: {allowed})")
    sets: dict[str, Any] = {"status": to_status, "updated_at": _now()}
    if to_status == "approved":
        if actor.strip().lower() in _GENERIC:
            raise TaskError(f"approval needs a named person, not {actor!r}: pass --actor 'Firstname Surname' "
                            "(no tasking is issued without a named approver)")
        sets.update(approved_by=actor.strip(), approved_at=_now())
    if to_status == "closed":
        if not outcome:
            raise TaskError(f"closing a task needs an outcome (--outcome), one of {', '.join(OUTCOMES)}")
        if outcome not in OUTCOMES:
            raise TaskError(f"unknown outcome {outcome!r}; expected one of {', '.join(OUTCOMES)}")
        sets.update(outcome=outcome, outcome_note=note)
    if assignee:
        sets["assignee"] = assignee
    if due:
        sets["due"] = due
    with engine.transaction():
        assignments = ", ".join(f"{k} = ?" for k in sets)
        engine.execute(f"UPDATE tasks SET {assignments} WHERE task_id = ?", [*sets.values(), task_id])
        seq = record_audit(engine, actor.strip(), "alteration", f"task:{task_id}",
                           {"from": current, "to": to_status, "outcome": outcome, "note": note,
                            "network": task["network_id"], "strand": task["strand"]}, purpose="tasking")
        _history(engine, task_id, actor.strip(), current, to_status,
                 note if not outcome else json.dumps({"outcome": outcome, "note": note}), seq)
    return get_task(engine, task_id)


def approve(store: Store | Engine, task_id: str, *, approver: str, note: str | None = None) -> dict[str, Any]:
    """Approve (issue) a proposed task; the approver must be a named person."""
    return transition(store, task_id, "approved", actor=approver, note=note)


def start(store: Store | Engine, task_id: str, *, actor: str, assignee: str | None = None) -> dict[str, Any]:
    """Mark an approved task in progress."""
    return transition(store, task_id, "in-progress", actor=actor, assignee=assignee)


def done(store: Store | Engine, task_id: str, *, actor: str, note: str | None = None) -> dict[str, Any]:
    """Mark a task done."""
    return transition(store, task_id, "done", actor=actor, note=note)


def close(store: Store | Engine, task_id: str, *, actor: str, outcome: str, note: str | None = None) -> dict[str, Any]:
    """Close a task with its outcome."""
    return transition(store, task_id, "closed", actor=actor, outcome=outcome, note=note)


def outcome_summary(store: Store | Engine) -> list[tuple[str, str, int]]:
    """(strand, outcome, tasks) over closed tasks: what later reviews learn from."""
    return [(str(s), str(o), int(n)) for s, o, n in as_engine(store).fetchall(
        "SELECT strand, outcome, count(*) FROM tasks WHERE status = 'closed' GROUP BY strand, outcome "
        "ORDER BY 1, 3 DESC")]
