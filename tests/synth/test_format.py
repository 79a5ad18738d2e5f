from __future__ import annotations

import re

from tests.synth.pole_validator import validate_source

from toex import reference
from toex.synth import SynthSummary


def test_every_source_conforms_to_the_pole_format(tiny: SynthSummary) -> None:
    folders = sorted(p for p in tiny.dataset_dir.iterdir() if p.is_dir())
    assert len(folders) == 44 * 5 + 2
    errors = [e for f in folders for e in validate_source(f)]
    assert errors == []


def test_sources_per_force_and_national(tiny: SynthSummary) -> None:
    names = {p.name for p in tiny.dataset_dir.iterdir()}
    for force in (f.force_id for f in reference.forces()):
        for kind in ("crime", "custody", "missing", "intel", "stopsearch"):
            assert f"{force}-{kind}" in names
    assert {"nrm", "companies"} <= names


def test_refs_reveal_nothing(tiny: SynthSummary) -> None:
    pattern = re.compile(r"T[PLOC]-\d{9}")
    for path in tiny.dataset_dir.rglob("*.csv"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path
    assert not (tiny.dataset_dir / "truth").exists()
    crime = (tiny.dataset_dir / "suffolk-crime" / "events.csv").read_text(encoding="utf-8").splitlines()[1]
    assert re.match(r'"?37-\d{2}-\d{6}', crime)
