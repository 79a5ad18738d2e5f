"""Tasks and their lifecycle (proposed -> approved -> in-progress -> done -> closed)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Query

from toex.api import queries
from toex.api.audit_log import log
from toex.api.deps import Analyst, Db, PageNo, PageSize, Purpose, StoreDep, Supervisor
from toex.api.errors import ApiError, not_found
from toex.api.schemas import AssignRequest, Page, Task, TransitionRequest
from toex.store import audit

router = APIRouter(tags=["tasks"])
Filter = Annotated[str | None, Query(max_length=60)]

#: Moves that need the tasking authority role: issuing a task, or refusing a proposed one.
TASKING_MOVES = frozenset({"approved"})


@router.get("/tasks", response_model=Page[Task], summary="Tasks in your scope")
def tasks(user: Analyst, store: StoreDep, db: Db, purpose: Purpose, status: Filter = None, owner_unit: Filter = None,
          network_id: Filter = None, page: PageNo = 1, page_size: PageSize = 200) -> dict[str, Any]:
    result = queries.paginate(queries.tasks(store, user, status=status, owner_unit=owner_unit, network_id=network_id),
                              page, page_size)
    log(db, user, "consultation", "tasks", (purpose or "").strip() or None,
        [t["task_id"] for t in result["items"]], kind="tasks")
    return result


def _one(store: Any, user: Any, task_id: str) -> dict[str, Any]:
    found = queries.tasks(store, user, task_id=task_id)
    if not found:
        raise not_found("task")
    return found[0]


@router.post("/tasks/{task_id}/transition", response_model=Task, summary="Move a task along its lifecycle")
def transition(task_id: str, body: TransitionRequest, user: Analyst, store: StoreDep, db: Db) -> dict[str, Any]:
    task = _one(store, user, task_id)
    tasking_move = body.to in TASKING_MOVES or (body.to == "closed" and task["status"] == "proposed")
    if tasking_move and not user.has_role("tasking"):
        raise ApiError(403, "approving or refusing a proposed task needs the tasking authority role",
                       detail={"role": user.role})
    from toex.task.lifecycle import TaskError
    from toex.task.lifecycle import transition as move

    with db.writer() as w:
        try:
            move(w, task_id, body.to, actor=user.username, note=body.note, outcome=body.outcome)
        except TaskError as exc:
            raise ApiError(409, str(exc), code="conflict") from exc
    return _one(store, user, task_id)


@router.patch("/tasks/{task_id}", response_model=Task, summary="Assign a task to a unit or set its due date")
def assign(task_id: str, body: AssignRequest, user: Supervisor, store: StoreDep, db: Db) -> dict[str, Any]:
    task = _one(store, user, task_id)
    changes: dict[str, Any] = {}
    if body.owner_unit is not None:
        known = store.scalar("SELECT count(*) FROM ref_forces WHERE force_id = ?", [body.owner_unit]) or \
            store.scalar("SELECT count(*) FROM ref_regions WHERE region_id = ?", [body.owner_unit]) or \
            body.owner_unit == "nca"
        if not known:
            raise ApiError(422, f"unknown unit {body.owner_unit!r}: a force id, region id or 'nca'", code="invalid")
        changes["owner_unit"] = body.owner_unit
    if body.due is not None:
        try:
            changes["due"] = date.fromisoformat(body.due)
        except ValueError as exc:
            raise ApiError(422, "due must be an ISO date (YYYY-MM-DD)", code="invalid") from exc
    if not changes:
        return task
    with db.writer() as w, w.transaction():
        sets = ", ".join(f"{k} = ?" for k in changes)
        w.execute(f"UPDATE tasks SET {sets}, updated_at = now()::TIMESTAMP WHERE task_id = ?",
                  [*changes.values(), task_id])
        seq = audit.record(w, user.username, "alteration", f"task:{task_id}",
                           {"assigned": {k: str(v) for k, v in changes.items()},
                            "before": {k: str(task.get(k)) for k in changes}}, purpose="tasking")
        nxt = int(w.scalar("SELECT coalesce(max(seq), 0) + 1 FROM task_history WHERE task_id = ?", [task_id]))
        w.execute("INSERT INTO task_history VALUES (?, ?, now()::TIMESTAMP, ?, ?, ?, ?, ?)",
                  [task_id, nxt, user.username, task["status"], task["status"],
                   "assigned: " + ", ".join(f"{k}={v}" for k, v in changes.items()), seq])
    return _one(store, user, task_id)
