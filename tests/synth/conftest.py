from __future__ import annotations

from pathlib import Path

import pytest

from toex.synth import SynthSummary, generate


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> SynthSummary:
    """One tiny dataset (all 44 forces, every scenario once) shared by the synth tests."""
    return generate(tmp_path_factory.mktemp("synth") / "tiny", scale="tiny", seed=7)


def dataset(summary: SynthSummary) -> Path:
    return summary.dataset_dir
