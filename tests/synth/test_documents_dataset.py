"""Identity documents in the generated data: where they are recorded and at what rates,
numbers stable per person, noise, and controllers who keep their victims' passports."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tests.synth.test_documents import normalise, pattern_regex

from toex import reference
from toex.synth import SynthSummary, generate, preset
from toex.synth.background import ForceBuilder
from toex.synth.config import NoiseConfig, SynthConfig
from toex.synth.documents import number_format
from toex.synth.generate import _volumes
from toex.synth.timeline import Timeline

SEED = 11
URBAN = ("metropolitan", "west-midlands")


def _all(summary: SynthSummary, file: str) -> pd.DataFrame:
    parts = []
    for folder in sorted(summary.dataset_dir.iterdir()):
        path = folder / f"{file}.csv"
        if path.exists():
            parts.append(pd.read_csv(path, dtype=str, keep_default_na=False).assign(source=folder.name))
    return pd.concat(parts, ignore_index=True)


def _holds(summary: SynthSummary) -> pd.DataFrame:
    """Every person -holds-> document link with both ends' true entities and the value written."""
    truth = pd.read_csv(summary.truth_dir / "records.csv", dtype=str, keep_default_na=False)
    objects = _all(summary, "objects")
    docs = objects[objects["kind"] == "document"].merge(truth, on=["source", "ref"])
    links = _all(summary, "links")
    holds = links[links["role"] == "holds"].merge(
        docs[["source", "ref", "value", "description", "entity_id"]], left_on=["source", "to_ref"], right_on=["source", "ref"])
    persons = truth[truth["kind"] == "person"][["source", "ref", "entity_id"]]
    return holds.merge(persons, left_on=["source", "from_ref"], right_on=["source", "ref"], suffixes=("_doc", "_person"))


# -- the tiny dataset (every scenario once) ----------------------------------------------------


def test_documents_only_where_a_force_records_them(tiny: SynthSummary) -> None:
    objects = _all(tiny, "objects")
    docs = objects[objects["kind"] == "document"]
    kinds = set(docs["source"].str.rsplit("-", n=1).str[-1])
    assert {"custody", "intel", "nrm", "stopsearch"} <= kinds
    assert not kinds & {"crime", "companies"}
    assert docs["description"].str.fullmatch(r"(passport|identity card) \([A-Z]{3}\)").all()
    links = _all(tiny, "links")
    roles = links.merge(docs, left_on=["source", "to_ref"], right_on=["source", "ref"])["role"]
    assert set(roles) == {"holds"}


def test_numbers_follow_their_pattern(tiny: SynthSummary) -> None:
    objects = _all(tiny, "objects")
    docs = objects[objects["kind"] == "document"].copy()
    parsed = docs["description"].str.extract(r"(?P<kind>.+) \((?P<issuer>[A-Z]{3})\)")
    value = normalise(docs["value"])
    ok = [bool(pattern_regex(number_format(i, k)).fullmatch(v)) for i, k, v in zip(parsed["issuer"], parsed["kind"], value, strict=True)]
    assert np.mean(ok) > 0.96
    uk = value[parsed["issuer"] == "GBR"]
    assert len(uk) and uk.str.fullmatch(r"\d{9}").mean() > 0.9


def test_a_person_keeps_the_same_numbers_in_every_source(tiny: SynthSummary) -> None:
    holds = _holds(tiny)
    holds["number"] = normalise(holds["value"])
    # one document entity, one number (a few records carry a typo)
    per_doc = holds.groupby("entity_id_doc")["number"].agg(lambda s: s.value_counts().iloc[0] / len(s))
    assert (per_doc >= 0.5).all() and per_doc.mean() > 0.95
    modal = holds.groupby("entity_id_doc")["number"].agg(lambda s: s.value_counts().index[0])
    assert modal.is_unique
    # a document seen in several sources is held by the same person there (controllers aside)
    nets = json.loads((tiny.truth_dir / "networks.json").read_text())
    organisers = {m["entity_id"] for n in nets for m in n["members"] if m["role"] == "organiser"}
    owners = holds[~holds["entity_id_person"].isin(organisers)]
    assert owners.groupby("entity_id_doc")["entity_id_person"].nunique().max() == 1
    multi = owners.groupby("entity_id_doc")["source"].nunique()
    assert (multi >= 2).sum() >= 5
    kinds = owners.groupby(["entity_id_person", "description"])["entity_id_doc"].nunique()
    assert kinds.max() == 1


def test_controllers_hold_their_victims_documents(tiny: SynthSummary) -> None:
    holds = _holds(tiny)
    shared = holds.groupby(["source", "to_ref"])["entity_id_person"].nunique()
    shared = shared[shared >= 2]
    assert len(shared) >= 2
    nets = json.loads((tiny.truth_dir / "networks.json").read_text())
    found = set()
    for net in nets:
        roles = {m["entity_id"]: m["role"] for m in net["members"]}
        for (source, ref) in shared.index:
            people = set(holds[(holds["source"] == source) & (holds["to_ref"] == ref)]["entity_id_person"])
            if {roles.get(p) for p in people} >= {"organiser", "exploited"}:
                found.add((net["scenario"], source.split("-")[-1]))
    assert {s for s, _ in found} == {"labour-exploitation", "case-study"}
    assert "intel" in {k for _, k in found}
    # the truth keeps controller and victim apart: two true people, two canonical records
    canon = pd.read_csv(tiny.truth_dir / "persons.csv", dtype=str, keep_default_na=False).set_index("entity_id")
    for (source, ref) in shared.index:
        people = sorted(set(holds[(holds["source"] == source) & (holds["to_ref"] == ref)]["entity_id_person"]))
        assert len(people) == 2
        a, b = canon.loc[people[0]], canon.loc[people[1]]
        assert (a["forenames"], a["surname"], a["dob"]) != (b["forenames"], b["surname"], b["dob"])


# -- recording rates on a larger urban dataset -------------------------------------------------


@pytest.fixture(scope="module")
def urban(tmp_path_factory: pytest.TempPathFactory) -> tuple[SynthConfig, SynthSummary]:
    cfg = preset("tiny", forces=URBAN, volume={"events": 30_000})
    return cfg, generate(tmp_path_factory.mktemp("docs") / "urban", seed=SEED, config=cfg)


def _population_documents(cfg: SynthConfig) -> pd.DataFrame:
    """Every background person's documents (truth ids), rebuilt from the generator's streams."""
    tl = Timeline(cfg.end_date, cfg.years, cfg.seasonality)
    volumes = _volumes(cfg)
    ids = [f.force_id for f in reference.forces()]
    parts = []
    for force in URBAN:
        pop = ForceBuilder(cfg, SEED, force, ids.index(force), force, volumes[force], tl).pop
        docs = pop.documents
        eid = pop.people["eid"].to_numpy()[docs["owner"].to_numpy(dtype=np.int64)]
        parts.append(pd.DataFrame({
            "person": [f"TP-{e:09d}" for e in eid.tolist()],
            "doc": [f"TO-{e:09d}" for e in docs["eid"].tolist()],
            "foreign": docs["foreign"].to_numpy(dtype=bool),
        }))
    return pd.concat(parts, ignore_index=True)


def test_sources_record_documents_at_their_rates(urban: tuple[SynthConfig, SynthSummary]) -> None:
    cfg, summary = urban
    held = _population_documents(cfg)
    truth = pd.read_csv(summary.truth_dir / "records.csv", dtype=str, keep_default_na=False)
    truth["kind_of_source"] = truth["source"].str.rsplit("-", n=1).str[-1]
    d = cfg.documents
    rates = {"custody": d.custody, "stopsearch": d.stop_search, "intel": d.intelligence, "missing": d.missing,
             "nrm": d.nrm, "crime": (0.0, 0.0)}
    for kind, (foreign, british) in rates.items():
        rows = truth[truth["kind_of_source"] == kind]
        present = held[held["person"].isin(rows[rows["kind"] == "person"]["entity_id"])]
        recorded = present["doc"].isin(rows[rows["kind"] == "object"]["entity_id"])
        got = recorded.groupby(present["foreign"]).mean()
        count = present.groupby("foreign").size()
        assert count.min() >= 30, (kind, count)
        for is_foreign, want in ((True, foreign), (False, british)):
            # within four standard errors of the configured rate (and a little)
            tolerance = 4 * np.sqrt(want * (1 - want) / count[is_foreign]) + 0.01
            assert abs(got[is_foreign] - want) < tolerance, (kind, is_foreign, got[is_foreign], want)
    # documents are only ever recorded for someone who holds them (or a controller)
    recorded_docs = truth[(truth["kind"] == "object") & truth["entity_id"].isin(held["doc"])]
    assert len(recorded_docs) > 500


def test_document_records_carry_noise(urban: tuple[SynthConfig, SynthSummary]) -> None:
    _, summary = urban
    holds = _holds(summary)
    noise = NoiseConfig()
    written = holds.drop_duplicates(["source", "to_ref"])
    varied = (written["value"] != normalise(written["value"])).mean()
    assert abs(varied - noise.document_variant) < 0.05
    number = normalise(written["value"])
    modal = number.groupby(written["entity_id_doc"]).transform(lambda s: s.value_counts().index[0])
    several = written["entity_id_doc"].map(written["entity_id_doc"].value_counts()) >= 2
    typo = (number != modal)[several].mean()
    assert 0.0 < typo < 3 * noise.document_typo


def test_no_documents_when_nobody_holds_one(tmp_path: Path) -> None:
    cfg = preset("tiny", forces=("suffolk",), volume={"events": 1500},
                 documents={"passport_foreign": 0, "identity_card_eu": 0, "passport_british_adult": 0,
                            "passport_british_child": 0})
    summary = generate(tmp_path / "none", seed=2, config=cfg)
    objects = _all(summary, "objects")
    assert not (objects["kind"] == "document").any()
