"""Names for true people: forenames by sex and origin, surnames by origin (data/ pools)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from toex.synth.refdata import NamePool, StrArray, names, zipf_weights


def origin_weights(pool: NamePool, urban: bool, override: dict[str, float] | None) -> npt.NDArray[np.float64]:
    """The origin mix of a force's population, in the order of ``pool.origins``."""
    source = override or (pool.urban_weight if urban else pool.weight)
    w = np.array([float(source.get(o, 0.0)) for o in pool.origins])
    if w.sum() <= 0:
        raise ValueError("origin mix has no positive weight")
    return np.asarray(w / w.sum(), dtype=np.float64)


def sample_origins(rng: np.random.Generator, n: int, weights: npt.NDArray[np.float64]) -> StrArray:
    pool = names()
    idx = rng.choice(len(pool.origins), size=n, p=weights)
    return np.asarray(np.array(pool.origins, dtype=object)[idx], dtype=object)


def sample_forenames(rng: np.random.Generator, origin: StrArray, sex: StrArray) -> StrArray:
    """One forename per person, from the pool of their origin and sex."""
    pool = names()
    out = np.empty(len(origin), dtype=object)
    sexes = np.where(sex == "F", "F", "M")
    for (o, s), names_ in pool.forenames.items():
        mask = (origin == o) & (sexes == s)
        k = int(mask.sum())
        if k:
            out[mask] = names_[rng.choice(len(names_), size=k, p=zipf_weights(len(names_)))]
    return out


def sample_surnames(rng: np.random.Generator, origin: StrArray) -> StrArray:
    pool = names()
    out = np.empty(len(origin), dtype=object)
    for o, names_ in pool.surnames.items():
        mask = origin == o
        k = int(mask.sum())
        if k:
            out[mask] = names_[rng.choice(len(names_), size=k, p=zipf_weights(len(names_), 0.9))]
    return out


def sample_middles(rng: np.random.Generator, origin: StrArray, sex: StrArray, first: StrArray) -> StrArray:
    """A middle name for some people (rate by origin), never equal to the forename."""
    pool = names()
    rate = np.array([pool.middle_rate.get(o, 0.2) for o in origin], dtype=np.float64)
    has = rng.random(len(origin)) < rate
    middle = sample_forenames(rng, origin, sex)
    middle = np.where(has & (middle != first), middle, "")
    return np.asarray(middle, dtype=object)
