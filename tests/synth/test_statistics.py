from __future__ import annotations

import pandas as pd

from toex import reference
from toex.synth import SynthSummary


def _all(tiny: SynthSummary, file: str) -> pd.DataFrame:
    parts = []
    for folder in sorted(tiny.dataset_dir.iterdir()):
        path = folder / f"{file}.csv"
        if path.exists():
            parts.append(pd.read_csv(path, dtype=str, keep_default_na=False).assign(source=folder.name))
    return pd.concat(parts, ignore_index=True)


def test_force_shares_follow_home_office_proportions(tiny: SynthSummary) -> None:
    ev = _all(tiny, "events")
    off = ev[(ev["kind"] == "offence") & ev["source"].str.endswith("-crime")]
    # leave out the planted offences: those linked to a planted person (ids below the background blocks)
    links = _all(tiny, "links")
    truth = pd.read_csv(tiny.truth_dir / "records.csv", dtype=str)
    planted = truth[truth["entity_id"].str.startswith("TP-00")]
    planted_links = links.merge(planted, left_on=["source", "from_ref"], right_on=["source", "ref"])
    off = off[~(off["source"] + off["ref"]).isin(planted_links["source"] + planted_links["to_ref"])]
    got = off.groupby("force").size() / len(off)
    rc = reference.recorded_crime().groupby("force_id")["offences"].sum()
    want = rc / rc.sum()
    diff = (got.reindex(want.index, fill_value=0) - want).abs()
    assert diff.max() < 0.01, diff.sort_values().tail()
    assert abs(got["metropolitan"] - want["metropolitan"]) / want["metropolitan"] < 0.05


def test_noise_rates_match_configuration(tiny: SynthSummary) -> None:
    from toex.synth import preset

    noise = preset("tiny").noise
    persons = _all(tiny, "persons")
    persons = persons[persons["source"] != "companies"]
    missing = (persons["dob"] == "").mean()
    assert abs(missing - noise.dob_missing) < 0.02
    partial = persons["dob"].str.fullmatch(r"\d{4}(-\d{2})?").mean()
    assert abs(partial - noise.dob_partial * (1 - noise.dob_missing)) < 0.015
    truth = pd.read_csv(tiny.truth_dir / "records.csv", dtype=str)
    canon = pd.read_csv(tiny.truth_dir / "persons.csv", dtype=str, keep_default_na=False)
    m = persons.merge(truth, on=["source", "ref"]).merge(canon, on="entity_id", suffixes=("", "_true"))
    full = m[(m["dob"].str.len() == 10)]
    swapped = (full["dob"] != full["dob_true"]).mean()
    assert 0.002 < swapped < noise.dob_swap + 0.01
    changed_name = (m["surname"].str.lower() != m["surname_true"].str.lower()).mean()
    assert 0.01 < changed_name < 0.25
    objects = _all(tiny, "objects")
    phones = objects[objects["kind"] == "phone"]["value"]
    intl = phones.str.match(r"^\+?44").mean()
    assert abs(intl - noise.phone_international) < 0.05


def test_people_of_the_same_entity_appear_in_several_sources(tiny: SynthSummary) -> None:
    truth = pd.read_csv(tiny.truth_dir / "records.csv", dtype=str)
    people = truth[truth["kind"] == "person"]
    per_entity = people.groupby("entity_id")["source"].nunique()
    assert (per_entity >= 2).mean() > 0.15
    locations = truth[truth["kind"] == "location"].groupby("entity_id")["source"].nunique()
    assert (locations >= 2).mean() > 0.1
