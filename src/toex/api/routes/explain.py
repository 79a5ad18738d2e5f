"""Why two records were (or were not) linked."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from toex.api import queries
from toex.api.audit_log import log, require_purpose
from toex.api.deps import Analyst, Db, Purpose, StoreDep
from toex.api.errors import ApiError, not_found
from toex.api.schemas import Explanation

router = APIRouter(tags=["explain"])
RecordRef = Annotated[str, Query(min_length=3, max_length=200, description="SOURCE:REF")]


def _pair(text: str) -> tuple[str, str]:
    source, sep, ref = text.partition(":")
    if not sep or not source or not ref:
        raise ApiError(400, f"{text!r} is not SOURCE:REF")
    return source, ref


@router.get("/explain", response_model=Explanation, summary="Match weight, probability and each comparison's part")
def explain(left: RecordRef, right: RecordRef, user: Analyst, store: StoreDep, db: Db, purpose: Purpose) -> dict[str, Any]:
    given = require_purpose(store, "explain", purpose)
    result = queries.explain(store, user, _pair(left), _pair(right))
    if result is None:
        raise not_found("record pair")
    log(db, user, "consultation", f"explain:{left}|{right}", given, [left, right], kind="explain")
    return result
