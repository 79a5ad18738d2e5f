"""Response and request models, so the OpenAPI document describes every shape (docs/api.md)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class Open(BaseModel):
    """A model that keeps fields beyond the documented ones."""

    model_config = ConfigDict(extra="allow")


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    page: int
    page_size: int


class ErrorDetail(BaseModel):
    code: str
    message: str
    detail: Any = None


class ErrorBody(BaseModel):
    error: ErrorDetail


class LoginRequest(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Me(BaseModel):
    username: str
    display_name: str
    role: str
    scope_kind: str
    scope_id: str | None
    clearance: str
    handling_c: bool
    forces: list[str]
    purpose_required: list[str]


class LoginResponse(BaseModel):
    token: str
    expires_at: str
    user: Me


class SearchHit(Open):
    entity_id: str
    kind: str
    label: str
    detail: str | None = None
    score: float | None = None


class SourceRecord(Open):
    source_id: str
    ref: str
    kind: str
    source_name: str | None = None
    owner: str | None = None
    source_kind: str | None = None
    classification: str | None = None
    grading: str | None = None
    handling: str | None = None
    fields: dict[str, Any] = {}
    entity_id: str | None = None


class Profile(Open):
    entity_id: str
    kind: str
    label: str
    attributes: dict[str, Any]
    records: list[SourceRecord]
    events: list[dict[str, Any]]
    links: list[dict[str, Any]]
    indicators: list[dict[str, Any]]
    networks: list[dict[str, Any]]
    places: list[dict[str, Any]]
    safeguarding: dict[str, Any] | None = None


class Explanation(Open):
    left: str
    right: str
    scored: bool
    match_weight: float | None = None
    match_probability: float | None = None
    linked: bool | None = None
    comparisons: list[dict[str, Any]] = []


class GraphNode(Open):
    id: str
    kind: str
    label: str
    role: str | None = None
    attributes: dict[str, Any] = {}


class GraphEdge(Open):
    source: str
    target: str
    type: str
    since: str | None = None
    until: str | None = None
    grading: str | None = None
    source_id: str | None = None
    ref: str | None = None


class Graph(Open):
    nodes: list[GraphNode]
    edges: list[GraphEdge]


class Owner(BaseModel):
    level: str | None = None
    unit: str | None = None


class NetworkSummary(Open):
    network_id: str
    rank: int | None = None
    score: float | None = None
    threats: list[str]
    forces: list[str]
    regions: list[str]
    owner: Owner | None = None
    summary: str | None = None
    members_count: int
    complete: bool
    withheld: dict[str, int] | None = Field(
        None, description="When incomplete: members withheld as outside_scope, handling_c (known only from "
                          "handling code C intelligence) and above_clearance")


class Task(Open):
    task_id: str
    network_id: str
    strand: str
    action: str
    owner_level: str | None = None
    owner_unit: str | None = None
    status: str
    due: str | None = None
    approved_by: str | None = None
    outcome: str | None = None
    history: list[dict[str, Any]] = []


class NetworkDetail(NetworkSummary):
    members: list[dict[str, Any]]
    score_breakdown: dict[str, Any] | None = None
    actions: list[Task]
    graph: Graph
    places: list[dict[str, Any]]
    timeline: list[dict[str, Any]]


class OverrideRequest(BaseModel):
    dimension: str = Field(min_length=1, max_length=40)
    value: float = Field(ge=0, le=1)
    rationale: str = Field(min_length=3, max_length=2000)


class SafeguardingItem(Open):
    rank: int
    entity_id: str
    label: str
    score: float
    age: int | None = None
    network_id: str | None = None
    indicators: list[str]
    route: str | None = None


class Alert(Open):
    alert_id: str
    kind: str
    score: float
    summary: str
    detail: dict[str, Any] | None = None


class ForcePicture(BaseModel):
    force_id: str
    name: str
    region_id: str | None
    networks: int
    alerts: int
    safeguarding: int
    latitude: float | None
    longitude: float | None


class Picture(BaseModel):
    networks: list[NetworkSummary]
    safeguarding: list[SafeguardingItem]
    alerts: list[Alert]
    forces: list[ForcePicture]


class TransitionRequest(BaseModel):
    to: str = Field(min_length=1, max_length=20)
    outcome: str | None = Field(None, max_length=60)
    note: str | None = Field(None, max_length=2000)


class AssignRequest(BaseModel):
    owner_unit: str | None = Field(None, max_length=60)
    due: str | None = Field(None, max_length=10, description="ISO date")


class AuditEntry(Open):
    seq: int
    logged_at: str
    actor: str
    action: str
    target: str | None = None
    purpose: str | None = None
    detail: Any = None


class AuditVerification(BaseModel):
    ok: bool
    entries: int
    first_bad_seq: int | None = None
    reason: str | None = None
