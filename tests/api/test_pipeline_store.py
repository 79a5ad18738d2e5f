"""The API over a store made by the real pipeline (synth -> ingest -> resolve -> analyse -> assess).

Slow and opt-in: ``TOEX_API_PIPELINE_STORE=toex-demo/toex.duckdb pytest -m slow tests/api/test_pipeline_store.py``
(the store is copied, never changed). A force analyst walks every route; nothing
answers 5xx and every record, event and edge shown concerns the analyst's force.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.api.world import issue_token

from toex.api.app import create_app
from toex.api.auth import add_user
from toex.api.db import Database
from toex.api.settings import ApiSettings
from toex.store import open_store

pytestmark = pytest.mark.slow
SOURCE = os.environ.get("TOEX_API_PIPELINE_STORE")


@pytest.mark.skipif(not SOURCE, reason="set TOEX_API_PIPELINE_STORE to a store made by the pipeline")
def test_force_analyst_over_a_pipeline_store(tmp_path: Path) -> None:
    assert SOURCE
    target = tmp_path / "store.duckdb"
    shutil.copy(SOURCE, target)
    store = open_store(target)
    force = str(store.scalar("SELECT s.owner FROM sources s JOIN ref_forces f ON f.force_id = s.owner "
                             "JOIN persons p USING (source_id) GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"))
    add_user(store, "probe", "probe password 123", role="supervisor", scope_kind="force", scope_id=force)
    db = Database(store, index_check_seconds=3600)
    db.refresh_index()
    client = TestClient(create_app(ApiSettings(store=target), db))
    headers = {"Authorization": f"Bearer {issue_token(store, 'probe')}", "X-Toex-Purpose": "test"}
    own = {str(r[0]) for r in store.fetchall("SELECT source_id FROM sources WHERE owner = ?", [force])}
    foreign_forces = {str(r[0]) for r in store.fetchall("SELECT force_id FROM ref_forces WHERE force_id <> ?", [force])}
    foreign = {str(r[0]) for r in store.fetchall("SELECT source_id FROM sources WHERE owner IN "
                                                 "(SELECT force_id FROM ref_forces) AND owner <> ?", [force])}

    def get(path: str, **params: object) -> dict:  # type: ignore[type-arg]
        r = client.get(path, headers=headers, params=params)
        assert r.status_code < 500, (path, r.text[:300])
        return r.json() if r.headers.get("content-type", "").startswith("application/json") else {}

    nets = get("/api/v1/networks")["items"]
    safe = get("/api/v1/safeguarding")["items"]
    get("/api/v1/alerts"), get("/api/v1/picture"), get("/api/v1/tasks"), get("/api/v1/audit")
    ids = [n["network_id"] for n in nets[:5]]
    people = [s["entity_id"] for s in safe[:5]]
    name = store.scalar("SELECT concat_ws(' ', p.forenames, p.surname) FROM persons p JOIN sources s USING (source_id) "
                        "WHERE s.owner = ? AND p.surname IS NOT NULL LIMIT 1", [force])
    hits = get("/api/v1/search", q=name)["items"]
    assert hits, name
    people += [h["entity_id"] for h in hits[:3]]
    for nid in ids:
        detail = get(f"/api/v1/networks/{nid}")
        for e in detail["graph"]["edges"]:
            assert e["source_id"] is None or e["source_id"] not in foreign
        for t in detail["timeline"]:
            assert t["event_id"].split(":")[1] not in foreign
        client.get(f"/api/v1/networks/{nid}/export", headers=headers, params={"format": "graphml"})
    for pid in people:
        profile = get(f"/api/v1/entities/{pid}")
        if not profile:
            continue
        for rec in profile["records"]:
            assert rec["source_id"] not in foreign
            assert rec["source_id"] in own or rec["owner"] not in foreign_forces
        assert all(lk["source_id"] is None or lk["source_id"] not in foreign for lk in profile["links"])
        graph = get(f"/api/v1/graph/neighbourhood/{pid}", hops=2)
        assert all(e["source_id"] is None or e["source_id"] not in foreign for e in graph["edges"])
    db.close()
