"""Entity profiles and their source records."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from toex.api import queries
from toex.api.audit_log import log, require_purpose
from toex.api.deps import Analyst, Db, Purpose, StoreDep
from toex.api.errors import not_found
from toex.api.schemas import Profile

router = APIRouter(tags=["entities"])


@router.get("/entities/{entity_id}", response_model=Profile, summary="Profile of an entity from your visible records")
def entity(entity_id: str, user: Analyst, store: StoreDep, db: Db, purpose: Purpose) -> dict[str, Any]:
    given = require_purpose(store, "profile", purpose)
    profile = queries.entity_profile(store, user, entity_id)
    if profile is None:
        raise not_found("entity")
    returned = [entity_id] + [f"{r['source_id']}:{r['ref']}" for r in profile["records"]] + \
        [e["event_id"] for e in profile["events"]]
    log(db, user, "consultation", f"entity:{entity_id}", given, returned, kind="profile")
    return profile
