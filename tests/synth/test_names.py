"""The shape of the generator's names: realistic frequencies, not a few names for everyone.

Bands (approximate real figures for England and Wales, see docs/synthetic-data.md): Smith
about 1.3% of british-origin people, the ten commonest surnames together about 5-6%, most
people with a surname carried by under 0.05% of the population; the commonest forename of
each sex about 3-4% of british-origin people of that sex, the 100 commonest about 70-80%.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from toex.synth import generate
from toex.synth.names import sample_forenames, sample_surnames
from toex.synth.refdata import names

ROOT = Path(__file__).resolve().parents[2]
DRAWS = 300_000


def _shares(values: np.ndarray) -> pd.Series:
    """Share of each value, most common first."""
    return pd.Series(values).value_counts(normalize=True)


def _surnames(origin: str, seed: int = 11) -> pd.Series:
    return _shares(sample_surnames(np.random.default_rng(seed), np.full(DRAWS, origin, dtype=object)))


def _forenames(origin: str, sex: str, seed: int = 12) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _shares(sample_forenames(rng, np.full(DRAWS, origin, dtype=object), np.full(DRAWS, sex, dtype=object)))


def test_british_pools_are_large_and_unique() -> None:
    pool = names()
    assert 2000 <= len(pool.surnames["british"]) <= 3000
    assert len(set(pool.surnames["british"])) == len(pool.surnames["british"])
    for sex in ("M", "F"):
        fore = pool.forenames[("british", sex)]
        assert 180 <= len(fore) <= 250
        assert len(set(fore)) == len(fore)
    assert len(pool.surnames["irish"]) >= 250
    for p in (*pool.forename_p.values(), *pool.surname_p.values()):
        assert abs(p.sum() - 1) < 1e-9 and (np.diff(p) <= 0).all()


def test_british_surnames_have_a_realistic_head_and_long_tail() -> None:
    shares = _surnames("british")
    assert shares.index[0] == "Smith"
    assert 0.0115 <= shares["Smith"] <= 0.015
    assert 0.05 <= shares.head(10).sum() <= 0.063
    # people whose surname is carried by under 0.05% of the population
    assert shares[shares < 0.0005].sum() >= 0.30


def test_british_forenames_span_generations_with_no_dominant_name() -> None:
    for sex, old, young in (("M", "David", "Oliver"), ("F", "Susan", "Olivia")):
        shares = _forenames("british", sex)
        assert 0.03 <= shares.iloc[0] <= 0.042, shares.head()
        assert 0.70 <= shares.head(100).sum() <= 0.80
        assert shares[old] > shares[young] > 0.004


def test_irish_surnames_are_spread_and_concentrated_communities_kept() -> None:
    irish = _surnames("irish")
    assert irish.index[0] == "Murphy"
    assert 0.01 <= irish["Murphy"] <= 0.02
    assert _surnames("vietnamese")["Nguyễn"] >= 0.15
    assert 0.08 <= _surnames("pakistani")["Khan"] <= 0.15  # the commonest by far, not one in five
    assert _surnames("polish").iloc[0] <= 0.08


def test_sampling_is_deterministic() -> None:
    origin = np.array(["british", "irish", "polish"] * 1000, dtype=object)
    a = sample_surnames(np.random.default_rng(5), origin)
    b = sample_surnames(np.random.default_rng(5), origin)
    assert (a == b).all()


def test_composed_surname_tail_is_current() -> None:
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "build_names.py"), "--check"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture(scope="module")
def small_people(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    """The true people of one small national dataset (about 33,000)."""
    summary = generate(tmp_path_factory.mktemp("names") / "small", scale="small", seed=0)
    return pd.read_csv(summary.truth_dir / "persons.csv", dtype=str, keep_default_na=False)


def test_generated_population_names_are_not_crowded(small_people: pd.DataFrame) -> None:
    """Whole population (all origins, about two thirds british-origin)."""
    n = len(small_people)
    surnames = small_people["surname"].value_counts()
    assert 0.005 <= surnames["Smith"] / n <= 0.013
    assert surnames.iloc[0] / n <= 0.016
    assert surnames[surnames / n < 0.0005].sum() / n >= 0.30
    assert len(surnames) >= 2000
    first = small_people["forenames"].str.split(" ").str[0]
    for sex in ("M", "F"):
        top = first[small_people["sex"] == sex].value_counts(normalize=True)
        assert 0.015 <= top.iloc[0] <= 0.04, top.head()
    full = (first + " " + small_people["surname"]).value_counts()
    assert full.iloc[0] / n <= 0.0025, full.head()
