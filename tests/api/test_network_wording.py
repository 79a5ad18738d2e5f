"""Network detail: what a partial view says is withheld, and where the NRM flag of a member comes from."""

from __future__ import annotations

import json

from tests.api.world import World


def _add_handling_c_member(w: World) -> None:
    """P-000004 is known only from handling code C intelligence (IR2); make it a member of N-0001."""
    w.db.store.execute(
        "INSERT INTO network_members (network_id, entity_id, kind, role, evidence, age, safeguarding) VALUES "
        "('N-0001', 'P-000004', 'person', 'associate', "
        "'[{\"reason\": \"intel\", \"source_id\": \"suffolk-intel\", \"ref\": \"IR2\"}]', NULL, NULL)")
    w.db.refresh_index(force=True)


def test_national_analyst_told_members_are_withheld_for_handling_c_not_scope(fresh_world: World) -> None:
    w = fresh_world
    _add_handling_c_member(w)
    # a national analyst without handling C clearance: nothing is outside their scope
    detail = w.get("/api/v1/networks/N-0001", "natofficial").json()
    assert detail["complete"] is False
    assert detail["withheld"] == {"outside_scope": 0, "handling_c": 1, "above_clearance": 0}
    assert "outside your scope" not in detail["summary"]
    assert "handling code C" in detail["summary"] and "1 member " in detail["summary"]
    assert "P-000004" not in json.dumps(detail) and "Hidden" not in json.dumps(detail)
    listed = [n for n in w.get("/api/v1/networks", "natofficial").json()["items"] if n["network_id"] == "N-0001"]
    assert listed[0]["summary"] == detail["summary"]
    # cleared for C: the whole network, with its summary
    full = w.get("/api/v1/networks/N-0001", "national").json()
    assert full["complete"] is True and full["withheld"] is None
    assert full["summary"] == "County line exploiting a child."
    assert "P-000004" in {m["entity_id"] for m in full["members"]}


def test_force_analyst_told_each_reason(fresh_world: World) -> None:
    w = fresh_world
    _add_handling_c_member(w)
    # Suffolk sees every member but the C-only one
    suffolk = w.get("/api/v1/networks/N-0001", "suffolk").json()
    assert suffolk["withheld"] == {"outside_scope": 0, "handling_c": 1, "above_clearance": 0}
    assert "outside your scope" not in suffolk["summary"]
    r = w.client.post("/api/v1/networks/N-0001/overrides", headers=w.headers("suffolk"),
                      json={"dimension": "harm", "value": 0.1, "rationale": "probe"})
    assert r.status_code == 403
    assert "handling code C" in r.json()["error"]["message"] and "outside your scope" not in r.json()["error"]["message"]
    # the Met: Kyle Jones and the phone are Suffolk's, and the C-only member is Suffolk intelligence
    met = w.get("/api/v1/networks/N-0001", "met").json()
    assert met["withheld"] == {"outside_scope": 3, "handling_c": 0, "above_clearance": 0}
    assert "3 members outside your scope" in met["summary"] and "handling code C" not in met["summary"]


def test_member_above_clearance_is_named_as_such(fresh_world: World) -> None:
    w = fresh_world
    w.db.store.execute(
        "INSERT INTO network_members (network_id, entity_id, kind, role, evidence, age, safeguarding) VALUES "
        "('N-0001', 'P-000005', 'person', 'associate', '[]', NULL, NULL)")
    w.db.refresh_index(force=True)
    detail = w.get("/api/v1/networks/N-0001", "natofficial").json()
    assert detail["withheld"] == {"outside_scope": 0, "handling_c": 0, "above_clearance": 1}
    assert "above your clearance" in detail["summary"] and "outside your scope" not in detail["summary"]


def test_nrm_flag_comes_from_the_referral_not_the_route_text(fresh_world: World) -> None:
    w = fresh_world
    store = w.db.store
    # routes that merely mention the NRM ("consider an NRM referral") do not make a member NRM-referred
    store.execute("UPDATE network_members SET safeguarding = 'Potential victim: safeguarding first. Consider an NRM "
                  "referral (duty to notify)' WHERE network_id = 'N-0001' AND entity_id = 'P-000001'")
    detail = w.get("/api/v1/networks/N-0001", "suffolk").json()
    members = {m["entity_id"]: m for m in detail["members"]}
    assert "NRM" in str(members["P-000001"]["safeguarding"]) and "NRM" in str(members["P-000002"]["safeguarding"])
    assert members["P-000001"]["nrm"] is False
    assert members["P-000002"]["nrm"] is False  # the route text says NRM, but no referral is recorded
    # the referral indicator, resting on the Home Office NRM record (which concerns Suffolk)
    store.execute("INSERT INTO person_indicators VALUES ('P-000002', 'NRM_REFERRAL', 1.0, "
                  "'[{\"reason\": \"Referred to the NRM\", \"source_id\": \"nrm\", \"ref\": \"NR1\"}]', "
                  "'modern-slavery')")
    members = {m["entity_id"]: m for m in w.get("/api/v1/networks/N-0001", "suffolk").json()["members"]}
    assert members["P-000002"]["nrm"] is True and members["P-000001"]["nrm"] is False
    # a referral whose record the user may not see does not show: the flag follows the evidence's visibility
    store.execute("UPDATE person_indicators SET evidence = "
                  "'[{\"reason\": \"C intel\", \"source_id\": \"suffolk-intel\", \"ref\": \"IR2\"}]' "
                  "WHERE indicator = 'NRM_REFERRAL'")
    members = {m["entity_id"]: m for m in w.get("/api/v1/networks/N-0001", "suffolk").json()["members"]}
    assert members["P-000002"]["nrm"] is False
    members = {m["entity_id"]: m for m in w.get("/api/v1/networks/N-0001", "national").json()["members"]}
    assert members["P-000002"]["nrm"] is True
