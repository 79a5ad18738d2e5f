"""Scope, handling code C and clearance: every endpoint, walked from the OpenAPI document.

An analyst of one force must not read another force's records, nor handling
code C intelligence, nor records above their clearance: not by id guessing,
search, export or the graph.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.api.world import HANDLING_C, MET_ONLY, SECRET, SUFFOLK_ONLY, World, make_world


@pytest.fixture(scope="module")
def w() -> Iterator[World]:
    world = make_world()
    yield world
    world.db.close()


def _routes(world: World) -> list[tuple[str, str, dict[str, Any]]]:
    spec = world.client.app.openapi()  # type: ignore[attr-defined]
    out = []
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            out.append((method, path, op))
    return out


#: Ids and parameters that belong to the other force, per user.
PROBES = {
    "met": {"entity_id": "P-000002", "network_id": "N-0001", "task_id": "TK-0001", "source_id": "suffolk-crime",
            "ref": "P2", "q": "Kyle Jones", "left": "suffolk-crime:P2", "right": "suffolk-intel:I1",
            "from": "P-000002", "to": "P-000001"},
    "suffolk": {"entity_id": "P-000003", "network_id": "N-0003", "task_id": "TK-0002", "source_id": "met-crime",
                "ref": "K2", "q": "Oliver Metcalfe", "left": "met-crime:K1", "right": "met-crime:K2",
                "from": "P-000003", "to": "P-000001"},
}
FORBIDDEN = {"met": tuple(s for s in SUFFOLK_ONLY if s != "N-0001") + HANDLING_C + SECRET,
             "suffolk": MET_ONLY + HANDLING_C + SECRET}
BODIES = {"/api/v1/auth/login": None, "/api/v1/networks/{network_id}/overrides":
          {"dimension": "harm", "value": 0.9, "rationale": "probe"},
          "/api/v1/tasks/{task_id}/transition": {"to": "closed", "outcome": "other"},
          "/api/v1/tasks/{task_id}": {"due": "2030-01-01"}}


def _call(world: World, user: str, method: str, path: str, op: dict[str, Any]) -> Any:
    probe = PROBES[user]
    url = path
    for name, value in probe.items():
        url = url.replace("{" + name + "}", value)
    params = {}
    for p in op.get("parameters", []):
        if p["in"] == "query" and p["name"] in probe:
            params[p["name"]] = probe[p["name"]]
    if path.endswith("/search"):
        params["type"] = "any"
    headers = world.headers(user)
    return world.client.request(method.upper(), url, headers=headers, params=params, json=BODIES.get(path))


@pytest.mark.parametrize("user", ["met", "suffolk"])
def test_every_endpoint_as_an_out_of_scope_analyst(w: World, user: str) -> None:
    routes = _routes(w)
    assert len(routes) >= 20
    for method, path, op in routes:
        if path == "/api/v1/auth/login":
            continue
        if "/auth/logout" in path:
            continue
        r = _call(w, user, method, path, op)
        assert r.status_code < 500, (method, path, r.text)
        text = r.text if "json" in r.headers.get("content-type", "") else r.content.decode("utf-8", "replace")
        for secret in FORBIDDEN[user]:
            assert secret not in text, (user, method, path, secret, text[:500])


def test_out_of_scope_ids_answer_404_like_missing_ones(w: World) -> None:
    for path in ("/api/v1/entities/P-000002", "/api/v1/entities/P-999999", "/api/v1/records/suffolk-crime/P2",
                 "/api/v1/records/nope/nope", "/api/v1/graph/neighbourhood/P-000002", "/api/v1/networks/N-9999",
                 "/api/v1/entities/E:suffolk-crime:E1"):
        r = w.get(path, "met")
        assert r.status_code == 404, path
        assert r.json()["error"]["code"] == "not_found"
    missing = w.get("/api/v1/entities/P-999999", "met").json()
    hidden = w.get("/api/v1/entities/P-000002", "met").json()
    assert missing == hidden


def test_shared_person_shows_only_the_users_own_records(w: World) -> None:
    suffolk = w.get("/api/v1/entities/P-000001", "suffolk").json()
    met = w.get("/api/v1/entities/P-000001", "met").json()
    assert {r["source_id"] for r in suffolk["records"]} == {"suffolk-crime"}
    assert {r["source_id"] for r in met["records"]} == {"met-crime"}
    assert suffolk["label"] == "Jonathan Smith" and met["label"] == "Jon Smyth"
    assert all(not str(lk["other_id"]).startswith("E:met-crime") for lk in suffolk["links"])
    assert "P-000003" not in json.dumps(suffolk)
    national = w.get("/api/v1/entities/P-000001", "national").json()
    assert {r["source_id"] for r in national["records"]} == {"suffolk-crime", "met-crime"}


def test_handling_c_and_clearance_withheld(w: World) -> None:
    for user in ("suffolk", "ersou", "natofficial"):
        assert w.get("/api/v1/entities/P-000004", user).status_code == 404, user
        assert w.get("/api/v1/records/suffolk-intel/IR2", user).status_code == 404
        assert w.get("/api/v1/entities/P-000005", user).status_code == 404
        profile = w.get("/api/v1/entities/P-000002", user).json()
        text = json.dumps(profile)
        assert "IR2" not in text and "P-000004" not in text and "covert-intel" not in text
        assert "IR1" in text  # graded 1B P: shown
        hits = w.get("/api/v1/search", user, q="Christopher Hidden").json()
        assert hits["total"] == 0
    # cleared for C and SECRET
    assert w.get("/api/v1/entities/P-000004", "national").status_code == 200
    assert w.get("/api/v1/entities/P-000005", "national").status_code == 200


def test_region_scope_covers_its_forces_only(w: World) -> None:
    assert w.get("/api/v1/entities/P-000002", "ersou").status_code == 200
    assert w.get("/api/v1/entities/P-000003", "ersou").status_code == 404
    nets = {n["network_id"] for n in w.get("/api/v1/networks", "ersou").json()["items"]}
    assert "N-0003" not in nets


def test_agency_records_follow_the_forces_they_concern(w: World) -> None:
    # the NRM referral (Home Office) concerns Suffolk: Suffolk sees it, the Met does not
    assert w.get("/api/v1/records/nrm/N1", "suffolk").status_code == 200
    assert w.get("/api/v1/records/nrm/N1", "met").status_code == 404
    # the company registered at an Ipswich postcode concerns Suffolk
    assert w.get("/api/v1/entities/O-000001", "suffolk").status_code == 200
    assert w.get("/api/v1/entities/O-000001", "met").status_code == 404


def test_partial_network_shows_in_scope_members_only(w: World) -> None:
    detail = w.get("/api/v1/networks/N-0001", "met").json()
    assert detail["complete"] is False
    assert [m["entity_id"] for m in detail["members"]] == ["P-000001"]
    assert "Kyle" not in json.dumps(detail)
    assert detail["forces"] == [] and detail["score_breakdown"] is None
    r = w.get("/api/v1/networks/N-0001/export", "met", format="graphml")
    assert r.status_code == 403 and r.json()["error"]["code"] == "partial_scope"
    r = w.client.post("/api/v1/networks/N-0001/overrides", headers=w.headers("met"),
                      json={"dimension": "harm", "value": 0.1, "rationale": "probe"})
    assert r.status_code == 403


def test_search_never_returns_out_of_scope_people(w: World) -> None:
    assert w.get("/api/v1/search", "suffolk", q="Oliver Metcalfe").json()["total"] == 0
    assert w.get("/api/v1/search", "suffolk", q="AB12CDE", type="vehicle").json()["total"] == 0
    assert w.get("/api/v1/search", "met", q="07700900123", type="phone").json()["total"] == 0
    assert w.get("/api/v1/search", "met", q="Oliver Metcalfe").json()["items"][0]["entity_id"] == "P-000003"


def test_graph_and_path_stay_inside_scope(w: World) -> None:
    g = w.get("/api/v1/graph/neighbourhood/P-000001", "suffolk", hops=3).json()
    ids = {n["id"] for n in g["nodes"]}
    assert "P-000003" not in ids and "E:met-crime:KE1" not in ids and "P-000004" not in ids
    assert all(e["source_id"] != "met-crime" for e in g["edges"])
    # the only path from Kyle to Metcalfe runs through Met records
    assert w.get("/api/v1/graph/path", "suffolk", **{"from": "P-000002", "to": "P-000003"}).status_code == 404
    p = w.get("/api/v1/graph/path", "national", **{"from": "P-000002", "to": "P-000003"}).json()
    assert p["found"] is True and len(p["edges"]) == 2


def test_lists_are_filtered(w: World) -> None:
    safe = w.get("/api/v1/safeguarding", "met").json()
    assert [s["entity_id"] for s in safe["items"]] == ["P-000003"]
    alerts = w.get("/api/v1/alerts", "suffolk").json()["items"]
    ids = {a["alert_id"] for a in alerts}
    assert "trend:T-0002" not in ids and "CH-0001" not in ids
    travel = next(a for a in alerts if a["kind"] == "travelling-group")
    assert travel["detail"]["members"] == ["P-000001"] and "Metcalfe" not in travel["summary"]
    tasks = w.get("/api/v1/tasks", "met").json()["items"]
    assert [t["task_id"] for t in tasks] == ["TK-0002"]
    picture = w.get("/api/v1/picture", "met").json()
    assert {f["force_id"] for f in picture["forces"]} == {"metropolitan"}
