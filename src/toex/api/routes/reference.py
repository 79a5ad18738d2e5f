"""Reference data for maps and pickers (no personal data)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from toex.api import queries
from toex.api.deps import CurrentUser, PageNo, StoreDep

router = APIRouter(tags=["reference"])
RefPageSize = Annotated[int, Query(ge=1, le=5000)]


@router.get("/reference/forces", summary="Forces with region and centroid")
def forces(user: CurrentUser, store: StoreDep, page: PageNo = 1, page_size: RefPageSize = 100) -> dict[str, Any]:
    return queries.paginate(queries.forces(store), page, page_size)


@router.get("/reference/regions", summary="ROCU regions")
def regions(user: CurrentUser, store: StoreDep, page: PageNo = 1, page_size: RefPageSize = 100) -> dict[str, Any]:
    return queries.paginate(queries.regions(store), page, page_size)


@router.get("/reference/districts", summary="Postcode-district points for the map")
def districts(user: CurrentUser, store: StoreDep, page: PageNo = 1, page_size: RefPageSize = 5000) -> dict[str, Any]:
    return queries.paginate(queries.districts(store), page, page_size)
