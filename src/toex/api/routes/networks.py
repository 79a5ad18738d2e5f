"""Networks: ranked list, detail, analyst overrides, exports and intelligence packages."""

from __future__ import annotations

import json
import tempfile
from dataclasses import replace
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Response

from toex.api import queries
from toex.api.access import User
from toex.api.audit_log import log, require_purpose
from toex.api.deps import Analyst, Db, PageNo, PageSize, Purpose, StoreDep
from toex.api.errors import ApiError, not_found
from toex.api.schemas import NetworkDetail, NetworkSummary, OverrideRequest, Page
from toex.store import Store

router = APIRouter(tags=["networks"])


class ExportFormat(StrEnum):
    graphml = "graphml"
    gexf = "gexf"
    i2 = "i2"
    ftm = "ftm"


class PackageFormat(StrEnum):
    html = "html"
    pdf = "pdf"


@router.get("/networks", response_model=Page[NetworkSummary], summary="Networks in your scope, highest priority first")
def networks(user: Analyst, store: StoreDep, db: Db, purpose: Purpose, page: PageNo = 1,
             page_size: PageSize = 50) -> dict[str, Any]:
    result = queries.paginate(queries.networks(store, user), page, page_size)
    log(db, user, "consultation", "networks", (purpose or "").strip() or None,
        [n["network_id"] for n in result["items"]], kind="network_list")
    return result


@router.get("/networks/{network_id}", response_model=NetworkDetail, summary="One network: members, graph, map, timeline")
def network(network_id: str, user: Analyst, store: StoreDep, db: Db, purpose: Purpose) -> dict[str, Any]:
    given = require_purpose(store, "network", purpose)
    detail = queries.network_detail(store, user, network_id)
    if detail is None:
        raise not_found("network")
    log(db, user, "consultation", f"network:{network_id}", given,
        [network_id] + [m["entity_id"] for m in detail["members"]], kind="network")
    return detail


@router.post("/networks/{network_id}/overrides", response_model=NetworkSummary,
             summary="Override one scoring dimension, with a rationale")
def override(network_id: str, body: OverrideRequest, user: Analyst, store: StoreDep, db: Db) -> dict[str, Any]:
    counts = queries.network_visible(store, user, network_id)
    if counts is None:
        raise not_found("network")
    if not counts.complete and not user.national:
        raise ApiError(403, f"{_hidden_reason(counts)}; only a user who sees all of it may override its score",
                       code="partial_scope", detail=counts.withheld())
    from toex.assess.overrides import OverrideError, set_override

    with db.writer() as w:
        try:
            set_override(w, network_id, body.dimension, body.value, rationale=body.rationale, actor=user.username)
        except OverrideError as exc:
            raise ApiError(422, str(exc), code="invalid") from exc
    found = [n for n in queries.networks(store, user) if n["network_id"] == network_id]
    if not found:
        raise not_found("network")
    return found[0]


def _shareable(store: Store, user: User, network_id: str) -> None:
    """Exports and packages need the whole network, and all its evidence, inside the user's scope."""
    counts = queries.network_visible(store, user, network_id)
    if counts is None:
        raise not_found("network")
    if user.national:
        return
    evidence = store.fetchall("SELECT DISTINCT source_id, ref FROM network_evidence WHERE network_id = ?",
                              [network_id]) if queries.table_ready(store, "network_evidence") else []
    pairs = [(str(s), str(r)) for s, r in evidence]
    # handling code C evidence is withheld from the output itself, so it does not block the export
    hidden = len(pairs) - len(queries.visible_refs(store, replace(user, handling_c=True), pairs))
    if not counts.complete:
        raise ApiError(403, f"{_hidden_reason(counts)}; ask a user who sees all of it (a wider scope or "
                       "clearance) to export or package it", code="partial_scope", detail=counts.withheld())
    if hidden > 0:
        raise ApiError(403, "part of this network's evidence lies outside your scope; ask a user whose scope "
                       "covers it (regional or national) to export or package it", code="partial_scope")


def _hidden_reason(counts: queries.MemberCounts) -> str:
    """Why part of the network is hidden from the user, for a 403 message."""
    return "part of this network is " + queries.partly(counts)


def _filtered_graph(store: Store, user: User, network_id: str) -> Any:
    from toex.share.graph import build_graph

    graph = build_graph(store, network_id, exclude_handling_c=not user.handling_c)
    ok_nodes = queries.visible_entities(store, user, list(graph.nodes))
    graph.remove_nodes_from([n for n in list(graph.nodes) if n not in ok_nodes])
    pairs = [(str(d.get("source_id")), str(d.get("ref"))) for _a, _b, d in graph.edges(data=True) if d.get("source_id")]
    ok_refs = queries.visible_refs(store, user, pairs)
    drop = [(a, b, k) for a, b, k, d in graph.edges(keys=True, data=True)
            if d.get("source_id") and (str(d.get("source_id")), str(d.get("ref"))) not in ok_refs]
    graph.remove_edges_from(drop)
    names = queries.labels(store, user, list(graph.nodes))
    for n in graph.nodes:
        graph.nodes[n]["label"] = names.get(n, n)
    return graph


@router.get("/networks/{network_id}/export", summary="The network as GraphML, GEXF, i2 ANX or FollowTheMoney",
            response_class=Response, responses={200: {"content": {"application/octet-stream": {}}}})
def export(network_id: str, user: Analyst, store: StoreDep, db: Db, purpose: Purpose,
           format: Annotated[ExportFormat, Query()] = ExportFormat.graphml,
           recipients: Annotated[str | None, Query(max_length=500, description="Who it is for")] = None) -> Response:
    given = require_purpose(store, "export", purpose)
    _shareable(store, user, network_id)
    fmt = format.value
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "out"
        if fmt == "ftm":
            from toex.share.ftm import build_entities

            proxies = build_entities(store, network_id, exclude_handling_c=not user.handling_c)
            keep_ids = queries.visible_entities(store, user, [p.id for p in proxies if p.id and not p.id.startswith("rel-")])
            lines = []
            for p in proxies:
                d = p.to_dict()
                if p.id and not p.id.startswith("rel-"):
                    if p.id in keep_ids:
                        lines.append(d)
                    continue
                refs = [v for vals in d.get("properties", {}).values() for v in vals if isinstance(v, str)]
                ids = [v for v in refs if v[:2] in ("P-", "L-", "T-", "O-")]
                rec = d.get("properties", {}).get("recordId", [])
                rec_ok = all((r.partition(":")[0], r.partition(":")[2]) in
                             queries.visible_refs(store, user, [(r.partition(":")[0], r.partition(":")[2])]) for r in rec)
                if all(i in keep_ids for i in ids) and rec_ok:
                    lines.append(d)
            content = "".join(json.dumps(d, sort_keys=True, ensure_ascii=False) + "\n" for d in lines).encode()
            media, ext, returned = "application/x-ndjson", "ftm.json", [str(d.get("id")) for d in lines]
        else:
            graph = _filtered_graph(store, user, network_id)
            if fmt == "graphml":
                from toex.share.graph import write_graphml

                write_graphml(graph, path)
                media, ext = "application/graphml+xml", "graphml"
            elif fmt == "gexf":
                from toex.share.graph import write_gexf

                write_gexf(graph, path)
                media, ext = "application/gexf+xml", "gexf"
            else:
                from toex.share.i2 import write_anx

                write_anx(graph, path, title=f"toex network {network_id}")
                media, ext = "application/xml", "anx"
            content = path.read_bytes()
            returned = [str(n) for n in graph.nodes]
    log(db, user, "disclosure", f"export:{network_id}", given, returned, kind="export", format=fmt,
        recipients=[r.strip() for r in (recipients or "").split(",") if r.strip()] or [user.username])
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{network_id}.{ext}"'})


@router.get("/networks/{network_id}/package", summary="Intelligence package (HTML or PDF)", response_class=Response,
            responses={200: {"content": {"text/html": {}, "application/pdf": {}}}})
def package(network_id: str, user: Analyst, store: StoreDep, db: Db, purpose: Purpose,
            format: Annotated[PackageFormat, Query()] = PackageFormat.html,
            share_outside_owner: Annotated[bool, Query()] = False,
            recipients: Annotated[str | None, Query(max_length=500)] = None) -> Response:
    given = require_purpose(store, "export", purpose)
    _shareable(store, user, network_id)
    if not queries.table_ready(store, "network_scores") or not store.scalar(
            "SELECT count(*) FROM network_scores WHERE network_id = ?", [network_id]):
        raise ApiError(409, "this network has not been assessed yet; run 'toex assess'", code="not_assessed")
    from toex.share.package import PackageError, render_package

    try:
        html, withheld = render_package(store, network_id, produced_by=user.display_name,
                                        share_outside_owner=share_outside_owner or not user.handling_c)
    except PackageError as exc:
        raise ApiError(409, str(exc), code="not_assessed") from exc
    if format.value == "pdf":
        from weasyprint import HTML  # type: ignore[import-untyped]

        content: bytes = HTML(string=html).write_pdf()
        media, ext = "application/pdf", "pdf"
    else:
        content, media, ext = html.encode("utf-8"), "text/html; charset=utf-8", "html"
    log(db, user, "disclosure", f"package:{network_id}", given, [network_id], kind="package", format=format.value,
        withheld_handling_c=withheld, share_outside_owner=share_outside_owner,
        recipients=[r.strip() for r in (recipients or "").split(",") if r.strip()] or [user.username])
    return Response(content, media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{network_id}.{ext}"'})
