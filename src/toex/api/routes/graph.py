"""Neighbourhoods and paths over the visible graph."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from toex.api import queries
from toex.api.audit_log import log, require_purpose
from toex.api.deps import Analyst, Db, Purpose, StoreDep
from toex.api.errors import not_found
from toex.api.schemas import Graph

router = APIRouter(tags=["graph"])


@router.get("/graph/neighbourhood/{entity_id}", response_model=Graph, summary="Everything within n hops")
def neighbourhood(
    entity_id: str, user: Analyst, store: StoreDep, db: Db, purpose: Purpose,
    hops: Annotated[int, Query(ge=1, le=3)] = 1,
    types: Annotated[str | None, Query(max_length=500, description="Comma list of edge types")] = None,
) -> dict[str, Any]:
    given = require_purpose(store, "graph", purpose)
    wanted = [t.strip() for t in types.split(",") if t.strip()] if types else None
    result = queries.neighbourhood(store, user, entity_id, hops, wanted)
    if result is None:
        raise not_found("entity")
    log(db, user, "consultation", f"graph:{entity_id}", given, [n["id"] for n in result["nodes"]],
        kind="neighbourhood", hops=hops)
    return result


@router.get("/graph/path", response_model=Graph, summary="Shortest path between two entities")
def path(
    user: Analyst, store: StoreDep, db: Db, purpose: Purpose,
    from_: Annotated[str, Query(alias="from", min_length=1, max_length=200)],
    to: Annotated[str, Query(min_length=1, max_length=200)],
) -> dict[str, Any]:
    given = require_purpose(store, "graph", purpose)
    result = queries.shortest_path(store, user, from_, to)
    if result is None:
        raise not_found("entity")
    log(db, user, "consultation", f"path:{from_}|{to}", given, [n["id"] for n in result["nodes"]], kind="path")
    return result
