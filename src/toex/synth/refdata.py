"""Reference inputs of the generator, loaded once: forces, regions, crime mix, postcodes
(from :mod:`toex.reference`) and the name, street and premises pools (``data/``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from toex import reference

DATA = Path(__file__).resolve().parent / "data"

StrArray = npt.NDArray[np.object_]


@dataclass(frozen=True)
class ForcePostcodes:
    """The unit postcodes of one force, as parallel arrays."""

    postcode: StrArray
    town: StrArray
    latitude: npt.NDArray[np.float64]
    longitude: npt.NDArray[np.float64]


@dataclass(frozen=True)
class NamePool:
    """Forenames by (origin, sex) and surnames by origin, most common first, with the
    probability of each name (``forename_p``, ``surname_p``: same keys and order)."""

    origins: tuple[str, ...]
    nationality: dict[str, str]
    weight: dict[str, float]
    urban_weight: dict[str, float]
    middle_rate: dict[str, float]
    forenames: dict[tuple[str, str], StrArray]
    surnames: dict[str, StrArray]
    forename_p: dict[tuple[str, str], npt.NDArray[np.float64]]
    surname_p: dict[str, npt.NDArray[np.float64]]


def zipf_weights(n: int, s: float = 0.8, offset: float = 0.0) -> npt.NDArray[np.float64]:
    """Weights of a list ordered most common first: ``1 / (rank + offset) ** s``, normalised.

    A positive offset flattens the head (the first names less dominant), a negative one
    (above -1) lifts the first name over the next ones.
    """
    if offset <= -1:
        raise ValueError("offset must be above -1")
    w = 1.0 / (np.arange(1, n + 1) + offset) ** s
    return np.asarray(w / w.sum(), dtype=np.float64)


@cache
def force_ids() -> tuple[str, ...]:
    return tuple(f.force_id for f in reference.forces())


@cache
def force_codes() -> dict[str, tuple[str, str]]:
    """force id -> (two-digit PNC force code, three-letter prefix)."""
    df = pd.read_csv(DATA / "force_codes.csv", dtype=str)
    return {r.force_id: (r.code, r.prefix) for r in df.itertuples()}


def region_of(force_id: str) -> str | None:
    return reference.region_of(force_id)


@cache
def crime_mix() -> pd.DataFrame:
    """force_id, offence_code, offences, category, description: the Home Office counts (> 0)."""
    rc = reference.recorded_crime()
    rc = rc[rc["offences"] > 0].copy()
    codes = {c.offence_code: c for c in reference.offence_codes()}
    rc = rc[rc["offence_code"].isin(codes)]
    rc["category"] = rc["offence_code"].map(lambda c: codes[c].policeuk_category)
    rc["description"] = rc["offence_code"].map(lambda c: codes[c].description)
    return rc.sort_values(["force_id", "offence_code"]).reset_index(drop=True)


@cache
def offence_info() -> dict[str, tuple[str, str, str]]:
    """offence code -> (description, group, police.uk category)."""
    return {c.offence_code: (c.description, c.group, c.policeuk_category) for c in reference.offence_codes()}


@cache
def _area_towns() -> dict[str, str]:
    df = pd.read_csv(DATA / "postcode_area_towns.csv", dtype=str)
    return dict(zip(df["area"], df["town"], strict=True))


@dataclass(frozen=True)
class _Postcodes:
    """Every usable unit postcode (sorted), and the rows of each force."""

    all: ForcePostcodes
    rows: dict[str, npt.NDArray[np.int64]]


@cache
def _all_postcodes() -> _Postcodes:
    """Read once with pyarrow and split by force in one pass (filtering the 1.7M-row table
    per force was a fixed cost of every run)."""
    table = pq.read_table(
        reference.postcodes_path(), columns=["postcode", "area", "latitude", "longitude", "force_id", "quality"]
    )
    keep = pc.and_(pc.is_valid(table["force_id"]), pc.less_equal(table["quality"], 20)).to_numpy(zero_copy_only=False)
    postcode = table["postcode"].combine_chunks().filter(pa.array(keep))
    n = len(postcode)
    # sorted by postcode (the reference file already is: then nothing is reordered)
    ordered = n < 2 or pc.all(pc.less(postcode.slice(0, n - 1), postcode.slice(1))).as_py()
    order = np.flatnonzero(keep)
    if not ordered:
        by_postcode = pc.sort_indices(postcode)
        order = order[by_postcode.to_numpy()]
        postcode = postcode.take(by_postcode)
    towns = _area_towns()
    area = table["area"].combine_chunks().dictionary_encode()
    town_of = np.array([towns.get(a, "") for a in area.dictionary.to_pylist()] + [""], dtype=object)
    force = table["force_id"].combine_chunks().dictionary_encode()
    codes = force.indices.fill_null(-1).to_numpy()[order]
    by_force = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[by_force], np.arange(len(force.dictionary) + 1))
    rows = {str(f): by_force[bounds[i]:bounds[i + 1]] for i, f in enumerate(force.dictionary.to_pylist())}
    everything = ForcePostcodes(
        postcode=np.asarray(postcode.to_numpy(zero_copy_only=False), dtype=object),
        town=town_of[area.indices.fill_null(len(area.dictionary)).to_numpy(zero_copy_only=False)[order]],
        latitude=table["latitude"].to_numpy()[order].astype(np.float64),
        longitude=table["longitude"].to_numpy()[order].astype(np.float64),
    )
    return _Postcodes(everything, rows)


@cache
def postcodes(force_id: str) -> ForcePostcodes:
    """The postcodes of a force (in postcode order); BTP (no area of its own) gets every force's postcodes."""
    data = _all_postcodes()
    if force_id == "btp":
        return data.all
    rows = data.rows.get(force_id, np.zeros(0, dtype=np.int64))
    a = data.all
    return ForcePostcodes(postcode=a.postcode[rows], town=a.town[rows], latitude=a.latitude[rows], longitude=a.longitude[rows])


def _name_shapes() -> dict[tuple[str, str], tuple[float, float]]:
    """(origin, forename|surname) -> (zipf exponent, rank offset), from ``data/name_weights.csv``."""
    df = pd.read_csv(DATA / "name_weights.csv", dtype={"origin": str, "kind": str})
    return {(str(r.origin), str(r.kind)): (float(r.zipf), float(r.offset)) for r in df.itertuples()}


def _pool_weights(pool: StrArray, shape: tuple[float, float] | None, what: str) -> npt.NDArray[np.float64]:
    """The probability of each name of a pool (most common first) with the pool's shape."""
    if shape is None:
        raise ValueError(f"data/name_weights.csv has no row for the {what} pool")
    return zipf_weights(len(pool), *shape)


@cache
def names() -> NamePool:
    """The name pools: hand-written ``forenames.csv`` and ``surnames.csv`` (real names, most
    common first), then the composed british tail ``surname_tail.csv`` (scripts/build_names.py);
    the weight of each name by its rank, with the shape of its pool in ``name_weights.csv``."""
    origins = pd.read_csv(DATA / "origins.csv")
    fore = pd.read_csv(DATA / "forenames.csv", dtype=str, keep_default_na=False)
    sur = pd.concat(
        [pd.read_csv(DATA / f, dtype=str, keep_default_na=False) for f in ("surnames.csv", "surname_tail.csv")],
        ignore_index=True,
    )
    if sur.duplicated(["origin", "name"]).any():
        raise ValueError("a surname is listed twice for the same origin")
    forenames = {
        (str(o), str(s)): g["name"].to_numpy(dtype=object) for (o, s), g in fore.groupby(["origin", "sex"], sort=True)
    }
    surnames = {str(o): g["name"].to_numpy(dtype=object) for o, g in sur.groupby("origin", sort=True)}
    shapes = _name_shapes()
    return NamePool(
        origins=tuple(origins["origin"]),
        nationality=dict(zip(origins["origin"], origins["nationality"], strict=True)),
        weight=dict(zip(origins["origin"], origins["weight"].astype(float), strict=True)),
        urban_weight=dict(zip(origins["origin"], origins["urban_weight"].astype(float), strict=True)),
        middle_rate=dict(zip(origins["origin"], origins["middle_name_rate"].astype(float), strict=True)),
        forenames=forenames,
        surnames=surnames,
        forename_p={
            (o, s): _pool_weights(v, shapes.get((o, "forename")), f"{o} forename") for (o, s), v in forenames.items()
        },
        surname_p={o: _pool_weights(v, shapes.get((o, "surname")), f"{o} surname") for o, v in surnames.items()},
    )


@cache
def streets() -> tuple[StrArray, StrArray, StrArray, npt.NDArray[np.float64]]:
    """Street names, and suffixes with their abbreviations and weights."""
    s = pd.read_csv(DATA / "street_names.csv", dtype=str)
    x = pd.read_csv(DATA / "street_suffixes.csv")
    w = x["weight"].to_numpy(dtype=np.float64)
    return (
        s["name"].to_numpy(dtype=object),
        x["suffix"].to_numpy(dtype=object),
        x["abbreviation"].to_numpy(dtype=object),
        w / w.sum(),
    )


@cache
def premises() -> dict[str, StrArray]:
    df = pd.read_csv(DATA / "premises.csv", dtype=str)
    return {str(k): g["name"].to_numpy(dtype=object) for k, g in df.groupby("kind")}


@cache
def sic_codes() -> pd.DataFrame:
    return pd.read_csv(DATA / "sic_codes.csv", dtype={"sic_code": str})


@cache
def name_variants() -> dict[str, dict[str, tuple[str, ...]]]:
    """kind -> name -> variants, from ``toex/resolve/data/name_variants.csv``."""
    path = DATA.parent.parent / "resolve" / "data" / "name_variants.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for (kind, name), g in df.groupby(["kind", "name"], sort=True):
        out.setdefault(str(kind), {})[str(name)] = tuple(g["variant"])
    return out
