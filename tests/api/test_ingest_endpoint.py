"""Loading through the server while it serves: POST /admin/ingest."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.api.world import World, make_world
from tests.conftest import write_source

from toex.api.settings import ApiSettings
from toex.store import audit

PERSON = {"ref": "P1", "forenames": "Ionut", "surname": "Popescu", "dob": "2009-07-03", "sex": "M"}
EVENT = {"ref": "E1", "kind": "offence", "occurred_from": "2024-03-09", "force": "suffolk", "offence_code": "46"}
LINK = {"from_ref": "P1", "to_ref": "E1", "role": "suspect"}


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[World, Path]]:
    folder = tmp_path / "drop"
    folder.mkdir()
    w = make_world(ApiSettings(ingest_dir=folder, index_check_seconds=3600))
    yield w, folder
    w.client.app.state.ingest_jobs.wait(60)  # type: ignore[attr-defined]
    w.db.close()


def _wait(w: World, job_id: str) -> dict[str, object]:
    deadline = time.time() + 60
    while time.time() < deadline:
        body = w.client.get(f"/api/v1/admin/ingest/{job_id}", headers=w.headers("admin")).json()
        if body["state"] != "running":
            return dict(body)
        time.sleep(0.1)
    raise AssertionError("the load did not finish")


def test_admin_loads_a_source_while_analysts_consult(served: tuple[World, Path]) -> None:
    w, folder = served
    write_source(folder, source_id="suffolk-custody", kind="custody", persons=[PERSON], events=[EVENT], links=[LINK])
    before = int(w.db.store.scalar("SELECT count(*) FROM audit"))
    r = w.client.post("/api/v1/admin/ingest", headers=w.headers("admin"), json={"paths": ["suffolk-custody"]})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    consulted = 0
    while w.client.app.state.ingest_jobs.jobs[job_id].state == "running" or consulted < 5:  # type: ignore[attr-defined]
        assert w.get("/api/v1/search", "suffolk", q="Jonathan Smith").status_code == 200
        consulted += 1
    job = _wait(w, job_id)
    assert job["state"] == "done" and job["results"] == [
        {"source_id": "suffolk-custody", "status": "loaded", "rows": 3, "quarantined": 0,
         "seconds": job["results"][0]["seconds"]}]  # type: ignore[index]
    assert w.db.store.scalar("SELECT count(*) FROM persons WHERE source_id = 'suffolk-custody'") == 1
    # every consultation and the load's collection entry are in one unbroken chain
    rows = w.db.store.fetchall("SELECT actor, action, target FROM audit WHERE seq > ? ORDER BY seq", [before])
    assert ("admin", "collection", "source:suffolk-custody") in rows
    assert sum(1 for a, act, t in rows if a == "suffolk" and t == "search:any") == consulted
    result = audit.verify(w.db.store)
    assert result.ok, result.reason
    # the index picks the new records up: the suspect is found by search once it is rebuilt
    w.db.refresh_index()
    hits = w.get("/api/v1/search", "suffolk", q="Ionut Popescu", type="person").json()["items"]
    assert [h["entity_id"] for h in hits] == ["R:suffolk-custody:P1"]


def test_only_admins_and_only_inside_the_folder(served: tuple[World, Path], tmp_path: Path) -> None:
    w, folder = served
    write_source(tmp_path / "elsewhere", source_id="met-intel", owner="metropolitan", kind="intelligence",
                 persons=[PERSON])
    r = w.client.post("/api/v1/admin/ingest", headers=w.headers("suffolk"), json={"paths": ["x"]})
    assert r.status_code == 403
    for path in ("../elsewhere/met-intel", str(tmp_path / "elsewhere" / "met-intel"), "missing"):
        r = w.client.post("/api/v1/admin/ingest", headers=w.headers("admin"), json={"paths": [path]})
        assert r.status_code == 422, path
        assert str(tmp_path) not in r.text
    assert w.client.get("/api/v1/admin/ingest/J-none", headers=w.headers("admin")).status_code == 404


def test_a_failed_source_is_reported_and_the_chain_stays_whole(served: tuple[World, Path]) -> None:
    w, folder = served
    bad = write_source(folder, source_id="suffolk-stops", kind="stop-search", persons=[PERSON], events=[EVENT])
    (bad / "persons.csv").write_bytes(b"")
    r = w.client.post("/api/v1/admin/ingest", headers=w.headers("admin"), json={"paths": ["suffolk-stops"]})
    assert r.status_code == 202, r.text
    job = _wait(w, r.json()["job_id"])
    assert job["state"] == "failed" and "persons.csv" in str(job["failures"])
    assert str(folder) not in str(job)
    assert w.get("/api/v1/search", "suffolk", q="Jonathan Smith").status_code == 200
    assert audit.verify(w.db.store).ok


def test_off_unless_the_server_has_an_ingest_folder(fresh_world: World) -> None:
    r = fresh_world.client.post("/api/v1/admin/ingest", headers=fresh_world.headers("admin"), json={"paths": ["x"]})
    assert r.status_code == 409 and "--ingest-dir" in r.json()["error"]["message"]
