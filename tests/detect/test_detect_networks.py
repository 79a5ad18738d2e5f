"""Networks, roles, fronts and threats on the hand-built scenes: safeguarding first, decoys stay out."""

from __future__ import annotations

import json

from tests.graph.scenes import CHILDREN, FRONT, ORGANISERS

from toex.detect.run import AnalysisSummary
from toex.store import Store


def members(store: Store) -> dict[str, str]:
    return {str(e): str(r) for e, r in store.fetchall("SELECT entity_id, role FROM network_members")}


def test_one_network_with_the_right_roles(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, summary = analysed
    assert store.scalar("SELECT count(*) FROM networks") == 1
    roles = members(store)
    assert {o: roles.get(o) for o in ORGANISERS} == dict.fromkeys(ORGANISERS, "organiser")
    assert {c: roles.get(c) for c in CHILDREN} == dict.fromkeys(CHILDREN, "exploited")
    assert roles.get(FRONT) == "front"
    assert summary.networks[0].network_id == "N-0001"


def test_decoys_never_become_networks(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    for entity in members(store):
        assert not entity.startswith(("P-00D", "L-00D", "O-00D")), entity


def test_children_are_never_organisers_and_have_a_safeguarding_route(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    rows = store.fetchall("SELECT entity_id, role, safeguarding, evidence FROM network_members WHERE entity_id LIKE 'P-0000C%'")
    for eid, role, route, evidence in rows:
        assert role != "organiser", eid
        assert route and "safeguarding" in route.lower()
        assert any("safeguarding" in e["reason"].lower() for e in json.loads(evidence))


def test_role_evidence_lists_its_records(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    ev = json.loads(store.scalar("SELECT evidence FROM network_members WHERE entity_id = ?", [ORGANISERS[0]]))
    assert any(e["source_id"] == "s1" and e["ref"] for e in ev)
    assert any("director" in e["reason"] or "officer" in e["reason"] for e in ev)


def test_threats_forces_and_summary(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    threats, forces, regions, text = store.execute("SELECT threats, forces, regions, summary FROM networks").fetchone()  # type: ignore[misc]
    assert "child-criminal-exploitation" in threats and "money-laundering" in threats
    assert {"suffolk", "dorset", "south-wales"} <= set(forces)
    assert len(regions) >= 3
    assert "potential victim" in text and "children" in text
    for child in CHILDREN:
        assert child not in text        # children are never named in a summary


def test_centrality_does_not_make_a_runner_a_key_player(analysed: tuple[Store, AnalysisSummary]) -> None:
    """C1 sits between the other children, the flat, the car and the front (high betweenness) but stays a victim."""
    from toex.graph.algorithms import betweenness, load_subgraph

    store, _ = analysed
    ids = [str(r[0]) for r in store.fetchall("SELECT entity_id FROM network_members")]
    g = load_subgraph(store, ids).to_igraph()
    central = betweenness(g)
    assert central[CHILDREN[0]] > 0
    assert members(store)[CHILDREN[0]] == "exploited"


def test_audit_and_run_recorded(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, summary = analysed
    assert store.scalar("SELECT count(*) FROM analysis_runs WHERE run_id = ?", [summary.run_id]) == 1
    assert store.scalar("SELECT count(*) FROM audit WHERE action = 'combination' AND target = 'analysis'") >= 1


def test_one_exploitation_offence_against_one_child_does_not_make_an_organiser() -> None:
    """The background pattern that used to outrank planted networks: an adult suspected of one sexual
    offence against one child, and another child found at their address. Each child needs safeguarding;
    the adult does not run a network (exploitation-specific control over two or more people is needed)."""
    from toex.detect.roles import CONTROL, ControlScore, is_organiser

    c = ControlScore()
    c.add("offended-against", CONTROL["offended-against"][0], "suspect in an offence against C1", "s", "r1", "C1")
    c.add("found-at-home", CONTROL["found-at-home"][0], "C2 was found at their address", "s", "r2", "C2")
    assert c.score >= 2.5 and c.controlled == {"C1", "C2"} and c.specific == {"C1"}
    assert not is_organiser(c, 2.5, 2)
    assert is_organiser(c, 2.5, 2, min_specific=1)  # the rule before (configurable: min_specific_controlled)
    c.add("shared-phone", CONTROL["shared-phone"][0], "shares a phone with C2", "s", "r3", "C2")
    assert is_organiser(c, 2.5, 2)
