from __future__ import annotations

import json

import pandas as pd

from toex import reference
from toex.synth import SynthSummary

ROLES = {"organiser", "exploited", "associate", "facilitator", "front"}
FILES = {"person": "persons", "location": "locations", "object": "objects", "organisation": "organisations"}


def _records(tiny: SynthSummary) -> pd.DataFrame:
    return pd.read_csv(tiny.truth_dir / "records.csv", dtype=str, keep_default_na=False)


def test_truth_maps_every_record_written(tiny: SynthSummary) -> None:
    truth = _records(tiny)
    written = []
    for folder in tiny.dataset_dir.iterdir():
        for kind, file in FILES.items():
            path = folder / f"{file}.csv"
            if path.exists():
                refs = pd.read_csv(path, dtype=str, usecols=["ref"])["ref"]
                written.append(pd.DataFrame({"source": folder.name, "ref": refs, "kind": kind}))
    w = pd.concat(written)
    assert len(w) == len(truth)
    merged = w.merge(truth, on=["source", "ref", "kind"], how="outer", indicator=True)
    assert (merged["_merge"] == "both").all()


def test_networks_are_consistent_with_the_records(tiny: SynthSummary) -> None:
    truth = _records(tiny)
    entities = set(truth["entity_id"])
    nets = json.loads((tiny.truth_dir / "networks.json").read_text())
    scenarios = {n["scenario"] for n in nets}
    assert {"case-study", "county-lines", "labour-exploitation", "cse"} <= scenarios
    assert sum(n["decoy"] for n in nets) >= 5
    for net in nets:
        assert net["members"], net["id"]
        for m in net["members"]:
            assert m["entity_id"] in entities, (net["id"], m)
            if not net["decoy"]:
                assert m["role"] in ROLES
        regions = {reference.region_of(f) for f in net["forces"]}
        expected = "local" if len(net["forces"]) == 1 else "regional" if len(regions) == 1 else "national"
        assert net["owner_level"] == expected, net["id"]
        if not net["decoy"]:
            roles = {m["role"] for m in net["members"]}
            assert {"organiser", "exploited"} <= roles, net["id"]
    case = next(n for n in nets if n["scenario"] == "case-study")
    assert case["owner_level"] == "national"
    assert any(m["role"] == "front" for m in case["members"])


def test_safeguarding_and_trends(tiny: SynthSummary) -> None:
    sg = pd.read_csv(tiny.truth_dir / "safeguarding.csv", dtype=str)
    nets = json.loads((tiny.truth_dir / "networks.json").read_text())
    exploited = {m["entity_id"] for n in nets if not n["decoy"] for m in n["members"] if m["role"] == "exploited" and m["kind"] == "person"}
    assert set(sg["entity_id"]) == exploited
    trends = json.loads((tiny.truth_dir / "trends.json").read_text())
    assert trends and trends[0]["group"] == "age:10-17" and trends[0]["offence_code"] == "46"


def test_case_study_leaves_its_evidence(tiny: SynthSummary) -> None:
    """Children of the case study offend in several forces of different regions."""
    truth = _records(tiny)
    nets = json.loads((tiny.truth_dir / "networks.json").read_text())
    case = next(n for n in nets if n["scenario"] == "case-study")
    kids = {m["entity_id"] for m in case["members"] if m["role"] == "exploited"}
    kid_records = truth[truth["entity_id"].isin(kids)]
    crime_forces = {s.rsplit("-", 1)[0] for s in kid_records["source"] if s.endswith("-crime")}
    assert len({reference.region_of(f) for f in crime_forces}) >= 3
    # the surge: juvenile shoplifting in the trend's force in the trend's months
    trend = json.loads((tiny.truth_dir / "trends.json").read_text())[0]
    folder = tiny.dataset_dir / f"{trend['force']}-crime"
    ev = pd.read_csv(folder / "events.csv", dtype=str, keep_default_na=False)
    shop = ev[(ev["offence_code"] == "46") & (ev["occurred_from"] >= trend["period"]["from"])]
    assert len(shop) >= 6
