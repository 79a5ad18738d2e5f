"""People to safeguard, alerts, and the threat picture."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from toex.api import queries
from toex.api.audit_log import log
from toex.api.deps import Analyst, Db, PageNo, PageSize, Purpose, StoreDep
from toex.api.schemas import Alert, Page, Picture, SafeguardingItem

router = APIRouter(tags=["picture"])


def _purpose(p: str | None) -> str | None:
    return (p or "").strip()[:500] or None


@router.get("/safeguarding", response_model=Page[SafeguardingItem], summary="People to safeguard, most urgent first")
def safeguarding(user: Analyst, store: StoreDep, db: Db, purpose: Purpose, page: PageNo = 1,
                 page_size: PageSize = 100) -> dict[str, Any]:
    result = queries.safeguarding(store, user, page, page_size)
    log(db, user, "consultation", "safeguarding", _purpose(purpose), [r["entity_id"] for r in result["items"]],
        kind="safeguarding")
    return result


@router.get("/alerts", response_model=Page[Alert], summary="Trend, travelling-group and change alerts")
def alerts(user: Analyst, store: StoreDep, db: Db, purpose: Purpose, page: PageNo = 1,
           page_size: PageSize = 100) -> dict[str, Any]:
    result = queries.paginate(queries.alerts(store, user), page, page_size)
    log(db, user, "consultation", "alerts", _purpose(purpose), [r["alert_id"] for r in result["items"]], kind="alerts")
    return result


@router.get("/picture", response_model=Picture, summary="The threat picture: top networks, people, alerts, forces")
def picture(user: Analyst, store: StoreDep, db: Db, purpose: Purpose) -> dict[str, Any]:
    result = queries.picture(store, user)
    returned = [n["network_id"] for n in result["networks"]] + [s["entity_id"] for s in result["safeguarding"]]
    log(db, user, "consultation", "picture", _purpose(purpose), returned, kind="picture")
    return result
