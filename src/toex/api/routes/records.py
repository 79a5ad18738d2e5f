"""One source record with provenance."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from toex.api import queries
from toex.api.audit_log import log, require_purpose
from toex.api.deps import Analyst, Db, Purpose, StoreDep
from toex.api.errors import not_found
from toex.api.schemas import SourceRecord

router = APIRouter(tags=["records"])


@router.get("/records/{source_id}/{ref}", response_model=SourceRecord, summary="One source record with provenance")
def record(source_id: str, ref: str, user: Analyst, store: StoreDep, db: Db, purpose: Purpose) -> dict[str, Any]:
    given = require_purpose(store, "record", purpose)
    found = queries.record(store, user, source_id, ref)
    if found is None:
        raise not_found("record")
    log(db, user, "consultation", f"record:{source_id}:{ref}", given, [f"{source_id}:{ref}"], kind="record")
    return found
