"""``generate``: plant the scenarios, then build and write the background force by force
(bounded memory), merging the planted records into their sources; then the national
sources and the truth."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, Field

from toex import reference
from toex.synth.background import ForceBuilder, allocate, force_volumes, source_specs
from toex.synth.config import SynthConfig, preset
from toex.synth.rng import rng_for
from toex.synth.scenarios import plant_all
from toex.synth.tables import PERSON_COLUMNS, SourceData, SourceSpec
from toex.synth.timeline import Timeline
from toex.synth.truth import TruthWriter
from toex.synth.writer import write_source

Progress = Callable[[str, int, int], None]

#: The truth file with the generation time and duration: the only output file that is
#: not byte-identical for the same seed and config.
RUN_FILE = "run.json"


class SynthSummary(BaseModel):
    """What a generation run wrote."""

    out_dir: Path
    dataset_dir: Path
    truth_dir: Path
    seed: int
    scale: str
    sources: int
    records: dict[str, int] = Field(description="Rows per file kind across all sources.")
    per_source: dict[str, dict[str, int]]
    networks: list[dict[str, Any]] = Field(description="id, scenario, decoy, owner_level, members per planted network.")
    seconds: float

    @property
    def total_records(self) -> int:
        return sum(self.records.values())


def volume_factor(cfg: SynthConfig) -> float:
    """How much busier a force-month is than at the small preset (scales planted surges)."""
    per_month = cfg.volume.events / (cfg.years * 12)
    return float(max(1.0, per_month / (60_000 / 48)) ** 0.35)


def _volumes(cfg: SynthConfig) -> dict[str, dict[str, int]]:
    shares = force_volumes(cfg)
    v = cfg.volume
    kinds = {"offence": v.offence_share, "custody": v.custody_share, "intelligence": v.intelligence_share,
             "stop_search": v.stop_search_share, "missing": v.missing_share, "nrm": v.nrm_share}
    per_kind = {k: allocate(int(round(v.events * s)), shares) for k, s in kinds.items()}
    return {f: {k: per_kind[k][f] for k in kinds} for f in shares}


def generate(out_dir: Path, scale: str = "small", seed: int = 0, config: SynthConfig | None = None,
             progress: Progress | None = None) -> SynthSummary:
    """Write ``out_dir/dataset/<source>/...`` and ``out_dir/truth/...``; deterministic for a seed."""
    started = time.perf_counter()
    cfg = config or preset(scale)
    tl = Timeline(cfg.end_date, cfg.years, cfg.seasonality)
    dataset, truth_dir = out_dir / "dataset", out_dir / "truth"
    dataset.mkdir(parents=True, exist_ok=True)
    truth = TruthWriter(truth_dir)
    extracted = cfg.end_date.isoformat()
    volumes = _volumes(cfg)
    forces = sorted(volumes)
    all_ids = [f.force_id for f in reference.forces()]
    names = {f.force_id: f.name for f in reference.forces()}
    planted = plant_all(cfg, seed, tl, volume_factor(cfg))
    truth.persons(pd.DataFrame(planted.people, columns=list(PERSON_COLUMNS)))
    per_source: dict[str, dict[str, int]] = {}
    national = {"companies": SourceData(SourceSpec("companies", "Companies register", "companies-register", "companies")),
                "nrm": SourceData(SourceSpec("nrm", "National Referral Mechanism referrals", "home-office", "nrm"))}
    total = len(forces) + 1

    def write(src: SourceData, key: str) -> None:
        extra = planted.sources.pop(src.spec.id, None)
        if extra is not None:
            src.add(extra)
        w = write_source(src, dataset, rng_for(seed, "write", key), cfg.noise, extracted)
        per_source[w.source] = w.counts
        truth.records(w.truth)

    for i, force in enumerate(forces):
        if progress:
            progress(f"force {force}", i, total)
        builder = ForceBuilder(cfg, seed, force, all_ids.index(force), names[force], volumes[force], tl)
        out = builder.build()
        truth.persons(builder.pop.people)
        for src in out.all():
            write(src, src.spec.id)
        national["companies"].add(out.companies)
        national["nrm"].add(out.nrm)
        del builder, out
    # planted records in forces without background (restricted runs) still get written
    for sid in sorted(planted.sources):
        if sid in national:
            continue
        force, _, kind = sid.rpartition("-")
        key = {"crime": "crime", "custody": "custody", "missing": "missing", "intel": "intelligence", "stopsearch": "stop_search"}[kind]
        write(SourceData(source_specs(force, names[force])[key]), sid)
    if progress:
        progress("national sources", len(forces), total)
    for sid in ("companies", "nrm"):
        write(national[sid], sid)
    networks = planted.networks
    truth.write_json("networks.json", networks)
    truth.safeguarding(planted.safeguarding)
    truth.write_json("trends.json", planted.trends)
    seconds = time.perf_counter() - started
    records: dict[str, int] = {}
    for counts in per_source.values():
        for k, v in counts.items():
            records[k] = records.get(k, 0) + v
    # manifest.json is a function of seed and config like every other file; the wall-clock
    # facts of this run go to run.json, the one file that differs between identical runs
    truth.write_json("manifest.json", {
        "seed": seed, "scale": cfg.scale, "config": cfg.model_dump(mode="json"),
        "reference_version": reference.version(), "counts": per_source, "records": records,
        "networks": len(networks),
    })
    truth.write_json(RUN_FILE, {"generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "seconds": round(seconds, 2)})
    if progress:
        progress("done", total, total)
    return SynthSummary(
        out_dir=out_dir, dataset_dir=dataset, truth_dir=truth_dir, seed=seed, scale=cfg.scale,
        sources=len(per_source), records=records, per_source=per_source,
        networks=[{"id": n["id"], "scenario": n["scenario"], "decoy": n["decoy"], "owner_level": n["owner_level"],
                   "members": len(n["members"])} for n in networks],
        seconds=seconds,
    )
