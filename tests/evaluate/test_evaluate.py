from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from toex.evaluate import evaluate
from toex.evaluate.truth_export import export_from_truth
from toex.synth import SynthSummary, generate, preset


@pytest.fixture(scope="module")
def truth(tmp_path_factory: pytest.TempPathFactory) -> Path:
    cfg = preset("tiny", forces=("suffolk", "norfolk", "metropolitan"), volume={"events": 2000})
    s: SynthSummary = generate(tmp_path_factory.mktemp("ev"), seed=11, config=cfg)
    return s.truth_dir


def test_perfect_export_scores_one(truth: Path, tmp_path: Path) -> None:
    export_from_truth(truth, tmp_path)
    r = evaluate(tmp_path, truth)
    assert r.resolution is not None
    for score in r.resolution.values():
        assert score.pairwise_f1 == 1.0 and score.cluster_f1 == 1.0
    assert r.networks_found_share == 1.0
    assert r.organiser_recall == r.exploited_recall == r.front_recall == 1.0
    assert r.owner_level_accuracy == 1.0 and r.average_precision == 1.0
    assert r.safeguarding_recall_at_2k == 1.0 and r.trends_in_top10 == 1.0
    assert r.missing == []


def test_damaged_export_scores_lower_by_the_expected_amount(truth: Path, tmp_path: Path) -> None:
    export_from_truth(truth, tmp_path)
    nets = json.loads((tmp_path / "networks.json").read_text())
    n = len(nets)
    (tmp_path / "networks.json").write_text(json.dumps(nets[1:]))
    sg = pd.read_csv(tmp_path / "safeguarding.csv", dtype=str)
    k = len(sg)
    sg.iloc[: k // 2].to_csv(tmp_path / "safeguarding.csv", index=False)
    (tmp_path / "alerts.json").write_text("[]")
    r = evaluate(tmp_path, truth)
    assert r.networks_found_share == pytest.approx((n - 1) / n)
    assert r.networks is not None and sum(s.rank is None for s in r.networks) == 1
    assert r.safeguarding_recall_at_2k == pytest.approx((k // 2) / k)
    assert r.trends_in_top10 == 0.0
    # resolution that merges nothing: perfect precision, no recall
    ent = pd.read_csv(tmp_path / "entities.csv", dtype=str)
    persons = ent["kind"] == "person"
    ent.loc[persons, "entity_id"] = "X" + ent.loc[persons, "source"] + ent.loc[persons, "ref"]
    ent.to_csv(tmp_path / "entities.csv", index=False)
    r = evaluate(tmp_path, truth)
    assert r.resolution is not None
    person = r.resolution["person"]
    assert person.pairwise_recall == 0.0 and person.pairwise_precision == 1.0
    assert r.resolution["location"].pairwise_f1 == 1.0
    # network members are still given by true ids, which no exported entity has now
    assert r.networks_found_share == 0.0


def test_missing_files_are_not_available(truth: Path, tmp_path: Path) -> None:
    r = evaluate(tmp_path, truth)
    assert r.resolution is None and r.networks is None and r.safeguarding_recall_at_2k is None
    assert set(r.missing) == {"entities.csv", "networks.json", "safeguarding.csv", "alerts.json"}
