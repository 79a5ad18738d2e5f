"""Safeguarding list, alerts, and change alerts between runs."""

from __future__ import annotations

import json

from tests.assess.picture import add_events, add_member

from toex.assess import run_assess
from toex.assess.safeguarding import CRIMINALISING_WORDS
from toex.store import Store


def test_strongest_evidence_of_exploitation_comes_first_in_plain_words(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    rows = picture.fetchall("SELECT entity_id, is_child, nrm_referred, summary, home_force, score FROM safeguarding_list "
                            "ORDER BY rank")
    order = [r[0] for r in rows]
    assert order[0] == "P-000003"  # child, NRM-referred, exploited in a network
    # A network's exploited adults (controlled, co-resident in an HMO) rank above a child with one
    # indicator and no identified exploiter: the list follows the strength of the evidence.
    assert order.index("P-000020") < order.index("P-000030")
    assert order.index("P-000021") < order.index("P-000030")
    assert [r[5] for r in rows] == sorted((r[5] for r in rows), reverse=True)
    for _eid, _c, _n, summary, _f, _s in rows:
        assert "potential victim" in summary
        assert not any(word in summary.lower() for word in CRIMINALISING_WORDS), summary
    assert dict((r[0], r[4]) for r in rows)["P-000002"] == "suffolk"


def test_children_and_nrm_referred_break_ties() -> None:
    from datetime import date

    from toex.assess.config import load_weights
    from toex.assess.safeguarding import build_safeguarding
    from toex.store import open_store

    with open_store(None) as store:
        store.execute("CREATE TABLE IF NOT EXISTS person_indicators (entity_id VARCHAR, indicator VARCHAR, "
                      "weight DOUBLE, evidence JSON, threat VARCHAR)")
        for eid, dob in (("P-000001", "1990-01-01"), ("P-000002", "2012-01-01")):
            store.execute("INSERT INTO person_entities (entity_id, dob, dob_year) VALUES (?, ?, ?)", [eid, dob, int(dob[:4])])
            store.execute("INSERT INTO person_indicators VALUES (?, 'SHARED_ACCOUNT', 1.0, NULL, NULL)", [eid])
        weights = load_weights()
        child_free = {**weights.safeguarding, "weights": {**weights.safeguarding["weights"], "child": 0.0}}
        from dataclasses import replace

        build_safeguarding(store, replace(weights, safeguarding=child_free), date(2025, 6, 30))
        rows = store.fetchall("SELECT entity_id, score FROM safeguarding_list ORDER BY rank")
    assert rows[0][1] == rows[1][1]
    assert rows[0][0] == "P-000002"  # same evidence: the child first


def test_alerts_merge_trends_and_travelling_groups(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    kinds = {r[0] for r in picture.fetchall("SELECT kind FROM alerts")}
    assert kinds == {"emerging-trend", "travelling-group"}


def _changes(store: Store) -> list[tuple[str, str | None, str | None, dict[str, object]]]:
    return [(c, n, e, json.loads(d)) for c, n, e, d in store.fetchall(
        "SELECT a.detail->>'change', a.detail->>'network_id', a.detail->>'entity_id', a.detail FROM alerts a WHERE kind = 'change' ORDER BY 1")]


def test_first_run_is_the_baseline_and_unchanged_findings_are_not_realerted(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    assert _changes(picture) == []
    run_assess(picture, actor="Jane Analyst")
    assert _changes(picture) == []
    assert picture.scalar("SELECT count(*) FROM picture_snapshots") == 2


def test_new_child_new_force_and_new_region_are_alerted_once_with_evidence(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    # New data: a 13-year-old drawn into N-0003, offending in Cumbria (a new force and region).
    picture.execute("INSERT INTO persons (source_id, ref, load_id, forenames, surname, dob, dob_year) "
                    "VALUES ('test-src', 'rP-000040', 't', 'New', 'Child', DATE '2012-01-01', 2012)")
    picture.execute("INSERT INTO entity_records VALUES ('person', 'test-src', 'rP-000040', 'P-000040')")
    picture.execute("INSERT INTO person_entities (entity_id, forenames, surname, dob, dob_year) "
                    "VALUES ('P-000040', 'New', 'Child', DATE '2012-01-01', 2012)")
    add_events(picture, [("E40", "offence", "2025-07-05", "cumbria", "46", None, [("P-000040", "offender")])])
    add_member(picture, "N-0003", "P-000040", "person", "exploited")
    # detect's geography: an exploited member's records are the network's activity (docs/tasking.md)
    picture.execute("UPDATE networks SET forces = list_append(forces, 'cumbria') WHERE network_id = 'N-0003'")
    run_assess(picture, actor="Jane Analyst")
    changes = _changes(picture)
    kinds = {(c, n, e) for c, n, e, _d in changes}
    assert ("new-child", "N-0003", "P-000040") in kinds
    assert any(c == "new-force" and d["force"] == "cumbria" for c, _n, _e, d in changes)
    assert any(c == "new-region" and d["region"] == "nwrocu" for c, _n, _e, d in changes)
    child = next(d for c, _n, _e, d in changes if c == "new-child")
    assert {"source": "test-src", "ref": "rE40"} in [{k: v for k, v in ev.items() if k in ("source", "ref")} for ev in child["evidence"]]
    assert "child" in next(s for (s,) in picture.fetchall("SELECT summary FROM alerts WHERE kind = 'change' AND detail->>'change' = 'new-child'"))
    run_assess(picture, actor="Jane Analyst")
    assert _changes(picture) == []  # the same finding is not alerted again
    assert picture.scalar("SELECT count(*) FROM change_alerts WHERE change = 'new-child'") == 1


def test_safeguarded_child_appearing_again_and_new_organiser(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    add_events(picture, [("E50", "missing-episode", "2025-07-10", "suffolk", None, None, [("P-000002", "missing-person")])])
    add_member(picture, "N-0002", "P-000001", "person", "organiser")
    run_assess(picture, actor="Jane Analyst")
    kinds = {(c, e) for c, _n, e, _d in _changes(picture)}
    assert ("safeguarded-child-reappears", "P-000002") in kinds
    assert ("new-organiser", "P-000001") in kinds
