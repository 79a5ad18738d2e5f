"""The audit trail: read, export (CSV), verify. Supervisors and above."""

from __future__ import annotations

import csv
import io
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from toex.api import queries
from toex.api.audit_log import log
from toex.api.deps import Db, PageNo, PageSize, Purpose, StoreDep, Supervisor
from toex.api.schemas import AuditEntry, AuditVerification, Page
from toex.share.export import safe_cell
from toex.store import audit

router = APIRouter(tags=["audit"])
Action = Annotated[str | None, Query(max_length=20, pattern="^[a-z]+$")]


@router.get("/audit", response_model=Page[AuditEntry], summary="Audit entries (newest first) of users in your scope")
def entries(user: Supervisor, store: StoreDep, db: Db, purpose: Purpose, page: PageNo = 1, page_size: PageSize = 50,
            action: Action = None) -> dict[str, Any]:
    items, total = queries.audit_entries(store, user, queries.users_in_scope(store, user), page, page_size, action)
    log(db, user, "consultation", "audit", (purpose or "").strip() or None, [str(i["seq"]) for i in items],
        kind="audit")
    return {"items": items, "total": total, "page": page, "page_size": page_size}


@router.get("/audit/export", summary="Audit entries of users in your scope as CSV", response_class=Response,
            responses={200: {"content": {"text/csv": {}}}})
def export(user: Supervisor, store: StoreDep, db: Db, purpose: Purpose, action: Action = None) -> Response:
    items, _total = queries.audit_entries(store, user, queries.users_in_scope(store, user), 1, 1_000_000, action)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["seq", "logged_at", "actor", "action", "target", "purpose", "detail", "hash"])
    for i in items:
        writer.writerow([safe_cell(v) for v in (i["seq"], i["logged_at"], i["actor"], i["action"], i["target"] or "",
                                                 i["purpose"] or "", json.dumps(i["detail"], sort_keys=True), i["hash"])])
    log(db, user, "disclosure", "audit-export", (purpose or "").strip() or None, [], kind="audit_export",
        entries=len(items), recipients=[user.username])
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": 'attachment; filename="toex-audit.csv"'})


@router.get("/audit/verify", response_model=AuditVerification, summary="Recompute the hash chain")
def verify(user: Supervisor, store: StoreDep) -> AuditVerification:
    result = audit.verify(store)
    return AuditVerification(ok=result.ok, entries=result.entries, first_bad_seq=result.first_bad_seq,
                             reason=result.reason)
