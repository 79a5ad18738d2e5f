"""Per-data-version caches of the API: a rebuilt index (new build id) or a new assessment is seen at once."""

from __future__ import annotations

from tests.api.world import World

from toex.api import queries
from toex.api.index import build_id


def test_member_counts_follow_an_index_rebuild(fresh_world: World) -> None:
    w = fresh_world
    before = w.get("/api/v1/networks/N-0001", "suffolk").json()
    assert before["complete"] is True
    first = build_id(w.db.store)
    assert first is not None
    # a member known only from handling code C intelligence lands, and the index is rebuilt
    w.db.store.execute(
        "INSERT INTO network_members (network_id, entity_id, kind, role, evidence, age, safeguarding) VALUES "
        "('N-0001', 'P-000004', 'person', 'associate', '[]', NULL, NULL)")
    w.db.refresh_index(force=True)
    assert build_id(w.db.store) not in (None, first)
    after = w.get("/api/v1/networks/N-0001", "suffolk").json()
    assert after["complete"] is False
    assert after["withheld"] == {"outside_scope": 0, "handling_c": 1, "above_clearance": 0}
    listed = {n["network_id"]: n for n in w.get("/api/v1/networks", "suffolk").json()["items"]}
    assert listed["N-0001"]["complete"] is False


def test_safeguarding_list_follows_a_new_assessment(fresh_world: World) -> None:
    w = fresh_world
    store = w.db.store
    before = w.get("/api/v1/safeguarding", "national").json()["items"]
    assert before
    gone = before[0]["entity_id"]
    store.execute("DELETE FROM safeguarding_list WHERE entity_id = ?", [gone])
    store.execute("INSERT INTO assess_runs (run_id, finished_at) VALUES ('test-run', now())")
    after = w.get("/api/v1/safeguarding", "national").json()["items"]
    assert gone not in {i["entity_id"] for i in after}
    assert len(after) == len(before) - 1


def test_cached_counts_are_per_access(fresh_world: World) -> None:
    """The cache key is what the record filter depends on: a force user never gets a national user's counts."""
    w = fresh_world
    national = {n["network_id"]: n["members_count"] for n in w.get("/api/v1/networks", "national").json()["items"]}
    met = {n["network_id"]: n["members_count"] for n in w.get("/api/v1/networks", "met").json()["items"]}
    assert national and met and national != met
    assert queries.access_key(_user(w, "met")) != queries.access_key(_user(w, "national"))


def _user(w: World, name: str) -> queries.User:
    from toex.api import auth

    user = auth.session_user(w.db.store, w.tokens[name])
    assert user is not None
    return user
