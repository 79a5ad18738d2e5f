"""Packaged reference data: forces, ROCU regions, offence codes, recorded crime, harm
weights and GB postcodes.

Everything is read from versioned files in :data:`DATA_DIR` (built by
``scripts/build_reference.py`` from public OGL v3.0 data; see ``data/ATTRIBUTION.md``).
Loaders are cached; the returned dataclasses are frozen and the returned DataFrames are
copies, so callers may modify them freely.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "DATA_DIR",
    "Force",
    "HarmWeight",
    "OffenceCode",
    "Region",
    "force",
    "force_by_policeuk_name",
    "force_ids",
    "forces",
    "harm_weights",
    "manifest",
    "offence_code",
    "offence_codes",
    "policeuk_categories",
    "postcode_districts",
    "postcodes_path",
    "recorded_crime",
    "region",
    "region_of",
    "regions",
    "table_paths",
    "version",
]

DATA_DIR: Path = Path(__file__).resolve().parent / "data"

_FILES: dict[str, str] = {
    "forces": "forces.csv",
    "regions": "regions.csv",
    "offence_codes": "offence_codes.csv",
    "policeuk_categories": "policeuk_categories.csv",
    "recorded_crime": "recorded_crime_2017_18.csv",
    "harm_weights": "harm_weights.csv",
    "postcode_districts": "postcode_districts.csv",
    "postcodes": "postcodes.parquet",
}


@dataclass(frozen=True, slots=True)
class Force:
    """A police force (43 territorial forces of England and Wales plus BTP)."""

    force_id: str
    name: str
    short_name: str
    policeuk_name: str
    region_id: str | None
    country: str
    latitude: float
    longitude: float


@dataclass(frozen=True, slots=True)
class Region:
    """A ROCU region (``kind == "rocu"``) or London (``kind == "london"``, no ROCU)."""

    region_id: str
    name: str
    unit_name: str
    kind: str
    force_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OffenceCode:
    """A Home Office offence classification code with its data.police.uk category slug."""

    offence_code: str
    description: str
    group: str
    subgroup: str
    policeuk_category: str


@dataclass(frozen=True, slots=True)
class HarmWeight:
    """Harm index values for one offence code; ``None`` where the value was not retrieved.

    ``harm_band`` (1-5) always exists: it comes from ``cchi_days``, else ``css_weight``,
    else ``cchi_subgroup_median``, else an editorial per-subgroup default
    (``harm_band_basis`` says which).
    """

    offence_code: str
    description: str
    subgroup: str
    cchi_days: float | None
    cchi_source: str
    cchi_subgroup_median: float | None
    css_weight: float | None
    css_source: str
    harm_band: int
    harm_band_basis: str
    note: str


def _path(name: str) -> Path:
    return DATA_DIR / _FILES[name]


def _read_rows(name: str) -> list[dict[str, str]]:
    with _path(name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _opt_float(text: str) -> float | None:
    return float(text) if text.strip() else None


@cache
def manifest() -> dict[str, Any]:
    """The parsed ``manifest.json`` (version, per-file sha256/rows/source, check figures)."""
    data: dict[str, Any] = json.loads((DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    return data


def version() -> str:
    """Version of the reference data set, e.g. ``"2026.11.1"``."""
    return str(manifest()["version"])


def table_paths() -> dict[str, Path]:
    """Reference table name -> file path (CSV, or parquet for ``"postcodes"``)."""
    return {name: _path(name) for name in _FILES}


# ----------------------------------------------------------------------------- forces


@cache
def forces() -> tuple[Force, ...]:
    """The 44 forces (43 territorial + ``btp``), sorted by ``force_id``."""
    return tuple(
        Force(
            force_id=r["force_id"],
            name=r["name"],
            short_name=r["short_name"],
            policeuk_name=r["policeuk_name"],
            region_id=r["region_id"] or None,
            country=r["country"],
            latitude=float(r["latitude"]),
            longitude=float(r["longitude"]),
        )
        for r in _read_rows("forces")
    )


@cache
def _forces_by_id() -> dict[str, Force]:
    return {f.force_id: f for f in forces()}


def force(force_id: str) -> Force:
    """The force with this data.police.uk id; ``KeyError`` naming the id otherwise."""
    try:
        return _forces_by_id()[force_id]
    except KeyError:
        raise KeyError(
            f"unknown force id {force_id!r}; expected one of the 44 data.police.uk ids "
            f"(e.g. 'suffolk', 'metropolitan', 'btp')"
        ) from None


@cache
def force_ids() -> frozenset[str]:
    """The 44 force ids."""
    return frozenset(_forces_by_id())


_SUFFIX_RE = re.compile(r"\b(police|constabulary|service|force)\b")


def _name_key(name: str) -> str:
    s = name.lower().replace("&", " and ")
    s = _SUFFIX_RE.sub(" ", s)
    s = re.sub(r"[^a-z0-9]+", " ", s)
    return " ".join(s.split())


@cache
def _forces_by_name_key() -> dict[str, Force]:
    out: dict[str, Force] = {}
    for f in forces():
        keys = {f.name, f.short_name, f.policeuk_name, f.force_id.replace("-", " ")}
        if f.force_id == "hampshire":
            keys.add("Hampshire and Isle of Wight")
        if f.force_id == "city-of-london":
            keys.add("City of London")
        if f.force_id == "metropolitan":
            keys.add("Metropolitan")
        for k in keys:
            out.setdefault(_name_key(k), f)
    return out


def force_by_policeuk_name(name: str) -> Force | None:
    """Map a data.police.uk "Falls within"/"Reported by" value (or a Home Office force
    name) to its force: ``"West Yorkshire Police"`` -> west-yorkshire. Case-insensitive and
    tolerant of "Police"/"Constabulary"/"Service" suffixes and ``&``/``and``. ``None`` if
    the name is not a known force (e.g. "Police Service of Northern Ireland")."""
    key = _name_key(name)
    if not key:
        return None
    return _forces_by_name_key().get(key)


# ----------------------------------------------------------------------------- regions


@cache
def regions() -> tuple[Region, ...]:
    """The nine ROCU regions plus London, each with its member force ids."""
    members: dict[str, list[str]] = {}
    for f in forces():
        if f.region_id is not None:
            members.setdefault(f.region_id, []).append(f.force_id)
    return tuple(
        Region(
            region_id=r["region_id"],
            name=r["name"],
            unit_name=r["unit_name"],
            kind=r["kind"],
            force_ids=tuple(sorted(members.get(r["region_id"], []))),
        )
        for r in _read_rows("regions")
    )


def region(region_id: str) -> Region:
    """The region with this id; ``KeyError`` naming the id otherwise."""
    for r in regions():
        if r.region_id == region_id:
            return r
    raise KeyError(
        f"unknown region id {region_id!r}; expected one of {[r.region_id for r in regions()]}"
    )


def region_of(force_id: str) -> str | None:
    """Region (tasking unit) id of a force; ``None`` for national forces (``btp``)."""
    return force(force_id).region_id


# ----------------------------------------------------------------------------- offences


@cache
def offence_codes() -> tuple[OffenceCode, ...]:
    """Home Office offence codes (as in the PRC open data tables)."""
    return tuple(
        OffenceCode(
            offence_code=r["offence_code"],
            description=r["description"],
            group=r["group"],
            subgroup=r["subgroup"],
            policeuk_category=r["policeuk_category"],
        )
        for r in _read_rows("offence_codes")
    )


@cache
def _offence_by_code() -> dict[str, OffenceCode]:
    return {o.offence_code: o for o in offence_codes()}


def offence_code(code: str) -> OffenceCode:
    """One offence code (``"46"``, ``"92A"``; a leading-zero ``"046"`` or a ``"046/00"``
    class/subclass form is accepted); ``KeyError`` naming the code otherwise."""
    table = _offence_by_code()
    c = code.strip().upper()
    if c in table:
        return table[c]
    base = c.split("/")[0].lstrip("0") or "0"
    if base in table:
        return table[base]
    raise KeyError(f"unknown Home Office offence code {code!r}")


@cache
def _categories() -> dict[str, str]:
    return {r["label"]: r["slug"] for r in _read_rows("policeuk_categories")}


def policeuk_categories() -> dict[str, str]:
    """data.police.uk "Crime type" label -> category slug (14 categories)."""
    return dict(_categories())


# ----------------------------------------------------------------------------- tables


@cache
def _recorded_crime() -> pd.DataFrame:
    df = pd.read_csv(
        _path("recorded_crime"), dtype={"force_id": str, "offence_code": str, "offences": "int64"}
    )
    return df


def recorded_crime() -> pd.DataFrame:
    """Police recorded crime 2017/18 per force and offence code: ``force_id, offence_code,
    offences`` (annual totals; fraud reporting bodies excluded; BTP included)."""
    return _recorded_crime().copy()


@cache
def harm_weights() -> dict[str, HarmWeight]:
    """Offence code -> harm index values (CCHI days, ONS CSS weight, fallback band)."""
    return {
        r["offence_code"]: HarmWeight(
            offence_code=r["offence_code"],
            description=r["description"],
            subgroup=r["subgroup"],
            cchi_days=_opt_float(r["cchi_days"]),
            cchi_source=r["cchi_source"],
            cchi_subgroup_median=_opt_float(r["cchi_subgroup_median"]),
            css_weight=_opt_float(r["css_weight"]),
            css_source=r["css_source"],
            harm_band=int(r["harm_band"]),
            harm_band_basis=r["harm_band_basis"],
            note=r["note"],
        )
        for r in _read_rows("harm_weights")
    }


def postcodes_path() -> Path:
    """Path of ``postcodes.parquet`` (postcode, area, district, latitude, longitude,
    force_id, quality; sorted by postcode). Query it with DuckDB or pyarrow."""
    return _path("postcodes")


@cache
def _postcode_districts() -> pd.DataFrame:
    return pd.read_csv(
        _path("postcode_districts"),
        dtype={
            "district": str,
            "area": str,
            "force_id": str,
            "postcodes": "int64",
            "latitude": "float64",
            "longitude": "float64",
        },
        keep_default_na=False,
        na_values={"force_id": [""]},
    )


def postcode_districts() -> pd.DataFrame:
    """Postcode district -> force (approximate, hand-built; ``force_id`` is NaN for
    Scotland), number of postcodes and centroid latitude/longitude."""
    return _postcode_districts().copy()
