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
    """Forenames by (origin, sex) and surnames by origin, most common first."""

    origins: tuple[str, ...]
    nationality: dict[str, str]
    weight: dict[str, float]
    urban_weight: dict[str, float]
    middle_rate: dict[str, float]
    forenames: dict[tuple[str, str], StrArray]
    surnames: dict[str, StrArray]


def zipf_weights(n: int, s: float = 0.8) -> npt.NDArray[np.float64]:
    """Weights of a list ordered most common first."""
    w = 1.0 / np.arange(1, n + 1) ** s
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


@cache
def _all_postcodes() -> pd.DataFrame:
    df = pd.read_parquet(
        reference.postcodes_path(), columns=["postcode", "area", "latitude", "longitude", "force_id", "quality"]
    )
    df = df[df["force_id"].notna() & (df["quality"] <= 20)]
    return df.sort_values("postcode").reset_index(drop=True)


@cache
def postcodes(force_id: str) -> ForcePostcodes:
    """The postcodes of a force; BTP (no area of its own) gets every force's postcodes."""
    df = _all_postcodes()
    if force_id != "btp":
        df = df[df["force_id"] == force_id]
    towns = _area_towns()
    return ForcePostcodes(
        postcode=df["postcode"].to_numpy(dtype=object),
        town=df["area"].map(towns).fillna("").to_numpy(dtype=object),
        latitude=df["latitude"].to_numpy(dtype=np.float64),
        longitude=df["longitude"].to_numpy(dtype=np.float64),
    )


@cache
def names() -> NamePool:
    origins = pd.read_csv(DATA / "origins.csv")
    fore = pd.read_csv(DATA / "forenames.csv", dtype=str, keep_default_na=False)
    sur = pd.read_csv(DATA / "surnames.csv", dtype=str, keep_default_na=False)
    return NamePool(
        origins=tuple(origins["origin"]),
        nationality=dict(zip(origins["origin"], origins["nationality"], strict=True)),
        weight=dict(zip(origins["origin"], origins["weight"].astype(float), strict=True)),
        urban_weight=dict(zip(origins["origin"], origins["urban_weight"].astype(float), strict=True)),
        middle_rate=dict(zip(origins["origin"], origins["middle_name_rate"].astype(float), strict=True)),
        forenames={
            (str(o), str(s)): g["name"].to_numpy(dtype=object) for (o, s), g in fore.groupby(["origin", "sex"], sort=True)
        },
        surnames={str(o): g["name"].to_numpy(dtype=object) for o, g in sur.groupby("origin", sort=True)},
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
