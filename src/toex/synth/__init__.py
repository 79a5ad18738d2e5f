"""Synthetic national dataset generator: a POLE-format haystack with planted
exploitation networks (the needles), decoys, and a separate ground truth.

    from toex.synth import generate
    summary = generate(Path("out"), scale="small", seed=1)
"""

from __future__ import annotations

from toex.synth.config import SynthConfig, load_config, preset
from toex.synth.generate import SynthSummary, generate

__all__ = ["SynthConfig", "SynthSummary", "generate", "load_config", "preset"]
