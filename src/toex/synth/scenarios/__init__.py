"""Planted scenarios (the needles) and decoys; each module plants one kind."""

from __future__ import annotations

from collections.abc import Callable

from toex.synth.config import SynthConfig
from toex.synth.scenarios import case_study
from toex.synth.scenarios.base import Planted, Planter
from toex.synth.timeline import Timeline

PlantFn = Callable[[Planter, int, float], None]

#: config field of ScenarioCounts -> planting function
REGISTRY: dict[str, PlantFn] = {
    "case_study": case_study.plant,
}


def plant_all(cfg: SynthConfig, seed: int, tl: Timeline, volume_factor: float) -> Planted:
    """Plant every enabled scenario the configured number of times."""
    planter = Planter(cfg, seed, tl)
    counts = cfg.scenarios.model_dump()
    for name, fn in REGISTRY.items():
        for i in range(int(counts.get(name, 0))):
            fn(planter, i, volume_factor)
    return planter.finish()
