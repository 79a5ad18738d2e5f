"""Each scoring dimension, the combined score, the weights version and the override."""

from __future__ import annotations

import json

import pytest

from toex.assess import (
    DIMENSIONS,
    OverrideError,
    load_weights,
    run_assess,
    set_override,
    withdraw_override,
)
from toex.assess.dimensions import confidence, harm, offence_harm, spread, trajectory, vulnerability
from toex.assess.facts import NetworkFacts, OffenceCount
from toex.assess.score import score_network
from toex.store import Store

W = load_weights()


def test_weights_file_is_versioned_and_every_score_records_it(picture: Store) -> None:
    assert W.version
    run_assess(picture, actor="Jane Analyst")
    assert {r[0] for r in picture.fetchall("SELECT weights_version FROM network_scores")} == {W.version}


def test_harm_uses_reference_weights_and_falls_back_to_band() -> None:
    robbery, _ = offence_harm("34B", W)  # CCHI 365 days
    shoplifting, _ = offence_harm("46", W)  # CCHI 1 day
    slavery, why = offence_harm("106", W)  # no CCHI/CSS: harm band
    assert robbery > shoplifting
    assert slavery == pytest.approx(3 / 5) and "band" in why


def test_child_shoplifting_is_not_buried_by_harm_weights() -> None:
    adult = NetworkFacts("A", threats=("other",), offences=(OffenceCount("46", 20, 0),))
    children = NetworkFacts("C", threats=("child-criminal-exploitation",), offences=(OffenceCount("46", 20, 20),),
                            exploited=3, exploited_children=3)
    assert harm(children, W).value > 0.9 > harm(adult, W).value
    assert "exploitation risk" in harm(children, W).explanation


def test_vulnerability_counts_children_victims_missing_and_nrm() -> None:
    none = vulnerability(NetworkFacts("X"), W).value
    kids = vulnerability(NetworkFacts("X", exploited=2, exploited_children=2, victims=2), W).value
    more = vulnerability(NetworkFacts("X", exploited=2, exploited_children=2, victims=2, missing_episodes=6, nrm_referred=1), W).value
    assert none == 0.0 < kids < more <= 1.0


def test_spread_grows_with_forces_and_regions() -> None:
    one = spread(NetworkFacts("X", forces=("suffolk",), regions=("ersou",)), W).value
    two = spread(NetworkFacts("X", forces=("suffolk", "norfolk"), regions=("ersou",)), W).value
    far = spread(NetworkFacts("X", forces=("suffolk", "dorset", "metropolitan"), regions=("ersou", "swrocu", "london")), W).value
    assert one == 0.0 < two < far


def test_trajectory_rises_with_recent_growth() -> None:
    growing = trajectory(NetworkFacts("X", recent_events=10, prior_events=2), W)
    steady = trajectory(NetworkFacts("X", recent_events=5, prior_events=5), W)
    falling = trajectory(NetworkFacts("X", recent_events=1, prior_events=9), W)
    assert growing.value > steady.value > falling.value
    assert steady.value == pytest.approx(0.5)
    assert "growing" in growing.explanation


def test_confidence_follows_3x5x2_grades() -> None:
    good = confidence(NetworkFacts("X", grades=(("1", "A"), ("1", "B")), sources=3), W).value
    poor = confidence(NetworkFacts("X", grades=(("3", "D"), ("3", "E")), sources=3), W).value
    assert good > poor
    assert confidence(NetworkFacts("X"), W).value == 0.0


def test_organisational_position_is_neutral_until_set() -> None:
    result = score_network(NetworkFacts("X"), W)
    assert result.final["capacity"] == result.final["capability"] == W.organisational_default
    assert set(result.automated) == set(DIMENSIONS)


def test_ranking_and_breakdown_are_stored(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    rows = picture.fetchall("SELECT network_id, rank, score, breakdown FROM network_scores ORDER BY rank")
    assert [r[0] for r in rows] == ["N-0001", "N-0003", "N-0002"]
    detail = json.loads(rows[0][3])
    assert set(detail) == set(DIMENSIONS)
    assert all(0 <= rows[i][2] <= 100 for i in range(3))
    assert all("explanation" in d and "automated" in d and "final" in d for d in detail.values())


def test_override_keeps_automated_value_is_audited_and_survives_a_rerun(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    auto = picture.scalar("SELECT auto_harm FROM network_scores WHERE network_id = 'N-0002'")
    set_override(picture, "N-0002", "harm", 1.0, rationale="Firearms seen at the crew's address", actor="Jane Analyst")
    run_assess(picture, actor="Jane Analyst")
    harm_final, harm_auto, breakdown = picture.execute(
        "SELECT harm, auto_harm, breakdown FROM network_scores WHERE network_id = 'N-0002'").fetchone()
    assert harm_final == 1.0 and harm_auto == pytest.approx(auto)
    assert json.loads(breakdown)["harm"]["override"]["rationale"] == "Firearms seen at the crew's address"
    entry = picture.execute("SELECT actor, detail FROM audit WHERE action = 'alteration' AND target = 'network:N-0002'").fetchone()
    assert entry[0] == "Jane Analyst"
    assert json.loads(entry[1])["automated"] == pytest.approx(auto)
    withdraw_override(picture, "N-0002", "harm", actor="Jane Analyst", rationale="resolved")
    assert picture.scalar("SELECT harm FROM network_scores WHERE network_id = 'N-0002'") == pytest.approx(auto)
    assert picture.scalar("SELECT count(*) FROM score_overrides") == 1  # kept, inactive


def test_capacity_override_changes_rank(picture: Store) -> None:
    run_assess(picture, actor="Jane Analyst")
    for d in ("capacity", "capability", "harm", "vulnerability"):
        set_override(picture, "N-0002", d, 1.0, rationale="analyst judgement", actor="Jane Analyst")
    assert picture.scalar("SELECT rank FROM network_scores WHERE network_id = 'N-0002'") < 3


@pytest.mark.parametrize(("dimension", "value", "rationale"), [("nonsense", 0.5, "x"), ("harm", 1.5, "x"), ("harm", 0.5, " ")])
def test_override_refuses_bad_input(picture: Store, dimension: str, value: float, rationale: str) -> None:
    run_assess(picture, actor="Jane Analyst")
    with pytest.raises(OverrideError):
        set_override(picture, "N-0001", dimension, value, rationale=rationale, actor="Jane Analyst")
