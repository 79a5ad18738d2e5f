"""Names for true people: forenames by sex and origin, surnames by origin (data/ pools)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from toex.synth.refdata import NamePool, StrArray, names


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


def _groups(keys: list[object], wanted: list[object]) -> dict[object, np.ndarray]:
    """Ascending positions of each wanted key in ``keys`` (what ``np.flatnonzero(keys == k)``
    gives, for every key in one pass)."""
    code_of = {k: i for i, k in enumerate(wanted)}
    codes = np.fromiter((code_of.get(k, -1) for k in keys), dtype=np.int64, count=len(keys))
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(-1, len(wanted) + 1))
    return {k: order[bounds[i + 1]:bounds[i + 2]] for i, k in enumerate(wanted)}


def sample_forenames(rng: np.random.Generator, origin: StrArray, sex: StrArray) -> StrArray:
    """One forename per person, from the pool of their origin and sex (weighted by rank)."""
    pool = names()
    out = np.empty(len(origin), dtype=object)
    sexes = ["F" if s == "F" else "M" for s in np.asarray(sex).tolist()]
    groups = _groups(list(zip(np.asarray(origin).tolist(), sexes, strict=True)), list(pool.forenames))
    for key, names_ in pool.forenames.items():
        idx = groups[key]
        if len(idx):
            out[idx] = names_[rng.choice(len(names_), size=len(idx), p=pool.forename_p[key])]
    return out


def sample_surnames(rng: np.random.Generator, origin: StrArray) -> StrArray:
    """One surname per person, from the pool of their origin (weighted by rank)."""
    pool = names()
    out = np.empty(len(origin), dtype=object)
    groups = _groups(np.asarray(origin).tolist(), list(pool.surnames))
    for o, names_ in pool.surnames.items():
        idx = groups[o]
        if len(idx):
            out[idx] = names_[rng.choice(len(names_), size=len(idx), p=pool.surname_p[o])]
    return out


def sample_middles(rng: np.random.Generator, origin: StrArray, sex: StrArray, first: StrArray) -> StrArray:
    """A middle name for some people (rate by origin), never equal to the forename."""
    pool = names()
    rate = np.array([pool.middle_rate.get(o, 0.2) for o in origin], dtype=np.float64)
    has = rng.random(len(origin)) < rate
    middle = sample_forenames(rng, origin, sex)
    middle = np.where(has & (middle != first), middle, "")
    return np.asarray(middle, dtype=object)
