"""A stand-in for the toex API (docs/api.md), for developing the web front end
before the real API is up and for smoke-testing the UI. Not used by the real
end-to-end test. Data: a synthetic dataset's truth (toex synth) plus the
shipped reference tables.

    .venv/bin/python -m tests.web.mock_api TRUTH_DIR PORT
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import json
import random
import secrets
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Header, HTTPException, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from fastapi.staticfiles import StaticFiles

ROOT = Path(__file__).resolve().parents[2]
REF = ROOT / "src" / "toex" / "reference" / "data"
STATIC = ROOT / "src" / "toex" / "api" / "static"
USERS = {
    "analyst": {"username": "analyst", "display_name": "Alex Analyst", "role": "analyst", "scope_kind": "national", "scope_id": None, "clearance": "OFFICIAL-SENSITIVE", "handling_c": False},
    "supervisor": {"username": "supervisor", "display_name": "Sam Supervisor", "role": "supervisor", "scope_kind": "national", "scope_id": None, "clearance": "OFFICIAL-SENSITIVE", "handling_c": True},
    "tasking": {"username": "tasking", "display_name": "Terry Tasking", "role": "tasking_authority", "scope_kind": "national", "scope_id": None, "clearance": "OFFICIAL-SENSITIVE", "handling_c": True},
    # a force analyst: networks are partly withheld (as the real API answers, with the counts by reason)
    "wmanalyst": {"username": "wmanalyst", "display_name": "Wendy Midlands", "role": "analyst", "scope_kind": "force", "scope_id": "west-midlands", "clearance": "OFFICIAL-SENSITIVE", "handling_c": False},
}
#: What the mock withholds from force users in every network (members by reason).
FORCE_WITHHELD = {"outside_scope": 2, "handling_c": 1, "above_clearance": 0}


def _csv(p: Path) -> list[dict[str, str]]:
    with p.open(encoding="utf-8") as f:
        return list(csv.DictReader(f))


def build(truth: Path) -> FastAPI:
    rng = random.Random(7)
    app = FastAPI()
    sessions: dict[str, dict[str, Any]] = {}
    audit: list[dict[str, Any]] = []
    forces = _csv(REF / "forces.csv")
    fby = {f["force_id"]: f for f in forces}
    regions = _csv(REF / "regions.csv")
    districts = [{"district": d["district"], "force_id": d["force_id"], "latitude": float(d["latitude"]), "longitude": float(d["longitude"])}
                 for d in _csv(REF / "postcode_districts.csv") if d["force_id"]]
    persons = {p["entity_id"]: p for p in _csv(truth / "persons.csv")}
    nets = [n for n in json.loads((truth / "networks.json").read_text()) if not n["decoy"]]
    sg = _csv(truth / "safeguarding.csv")
    ref_day = date(2024, 6, 30)

    def age(pid: str) -> int | None:
        dob = persons.get(pid, {}).get("dob")
        if not dob:
            return None
        y, m, d = map(int, dob.split("-"))
        return ref_day.year - y - ((ref_day.month, ref_day.day) < (m, d))

    def label(pid: str) -> str:
        p = persons.get(pid)
        return f"{p['forenames']} {p['surname'].upper()}" if p else pid

    networks: dict[str, dict[str, Any]] = {}
    member_of: dict[str, tuple[str, str]] = {}
    for i, n in enumerate(nets, 1):
        nid = f"N-{i:04d}"
        members = [m for m in n["members"] if m["kind"] == "person"][:18]
        org = [m["entity_id"] for m in members if m["role"] == "organiser"] or [members[0]["entity_id"]]
        nodes = [{"id": m["entity_id"], "kind": "person", "label": label(m["entity_id"]), "role": m["role"], "attributes": {"age": age(m["entity_id"])}} for m in members]
        edges = []
        start = date(2024, 1, 1)
        for j, m in enumerate(members):
            if m["entity_id"] in org[:1]:
                continue
            s = start + timedelta(days=rng.randint(0, 400))
            edges.append({"source": org[j % len(org)], "target": m["entity_id"], "type": rng.choice(["associate_of", "co_arrested", "travelled_with"]),
                          "since": s.isoformat(), "until": (s + timedelta(days=rng.randint(10, 200))).isoformat(),
                          "grading": rng.choice([None, "1B P", "2C P"]), "source_id": "intel", "ref": f"IR{j:05d}"})
        for k in range(4):
            tid = f"T-{i:03d}{k:03d}"
            nodes.append({"id": tid, "kind": "object", "label": f"07700 9{i:02d}{k:03d}", "role": None, "attributes": {}})
            for m in rng.sample(members, min(3, len(members))):
                edges.append({"source": m["entity_id"], "target": tid, "type": "uses_phone", "since": (start + timedelta(days=rng.randint(0, 500))).isoformat(), "until": None, "grading": None, "source_id": "cdr", "ref": f"C{k}"})
        places = []
        for f in n["forces"]:
            fo = fby.get(f)
            if not fo:
                continue
            for kind in ("offence", "address", "missing episode found at"):
                for _ in range(rng.randint(1, 4)):
                    places.append({"latitude": float(fo["latitude"]) + rng.uniform(-0.2, 0.2), "longitude": float(fo["longitude"]) + rng.uniform(-0.3, 0.3),
                                   "label": f"{kind} in {fo['short_name']}", "kind": kind, "when": (start + timedelta(days=rng.randint(0, 540))).isoformat()})
        actions = []
        for k, strand in enumerate(["Protect", "Pursue", "Prevent", "Prepare"]):
            actions.append({"task_id": f"K-{i:03d}-{k}", "network_id": nid, "strand": strand, "action": {
                "Protect": "Safeguarding strategy meeting for the children in the group; NRM referrals",
                "Pursue": "Develop intelligence on the organisers; consider a CCE investigation",
                "Prevent": "Diversion and return-home interviews for the young people",
                "Prepare": "Brief the forces on the travelling pattern"}[strand],
                "owner_level": n["owner_level"], "owner_unit": n["owner_unit"], "status": "proposed", "due": None, "approved_by": None, "outcome": None, "history": []})
        networks[nid] = {"network_id": nid, "rank": i, "score": round(90 - 9.5 * i, 1), "threats": n["threats"], "forces": n["forces"], "regions": n["regions"],
                         "owner": {"level": n["owner_level"], "unit": n["owner_unit"]}, "summary": n["summary"], "members_count": len(members),
                         "members": [{"entity_id": m["entity_id"], "kind": "person", "label": label(m["entity_id"]), "role": m["role"], "age": age(m["entity_id"]), "evidence": []} for m in members],
                         "score_breakdown": {"harm": 0.8, "vulnerability": 0.9, "spread": 0.6, "trajectory": 0.4, "confidence": 0.7},
                         "actions": actions, "graph": {"nodes": nodes, "edges": edges}, "places": places,
                         "timeline": [{"when": p["when"], "kind": p["kind"], "label": p["label"], "force": "", "event_id": f"E:x:{q}"} for q, p in enumerate(places)]}
        for m in members:
            member_of.setdefault(m["entity_id"], (nid, m["role"]))
    tasks = {t["task_id"]: t for n in networks.values() for t in n["actions"]}
    safeguarding = [{"rank": r, "entity_id": s["entity_id"], "label": label(s["entity_id"]), "score": round(1 - r / 100, 2), "age": age(s["entity_id"]),
                     "network_id": member_of.get(s["entity_id"], (None,))[0], "indicators": ["missing_found_out_of_area", "arrested_out_of_area"],
                     "route": "Children's social care (MASH) referral; NRM referral; return-home interview"} for r, s in enumerate(sg, 1)]
    alerts = [{"alert_id": f"AL-{k}", "kind": kind, "score": round(rng.uniform(2, 9), 2), "summary": summ, "detail": {"observed": 14, "expected": 3.2}}
              for k, (kind, summ) in enumerate([("trend", "Shoplifting up 340% in Suffolk, Jan-Mar"), ("travelling_group", "Group of 6 young people arrested together in 5 forces"),
                                                ("trend", "Theft from the person up in Dorset"), ("change", "Network N-0002 rose 3 places")])]

    def user_of(authorization: str | None) -> dict[str, Any]:
        if not authorization or not authorization.startswith("Bearer ") or authorization[7:] not in sessions:
            raise HTTPException(401, "not signed in")
        return sessions[authorization[7:]]

    def log(u: dict[str, Any], action: str, purpose: str | None, target: str) -> None:
        prev = audit[-1]["hash"] if audit else ""
        entry = {"seq": len(audit) + 1, "at": datetime.now(UTC).isoformat(timespec="seconds"), "actor": u["username"], "action": action, "purpose": purpose or "", "target": target}
        entry["hash"] = hashlib.sha256((prev + json.dumps(entry, sort_keys=True)).encode()).hexdigest()[:16]
        audit.append(entry)

    def need_purpose(purpose: str | None) -> str:
        if not purpose:
            raise HTTPException(428, "purpose_required")
        return purpose

    @app.exception_handler(HTTPException)
    async def err(_: Request, exc: HTTPException) -> JSONResponse:
        code = {401: "unauthorised", 403: "forbidden", 404: "not_found", 428: "purpose_required"}.get(exc.status_code, "error")
        return JSONResponse({"error": {"code": code, "message": str(exc.detail), "detail": {}}}, status_code=exc.status_code)

    def page(items: list[Any], p: int = 1, size: int = 50) -> dict[str, Any]:
        return {"items": items[(p - 1) * size: p * size], "total": len(items), "page": p, "page_size": size}

    @app.post("/api/v1/auth/login")
    async def login(body: dict[str, str]) -> dict[str, Any]:
        u = USERS.get(body.get("username", ""))
        if not u or body.get("password") != "demo":
            raise HTTPException(401, "bad credentials")
        tok = secrets.token_hex(16)
        sessions[tok] = u
        log(u, "login", None, u["username"])
        return {"token": tok, "expires_at": "2099-01-01T00:00:00", "user": u}

    @app.post("/api/v1/auth/logout")
    async def logout(authorization: str | None = Header(None)) -> dict[str, bool]:
        user_of(authorization)
        sessions.pop((authorization or "")[7:], None)
        return {"ok": True}

    @app.get("/api/v1/me")
    async def me(authorization: str | None = Header(None)) -> dict[str, Any]:
        return user_of(authorization)

    @app.get("/api/v1/search")
    async def search(q: str, type: str = "any", authorization: str | None = Header(None), x_toex_purpose: str | None = Header(None)) -> dict[str, Any]:
        u = user_of(authorization)
        need_purpose(x_toex_purpose)
        names = {pid: f"{p['forenames']} {p['surname']}".lower() for pid, p in persons.items() if pid in member_of}
        scored = sorted(((difflib.SequenceMatcher(None, q.lower(), n).ratio(), pid) for pid, n in names.items()), reverse=True)[:10]
        items = [{"entity_id": pid, "kind": "person", "label": label(pid), "detail": f"born {persons[pid]['dob']}", "score": round(s, 2)} for s, pid in scored if s > 0.5]
        log(u, "consultation:search", x_toex_purpose, q)
        return page(items)

    @app.get("/api/v1/entities/{eid}")
    async def entity(eid: str, authorization: str | None = Header(None), x_toex_purpose: str | None = Header(None)) -> dict[str, Any]:
        u = user_of(authorization)
        need_purpose(x_toex_purpose)
        p = persons.get(eid)
        if not p or eid not in member_of:
            raise HTTPException(404, "not found")
        nid, role = member_of[eid]
        net = networks[nid]
        log(u, "consultation:entity", x_toex_purpose, eid)
        recs = [{"source_id": f"{f}-crime", "ref": f"R{k}{eid[-4:]}", "source_name": f"{fby[f]['short_name']} crime system", "owner": f, "kind": "custody", "classification": "OFFICIAL-SENSITIVE",
                 "grading": "1B P" if k else None, "handling": None, "fields": {"forenames": p["forenames"], "surname": p["surname"].lower() if k else p["surname"], "dob": p["dob"]}}
                for k, f in enumerate(net["forces"][:3]) if f in fby]
        links = [e for e in net["graph"]["edges"] if eid in (e["source"], e["target"])]
        return {"entity_id": eid, "kind": "person", "label": label(eid), "attributes": {"forenames": p["forenames"], "surname": p["surname"], "dob": p["dob"], "sex": p["sex"]},
                "records": recs, "events": net["timeline"][:8], "links": [{**e, "other_id": e["target"] if e["source"] == eid else e["source"]} for e in links],
                "indicators": [{"indicator": "missing_found_out_of_area", "weight": 0.6, "evidence": "3 missing episodes"}] if (age(eid) or 99) < 18 else [],
                "networks": [{"network_id": nid, "role": role}], "places": net["places"][:6]}

    @app.get("/api/v1/explain")
    async def explain(left: str, right: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return {"left": left, "right": right, "match_weight": 14.2, "match_probability": 0.9999,
                "comparisons": [{"comparison": "surname", "level": "the same", "weight": 6.1}, {"comparison": "dob", "level": "the same", "weight": 7.9}]}

    @app.get("/api/v1/graph/neighbourhood/{eid}")
    async def neighbourhood(eid: str, authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        nid = member_of.get(eid, (None,))[0]
        if not nid:
            raise HTTPException(404, "not found")
        extra = {"id": f"L-{eid[-5:]}", "kind": "location", "label": "12 Acacia Avenue", "role": None, "attributes": {}}
        return {"nodes": [n for n in networks[nid]["graph"]["nodes"] if n["id"] == eid] + [extra],
                "edges": [{"source": eid, "target": extra["id"], "type": "lives_at", "since": "2024-02-01", "until": None, "grading": None, "source_id": "x", "ref": "1"}]}

    @app.get("/api/v1/graph/path")
    async def path(request: Request, authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        a, b = request.query_params["from"], request.query_params["to"]
        for n in networks.values():
            es = n["graph"]["edges"]
            for e1 in es:
                for e2 in es:
                    if {e1["source"], e1["target"]} & {e2["source"], e2["target"]} and a in (e1["source"], e1["target"]) and b in (e2["source"], e2["target"]):
                        ids = {e1["source"], e1["target"], e2["source"], e2["target"]}
                        return {"nodes": [x for x in n["graph"]["nodes"] if x["id"] in ids], "edges": [e1, e2]}
        return {"nodes": [], "edges": []}

    @app.get("/api/v1/networks")
    async def list_networks(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        keys = ["network_id", "rank", "score", "threats", "forces", "regions", "owner", "summary", "members_count"]
        return page([{k: n[k] for k in keys} for n in networks.values()])

    @app.get("/api/v1/networks/{nid}")
    async def network(nid: str, authorization: str | None = Header(None), x_toex_purpose: str | None = Header(None)) -> dict[str, Any]:
        u = user_of(authorization)
        need_purpose(x_toex_purpose)
        if nid not in networks:
            raise HTTPException(404, "not found")
        log(u, "consultation:network", x_toex_purpose, nid)
        if u["scope_kind"] != "national":
            return {**networks[nid], "score_breakdown": None, "complete": False, "withheld": FORCE_WITHHELD}
        return {**networks[nid], "complete": True, "withheld": None}

    @app.get("/api/v1/networks/{nid}/export")
    async def export(nid: str, format: str, authorization: str | None = Header(None), x_toex_purpose: str | None = Header(None)) -> PlainTextResponse:
        u = user_of(authorization)
        log(u, f"disclosure:export:{format}", x_toex_purpose, nid)
        return PlainTextResponse("<graphml/>", headers={"Content-Disposition": f'attachment; filename="{nid}.{format}"'})

    @app.get("/api/v1/safeguarding")
    async def sg_list(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return page(safeguarding, 1, 500)

    @app.get("/api/v1/alerts")
    async def alert_list(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return page(alerts)

    @app.get("/api/v1/picture")
    async def picture(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        out = []
        for f in forces:
            nn = sum(1 for n in networks.values() if f["force_id"] in n["forces"])
            out.append({"force_id": f["force_id"], "name": f["short_name"], "region_id": f["region_id"], "networks": nn, "alerts": rng.randint(0, 3) if nn else 0,
                        "safeguarding": nn * 2, "latitude": float(f["latitude"]), "longitude": float(f["longitude"])})
        keys = ["network_id", "rank", "score", "threats", "forces", "regions", "owner", "summary", "members_count"]
        return {"networks": [{k: n[k] for k in keys} for n in networks.values()], "safeguarding": safeguarding[:10], "alerts": alerts, "forces": out}

    @app.get("/api/v1/tasks")
    async def task_list(authorization: str | None = Header(None), network_id: str | None = None) -> dict[str, Any]:
        user_of(authorization)
        return page([t for t in tasks.values() if not network_id or t["network_id"] == network_id], 1, 500)

    @app.post("/api/v1/tasks/{tid}/transition")
    async def transition(tid: str, body: dict[str, Any], authorization: str | None = Header(None)) -> dict[str, Any]:
        u = user_of(authorization)
        t = tasks.get(tid)
        if not t:
            raise HTTPException(404, "not found")
        if body["to"] == "approved" and u["role"] != "tasking_authority":
            raise HTTPException(403, "approval needs a tasking authority")
        t["history"].append({"at": datetime.now(UTC).isoformat(timespec="seconds"), "actor": u["username"], "from": t["status"], "to": body["to"]})
        t["status"] = body["to"]
        if body["to"] == "approved":
            t["approved_by"] = u["username"]
        if body.get("outcome"):
            t["outcome"] = body["outcome"]
        log(u, f"alteration:task:{body['to']}", None, tid)
        return t

    @app.patch("/api/v1/tasks/{tid}")
    async def assign(tid: str, body: dict[str, Any], authorization: str | None = Header(None)) -> dict[str, Any]:
        u = user_of(authorization)
        tasks[tid].update({k: v for k, v in body.items() if v})
        log(u, "alteration:task:assign", None, tid)
        return tasks[tid]

    @app.get("/api/v1/reference/forces")
    async def ref_forces(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return page([{"force_id": f["force_id"], "name": f["short_name"], "region_id": f["region_id"], "latitude": float(f["latitude"]), "longitude": float(f["longitude"])} for f in forces], 1, 100)

    @app.get("/api/v1/reference/regions")
    async def ref_regions(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return page([{"region_id": r["region_id"], "name": r["name"]} for r in regions], 1, 100)

    @app.get("/api/v1/reference/districts")
    async def ref_districts(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return page(districts, 1, 5000)

    @app.get("/api/v1/audit")
    async def audit_list(authorization: str | None = Header(None), page_: int = 1) -> dict[str, Any]:
        u = user_of(authorization)
        if u["role"] == "analyst":
            raise HTTPException(403, "supervisors only")
        return page(list(reversed(audit)))

    @app.get("/api/v1/audit/verify")
    async def audit_verify(authorization: str | None = Header(None)) -> dict[str, Any]:
        user_of(authorization)
        return {"ok": True, "entries": len(audit)}

    @app.get("/api/v1/audit/export")
    async def audit_export(authorization: str | None = Header(None)) -> PlainTextResponse:
        user_of(authorization)
        return PlainTextResponse("seq,actor\n" + "\n".join(f"{a['seq']},{a['actor']}" for a in audit), headers={"Content-Disposition": 'attachment; filename="audit.csv"'})

    app.mount("/", StaticFiles(directory=STATIC, html=True), name="web")
    return app


if __name__ == "__main__":
    import uvicorn

    uvicorn.run(build(Path(sys.argv[1])), host="127.0.0.1", port=int(sys.argv[2]), log_level="warning")
