"""Safeguarding list, alerts, and change alerts between runs."""

from __future__ import annotations

import json

from tests.assess.picture import add_events, add_member

from toex.assess import run_assess
from toex.assess.safeguarding import CRIMINALISING_WORDS
from toex.store import Store


def test_children_and_nrm_referred_come_first_in_plain_words(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    rows = picture.fetchall("SELECT entity_id, is_child, nrm_referred, summary, home_force FROM safeguarding_list ORDER BY rank")
    flags = [bool(r[1] or r[2]) for r in rows]
    assert flags == sorted(flags, reverse=True)
    assert rows[0][0] == "P-000003"  # child and NRM-referred
    for _eid, _c, _n, summary, _f in rows:
        assert "potential victim" in summary
        assert not any(word in summary.lower() for word in CRIMINALISING_WORDS), summary
    assert dict((r[0], r[4]) for r in rows)["P-000002"] == "suffolk"


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
