"""Planted scenarios (the needles) and decoys; each module plants one kind."""

from __future__ import annotations

from collections.abc import Callable

from toex.synth.config import SynthConfig
from toex.synth.scenarios import case_study, county_lines, cse, decoys, labour
from toex.synth.scenarios.base import Planted, Planter
from toex.synth.timeline import Timeline

PlantFn = Callable[[Planter, int, float], None]

#: config field of ScenarioCounts -> planting function
REGISTRY: dict[str, PlantFn] = {
    "case_study": case_study.plant,
    "county_lines": county_lines.plant,
    "labour_exploitation": labour.plant,
    "cse": cse.plant,
    "decoy_burglary_crew": decoys.burglary_crew,
    "decoy_large_family": decoys.large_family,
    "decoy_care_home": decoys.care_home,
    "decoy_employer": decoys.employer,
    "decoy_prolific_shoplifters": decoys.prolific_shoplifters,
}


def plant_all(cfg: SynthConfig, seed: int, tl: Timeline, volume_factor: float) -> Planted:
    """Plant every enabled scenario the configured number of times."""
    planter = Planter(cfg, seed, tl)
    counts = cfg.scenarios.model_dump()
    for name, fn in REGISTRY.items():
        for i in range(int(counts.get(name, 0))):
            fn(planter, i, volume_factor)
    return planter.finish()
