"""Search: fuzzy person search, phone, vehicle, postcode, address, company."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query

from toex.api import queries
from toex.api.audit_log import log, require_purpose
from toex.api.deps import Analyst, Db, PageNo, PageSize, Purpose, StoreDep
from toex.api.schemas import Page, SearchHit

router = APIRouter(tags=["search"])


class SearchType(StrEnum):
    any = "any"
    person = "person"
    phone = "phone"
    vehicle = "vehicle"
    postcode = "postcode"
    address = "address"
    company = "company"


LIMIT = 200


@router.get("/search", response_model=Page[SearchHit], summary="Search people, phones, vehicles, places, companies")
def search(
    user: Analyst, store: StoreDep, db: Db, purpose: Purpose,
    q: Annotated[str, Query(min_length=1, max_length=200, description="What to look for")],
    type: Annotated[SearchType, Query(description="What kind of thing")] = SearchType.any,
    dob: Annotated[str | None, Query(max_length=10, pattern=r"^\d{4}(-\d{1,2}(-\d{1,2})?)?$",
                                     description="Date of birth: YYYY, YYYY-MM or YYYY-MM-DD")] = None,
    page: PageNo = 1, page_size: PageSize = 50,
) -> dict[str, Any]:
    kind = type.value
    person = kind in ("person", "any")
    given = require_purpose(store, "person_search" if person else "search", purpose)
    hits: list[dict[str, Any]] = []
    if kind in ("person", "any"):
        hits += queries.search_person(store, user, q, dob, LIMIT)
    if kind in ("phone", "any") and sum(c.isdigit() for c in q) >= 6:
        hits += queries.search_phone(store, user, q, LIMIT)
    if kind in ("vehicle", "any") and any(c.isdigit() for c in q) and len(q) <= 10:
        hits += queries.search_vehicle(store, user, q, LIMIT)
    if kind in ("postcode", "any") and any(c.isdigit() for c in q) and len(q) <= 9:
        hits += queries.search_postcode(store, user, q, LIMIT)
    if kind == "address":
        hits += queries.search_address(store, user, q, LIMIT)
    if kind in ("company", "any"):
        hits += queries.search_company(store, user, q, LIMIT)
    seen: set[str] = set()
    unique = []
    for h in sorted(hits, key=lambda h: -float(h.get("score") or 0)):
        if h["entity_id"] not in seen:
            seen.add(h["entity_id"])
            unique.append(h)
    result = queries.paginate(unique, page, page_size)
    log(db, user, "consultation", f"search:{kind}", given, [h["entity_id"] for h in result["items"]],
        kind="search", query={"q": q, "type": kind, "dob": dob}, total=result["total"])
    return result
