"""Loads through the server (administrators): POST /admin/ingest, GET /admin/ingest/{job_id}."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from toex.api.deps import Admin
from toex.api.errors import ApiError, not_found
from toex.api.ingest_jobs import IngestBusy, IngestJobs

router = APIRouter(tags=["admin"])


class IngestRequest(BaseModel):
    paths: list[str] = Field(min_length=1, max_length=100,
                             description="Files or folders inside the server's ingest folder (relative paths)")
    mapping: str | None = Field(None, max_length=500, description="YAML mapping (inside the ingest folder) "
                                "for a force export in its own shape")


def _jobs(request: Request) -> IngestJobs:
    jobs: IngestJobs = request.app.state.ingest_jobs
    return jobs


@router.post("/admin/ingest", status_code=202, summary="Load sources from the server's ingest folder "
             "while the API keeps serving (one job at a time)")
def start_ingest(body: IngestRequest, user: Admin, request: Request) -> dict[str, Any]:
    jobs = _jobs(request)
    if any(len(p) > 500 for p in body.paths):
        raise ApiError(422, "a path is too long", code="invalid")
    try:
        items, _resolved = jobs.resolve(body.paths, body.mapping)
    except LookupError as exc:
        raise ApiError(409, str(exc), code="conflict") from exc
    except ValueError as exc:
        raise ApiError(422, str(exc), code="invalid") from exc
    try:
        job = jobs.start(user.username, body.paths, items)
    except IngestBusy as exc:
        raise ApiError(409, str(exc), code="conflict") from exc
    return job.body()


@router.get("/admin/ingest/{job_id}", summary="A load job: running, done or failed, with each source's counts")
def ingest_job(job_id: str, user: Admin, request: Request) -> dict[str, Any]:
    job = _jobs(request).jobs.get(job_id)
    if job is None:
        raise not_found("job")
    return job.body()
