"""Travelling groups: the children's cross-force sprees are found; adult crews across one border are not."""

from __future__ import annotations

import json

from tests.graph.scenes import CHILDREN

from toex.detect.run import AnalysisSummary
from toex.store import Store


def test_case_study_group_is_found(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    rows = store.fetchall("SELECT members, forces, children, events, sprees, mobility_score, summary, evidence "
                          "FROM travelling_groups")
    assert len(rows) == 1
    members, forces, children, events, sprees, score, summary, evidence = rows[0]
    assert set(CHILDREN) <= set(members)
    assert {"suffolk", "dorset", "south-wales", "kent"} <= set(forces)
    assert children == 4 and events >= 10 and sprees >= 5 and 0 < score <= 1
    assert "potential victims" in summary
    assert all(e["source_id"] and e["ref"] for e in json.loads(evidence))


def test_decoy_crews_are_not_travelling_groups(analysed: tuple[Store, AnalysisSummary]) -> None:
    store, _ = analysed
    everyone = {m for (ms,) in store.fetchall("SELECT members FROM travelling_groups") for m in ms}
    assert not any(m.startswith(("P-00DB", "P-00DS", "P-00DF")) for m in everyone)
