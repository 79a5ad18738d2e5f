"""Every endpoint's happy path, its refusals (role 403, purpose 428), and its audit entry."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from tests.api.world import World, make_world

from toex.api.audit_log import set_purpose_policy
from toex.store import audit


@pytest.fixture(scope="module")
def w() -> Iterator[World]:
    world = make_world()
    yield world
    world.db.close()


def last_audit(world: World) -> dict[str, Any]:
    row = world.db.store.execute(
        "SELECT actor, action, target, purpose, CAST(detail AS VARCHAR) FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
    assert row is not None
    return {"actor": row[0], "action": row[1], "target": row[2], "purpose": row[3], "detail": json.loads(row[4])}


def test_me(w: World) -> None:
    me = w.get("/api/v1/me", "ersou").json()
    assert me["scope_kind"] == "region" and set(me["forces"]) >= {"suffolk", "norfolk", "essex"}
    assert "person_search" in me["purpose_required"]


def test_person_search_fuzzy_variants_and_dob(w: World) -> None:
    hits = w.get("/api/v1/search", "national", q="Jon Smith").json()["items"]
    assert hits[0]["entity_id"] == "P-000001"
    assert w.get("/api/v1/search", "national", q="Jonathon Smyth").json()["items"][0]["entity_id"] == "P-000001"
    assert w.get("/api/v1/search", "national", q="Smith, Jonathan").json()["items"][0]["entity_id"] == "P-000001"
    assert w.get("/api/v1/search", "national", q="Smith Jonathan").json()["items"][0]["entity_id"] == "P-000001"
    assert w.get("/api/v1/search", "national", q="Jon Smith", dob="1990-05").json()["total"] == 1
    assert w.get("/api/v1/search", "national", q="Jon Smith", dob="1991").json()["total"] == 0
    assert w.get("/api/v1/search", "national", q="metcalfe", type="person").json()["items"][0]["detail"] == \
        "born 1985-01-01, 1 record"
    kyle = w.get("/api/v1/search", "national", q="kyle", type="person").json()["items"][0]
    assert kyle["entity_id"] == "P-000002" and kyle["detail"] == "born 2009-03-01, 3 records"
    entry = last_audit(w)
    assert entry["action"] == "consultation" and entry["purpose"] == "case 24/123"
    assert entry["detail"]["returned"] == ["P-000002"] and entry["detail"]["query"]["q"] == "kyle"


@pytest.mark.parametrize(("q", "kind", "expected"), [
    ("+44 7700 900123", "phone", "T-000001"), ("07700900123", "any", "T-000001"),
    ("ab12 cde", "vehicle", "T-000002"), ("IP1 1AA", "postcode", "L-000001"), ("ip11aa", "any", "L-000001"),
    ("IP4", "postcode", "L-000003"), ("high street ipswich", "address", "L-000001"),
    ("Acme Nails", "company", "O-000001"), ("01234567", "company", "O-000001"),
])
def test_other_searches(w: World, q: str, kind: str, expected: str) -> None:
    hits = w.get("/api/v1/search", "national", q=q, type=kind).json()["items"]
    assert expected in [h["entity_id"] for h in hits], hits


def test_purpose_required_then_configurable(fresh_world: World) -> None:
    w = fresh_world
    for path, params in (("/api/v1/search", {"q": "Kyle"}), ("/api/v1/entities/P-000002", {}),
                         ("/api/v1/networks/N-0001", {}), ("/api/v1/networks/N-0001/export", {"format": "graphml"})):
        r = w.get(path, "suffolk", purpose=None, **params)
        assert r.status_code == 428, path
        assert r.json()["error"]["code"] == "purpose_required"
    r = w.client.get("/api/v1/entities/P-000002", headers=w.headers("suffolk", None), params={"purpose": "op KESTREL"})
    assert r.status_code == 200 and last_audit(w)["purpose"] == "op KESTREL"
    # non-person searches need none by default
    assert w.get("/api/v1/search", "suffolk", purpose=None, q="IP1 1AA", type="postcode").status_code == 200
    set_purpose_policy(w.db.store, [])
    assert w.get("/api/v1/entities/P-000002", "suffolk", purpose=None).status_code == 200


def test_entity_profile_contents_and_audit(w: World) -> None:
    p = w.get("/api/v1/entities/P-000002", "suffolk").json()
    assert p["kind"] == "person" and p["label"] == "Kyle Jones"
    assert {r["source_id"] for r in p["records"]} == {"suffolk-crime", "suffolk-intel", "nrm"}
    assert any(e["event_id"] == "E:suffolk-intel:IR1" and e["grading"] == "1B P" for e in p["events"])
    assert [i["code"] for i in p["indicators"]] == ["child-victim"]
    assert p["networks"] == [{"network_id": "N-0001", "role": "exploited"}]
    assert p["safeguarding"]["age"] == 15
    entry = last_audit(w)
    assert entry["target"] == "entity:P-000002" and "suffolk-crime:P2" in entry["detail"]["returned"]
    loc = w.get("/api/v1/entities/L-000001", "suffolk").json()
    assert loc["kind"] == "location" and loc["places"][0]["latitude"] == pytest.approx(52.06)


def test_record_and_explain(w: World) -> None:
    r = w.get("/api/v1/records/suffolk-intel/IR1", "suffolk").json()
    assert r["kind"] == "event" and r["grading"] == "1B P" and r["classification"] == "OFFICIAL-SENSITIVE"
    assert last_audit(w)["detail"]["returned"] == ["suffolk-intel:IR1"]
    e = w.get("/api/v1/explain", "national", left="suffolk-crime:P1", right="met-crime:K1").json()
    assert e["scored"] and e["match_probability"] > 0.99
    assert e["comparisons"] == [  # the explanation as resolve writes it, one row a comparison
        {"comparison": "forenames", "level": "name variant (nickname, transliteration, alias, middle name)", "weight": 3.1},
        {"comparison": "surname", "level": "similar spelling (Jaro-Winkler >= 0.92)", "weight": 4.0},
        {"comparison": "dob", "level": "the same", "weight": 2.4}]
    assert w.get("/api/v1/explain", "suffolk", left="suffolk-crime:P1", right="met-crime:K1").status_code == 404
    assert w.get("/api/v1/explain", "national", left="nocolon", right="met-crime:K1").status_code == 400


def test_networks_and_detail(w: World) -> None:
    nets = w.get("/api/v1/networks", "national").json()
    assert [n["network_id"] for n in nets["items"]] == ["N-0001", "N-0002", "N-0003"]
    assert nets["total"] == 3
    d = w.get("/api/v1/networks/N-0001", "suffolk").json()
    assert d["complete"] and {m["role"] for m in d["members"]} == {"organiser", "exploited", "associate"}
    assert d["graph"]["nodes"] and d["timeline"] and d["places"]
    assert d["actions"][0]["task_id"] == "TK-0001"
    assert all(ev["ref"] != "IR2" for m in d["members"] for ev in m["evidence"])
    page = w.get("/api/v1/networks", "national", page=2, page_size=2).json()
    assert [n["network_id"] for n in page["items"]] == ["N-0003"] and page["page"] == 2


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "i2", "ftm"])
def test_exports_are_disclosures(w: World, fmt: str) -> None:
    r = w.client.get("/api/v1/networks/N-0001/export", headers=w.headers("suffolk"),
                     params={"format": fmt, "recipients": "Norfolk MASH"})
    assert r.status_code == 200, r.text
    assert "attachment" in r.headers["content-disposition"]
    assert b"P-000002" in r.content and b"IR2" not in r.content
    entry = last_audit(w)
    assert entry["action"] == "disclosure" and entry["detail"]["recipients"] == ["Norfolk MASH"]
    assert entry["detail"]["format"] == fmt


def test_package_html(w: World) -> None:
    r = w.client.get("/api/v1/networks/N-0001/package", headers=w.headers("suffolk"), params={"format": "html"})
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/html")
    assert last_audit(w)["action"] == "disclosure"


def test_override_is_an_alteration(fresh_world: World) -> None:
    w = fresh_world
    r = w.client.post("/api/v1/networks/N-0001/overrides", headers=w.headers("suffolk"),
                      json={"dimension": "harm", "value": 0.95, "rationale": "new intelligence on weapons"})
    assert r.status_code == 200, r.text
    entry = last_audit(w)
    assert entry["action"] == "alteration" and entry["actor"] == "suffolk"
    bad = w.client.post("/api/v1/networks/N-0001/overrides", headers=w.headers("suffolk"),
                        json={"dimension": "nonsense", "value": 0.5, "rationale": "x" * 5})
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid"


def test_safeguarding_alerts_picture(w: World) -> None:
    s = w.get("/api/v1/safeguarding", "suffolk").json()["items"]
    assert s[0]["entity_id"] == "P-000002" and s[0]["route"] and s[0]["label"] == "Kyle Jones"
    a = w.get("/api/v1/alerts", "national").json()
    assert a["total"] == 4
    p = w.get("/api/v1/picture", "national").json()
    assert len(p["forces"]) >= 43 and p["networks"][0]["network_id"] == "N-0001"
    suffolk = next(f for f in p["forces"] if f["force_id"] == "suffolk")
    assert suffolk["networks"] == 2 and suffolk["safeguarding"] == 1


def test_task_lifecycle_and_roles(fresh_world: World) -> None:
    w = fresh_world
    url = "/api/v1/tasks/TK-0001/transition"
    r = w.client.post(url, headers=w.headers("suffolk"), json={"to": "approved"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "forbidden"
    r = w.client.post(url, headers=w.headers("tasksuffolk"), json={"to": "approved", "note": "go"})
    assert r.status_code == 200 and r.json()["status"] == "approved" and r.json()["approved_by"] == "tasksuffolk"
    r = w.client.post(url, headers=w.headers("suffolk"), json={"to": "done"})
    assert r.status_code == 409 and r.json()["error"]["code"] == "conflict"
    assert w.client.post(url, headers=w.headers("suffolk"), json={"to": "in-progress"}).status_code == 200
    assert w.client.post(url, headers=w.headers("suffolk"), json={"to": "done"}).status_code == 200
    r = w.client.post(url, headers=w.headers("suffolk"), json={"to": "closed", "outcome": "child-safeguarded"})
    assert r.status_code == 200 and [h["to_status"] for h in r.json()["history"]][-1] == "closed"
    assert last_audit(w)["action"] == "alteration"
    # assignment: supervisor+
    patch = "/api/v1/tasks/TK-0001"
    assert w.client.patch(patch, headers=w.headers("suffolk"), json={"due": "2030-01-01"}).status_code == 403
    r = w.client.patch(patch, headers=w.headers("supsuffolk"), json={"due": "2030-01-01", "owner_unit": "ersou"})
    assert r.status_code == 200 and r.json()["due"] == "2030-01-01" and r.json()["owner_unit"] == "ersou"
    assert w.client.patch(patch, headers=w.headers("supsuffolk"), json={"owner_unit": "atlantis"}).status_code == 422
    filtered = w.get("/api/v1/tasks", "national", status="closed").json()["items"]
    assert [t["task_id"] for t in filtered] == ["TK-0001"]
    assert audit.verify(w.db.store).ok


def test_reference(w: World) -> None:
    forces = w.get("/api/v1/reference/forces", "suffolk").json()
    assert forces["total"] >= 43 and "latitude" in forces["items"][0]
    assert w.get("/api/v1/reference/regions", "suffolk").json()["total"] >= 9
    d = w.get("/api/v1/reference/districts", "suffolk", page_size=5000).json()
    assert d["total"] > 2000 and d["items"][0]["force_id"]


def test_audit_read_export_verify_for_supervisors_only(w: World) -> None:
    w.get("/api/v1/entities/P-000002", "suffolk")
    w.get("/api/v1/entities/P-000003", "met")
    assert w.get("/api/v1/audit", "suffolk").status_code == 403
    assert w.get("/api/v1/audit/export", "national").status_code == 403
    page = w.get("/api/v1/audit", "supsuffolk", page_size=200).json()
    actors = {i["actor"] for i in page["items"]}
    assert "suffolk" in actors and "met" not in actors  # supervisors see users of their scope only
    assert all("hash" in i for i in page["items"])
    csv_r = w.client.get("/api/v1/audit/export", headers=w.headers("supmet"))
    assert csv_r.status_code == 200 and csv_r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_r.text)))
    assert rows[0][:4] == ["seq", "logged_at", "actor", "action"] and {r[2] for r in rows[1:]} <= {"met", "supmet"}
    assert last_audit(w)["action"] == "disclosure"
    v = w.get("/api/v1/audit/verify", "admin").json()
    assert v["ok"] and v["entries"] > 10
    assert audit.verify(w.db.store).ok


def test_audit_verify_detects_tampering(fresh_world: World) -> None:
    w = fresh_world
    w.get("/api/v1/entities/P-000002", "suffolk")
    w.db.store.execute("UPDATE audit SET purpose = 'changed' WHERE seq = (SELECT max(seq) FROM audit)")
    v = w.get("/api/v1/audit/verify", "admin").json()
    assert v["ok"] is False and v["first_bad_seq"] is not None


def test_openapi_document_is_complete(w: World) -> None:
    spec = w.client.get("/api/v1/openapi.json").json()
    paths = spec["paths"]
    for p in ("/api/v1/search", "/api/v1/entities/{entity_id}", "/api/v1/records/{source_id}/{ref}", "/api/v1/explain",
              "/api/v1/graph/neighbourhood/{entity_id}", "/api/v1/graph/path", "/api/v1/networks",
              "/api/v1/networks/{network_id}", "/api/v1/networks/{network_id}/export", "/api/v1/safeguarding",
              "/api/v1/alerts", "/api/v1/picture", "/api/v1/tasks", "/api/v1/tasks/{task_id}/transition",
              "/api/v1/audit", "/api/v1/audit/verify", "/api/v1/auth/login", "/api/v1/me"):
        assert p in paths, p
    assert "HTTPBearer" in json.dumps(spec["components"]["securitySchemes"])
    docs = w.client.get("/api/docs")
    assert docs.status_code == 200 and "/api/v1/search" in docs.text and "<script" not in docs.text
