#!/usr/bin/env python3
"""Build toex's packaged reference data from the shared public (OGL v3.0) sources.

Reads the raw public files (``/work/shared/data`` by default, ``--shared DIR`` to
override) plus the hand-written tables that live next to the outputs
(``postcode_area_forces.csv``, ``harm_band_defaults.csv``, ``ATTRIBUTION.md``) and
writes every derived file into ``src/toex/reference/data`` together with
``manifest.json`` (version, sha256, row counts, sources, check figures).

The product never reads the shared folder at run time: everything it needs is
written here. Re-running the script on the same inputs gives byte-identical CSVs
and an identical parquet payload.

    python scripts/build_reference.py [--shared DIR] [--out DIR] [--skip-postcodes]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import re
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyproj import Transformer

VERSION = "2026.11.1"
HARM_WEIGHTS_VERSION = "2026.11.1-h1"

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SHARED = Path("/work/shared/data")
DEFAULT_OUT = ROOT / "src" / "toex" / "reference" / "data"

OGL = "Contains public sector information licensed under the Open Government Licence v3.0"
OS_ATTR = (
    "Contains OS data © Crown copyright and database right; "
    "Contains Royal Mail data © Royal Mail copyright and database right; "
    "Contains National Statistics data © Crown copyright and database right"
)

# --------------------------------------------------------------------------------------
# Forces and regions (hand-curated; checked against DOMAIN.md §ROCUs and pole-exchange.md)
# --------------------------------------------------------------------------------------

# force_id, name, short_name (Home Office PRC "Force_Name"), policeuk_name ("Falls within"),
# region_id, country, HQ lat, HQ lon (approximate centre of the HQ town, for maps only)
FORCES: list[tuple[str, str, str, str, str, str, float, float]] = [
    ("avon-and-somerset", "Avon and Somerset Constabulary", "Avon and Somerset", "Avon and Somerset Constabulary", "swrocu", "england", 51.4840, -2.7690),
    ("bedfordshire", "Bedfordshire Police", "Bedfordshire", "Bedfordshire Police", "ersou", "england", 52.1160, -0.4970),
    ("cambridgeshire", "Cambridgeshire Constabulary", "Cambridgeshire", "Cambridgeshire Constabulary", "ersou", "england", 52.3310, -0.1830),
    ("cheshire", "Cheshire Constabulary", "Cheshire", "Cheshire Constabulary", "nwrocu", "england", 53.1910, -2.5240),
    ("city-of-london", "City of London Police", "London, City of", "City of London Police", "london", "england", 51.5150, -0.0920),
    ("cleveland", "Cleveland Police", "Cleveland", "Cleveland Police", "nersou", "england", 54.5760, -1.2350),
    ("cumbria", "Cumbria Constabulary", "Cumbria", "Cumbria Constabulary", "nwrocu", "england", 54.6640, -2.7520),
    ("derbyshire", "Derbyshire Constabulary", "Derbyshire", "Derbyshire Constabulary", "emsou", "england", 53.0500, -1.4070),
    ("devon-and-cornwall", "Devon and Cornwall Police", "Devon and Cornwall", "Devon & Cornwall Police", "swrocu", "england", 50.7220, -3.4760),
    ("dorset", "Dorset Police", "Dorset", "Dorset Police", "swrocu", "england", 50.6680, -2.2590),
    ("durham", "Durham Constabulary", "Durham", "Durham Constabulary", "nersou", "england", 54.7860, -1.5850),
    ("dyfed-powys", "Dyfed-Powys Police", "Dyfed-Powys", "Dyfed-Powys Police", "tarian", "wales", 51.8580, -4.3120),
    ("essex", "Essex Police", "Essex", "Essex Police", "ersou", "england", 51.7360, 0.4690),
    ("gloucestershire", "Gloucestershire Constabulary", "Gloucestershire", "Gloucestershire Constabulary", "swrocu", "england", 51.8640, -2.2440),
    ("greater-manchester", "Greater Manchester Police", "Greater Manchester", "Greater Manchester Police", "nwrocu", "england", 53.4810, -2.2420),
    ("gwent", "Gwent Police", "Gwent", "Gwent Police", "tarian", "wales", 51.6540, -3.0210),
    ("hampshire", "Hampshire and Isle of Wight Constabulary", "Hampshire", "Hampshire Constabulary", "serocu", "england", 50.9690, -1.3500),
    ("hertfordshire", "Hertfordshire Constabulary", "Hertfordshire", "Hertfordshire Constabulary", "ersou", "england", 51.8000, -0.2060),
    ("humberside", "Humberside Police", "Humberside", "Humberside Police", "yhrocu", "england", 53.7450, -0.3360),
    ("kent", "Kent Police", "Kent", "Kent Police", "ersou", "england", 51.2720, 0.5220),
    ("lancashire", "Lancashire Constabulary", "Lancashire", "Lancashire Constabulary", "nwrocu", "england", 53.7630, -2.7030),
    ("leicestershire", "Leicestershire Police", "Leicestershire", "Leicestershire Police", "emsou", "england", 52.6360, -1.1390),
    ("lincolnshire", "Lincolnshire Police", "Lincolnshire", "Lincolnshire Police", "emsou", "england", 53.2340, -0.5400),
    ("merseyside", "Merseyside Police", "Merseyside", "Merseyside Police", "nwrocu", "england", 53.4080, -2.9920),
    ("metropolitan", "Metropolitan Police Service", "Metropolitan Police", "Metropolitan Police Service", "london", "england", 51.5025, -0.1245),
    ("norfolk", "Norfolk Constabulary", "Norfolk", "Norfolk Constabulary", "ersou", "england", 52.5700, 1.1170),
    ("north-wales", "North Wales Police", "North Wales", "North Wales Police", "nwrocu", "wales", 53.2950, -3.7270),
    ("north-yorkshire", "North Yorkshire Police", "North Yorkshire", "North Yorkshire Police", "yhrocu", "england", 54.3390, -1.4340),
    ("northamptonshire", "Northamptonshire Police", "Northamptonshire", "Northamptonshire Police", "emsou", "england", 52.2370, -0.8940),
    ("northumbria", "Northumbria Police", "Northumbria", "Northumbria Police", "nersou", "england", 54.9780, -1.6180),
    ("nottinghamshire", "Nottinghamshire Police", "Nottinghamshire", "Nottinghamshire Police", "emsou", "england", 52.9540, -1.1580),
    ("south-wales", "South Wales Police", "South Wales", "South Wales Police", "tarian", "wales", 51.5050, -3.5770),
    ("south-yorkshire", "South Yorkshire Police", "South Yorkshire", "South Yorkshire Police", "yhrocu", "england", 53.3810, -1.4700),
    ("staffordshire", "Staffordshire Police", "Staffordshire", "Staffordshire Police", "rocuwm", "england", 52.8060, -2.1170),
    ("suffolk", "Suffolk Constabulary", "Suffolk", "Suffolk Constabulary", "ersou", "england", 52.0580, 1.2780),
    ("surrey", "Surrey Police", "Surrey", "Surrey Police", "serocu", "england", 51.2360, -0.5700),
    ("sussex", "Sussex Police", "Sussex", "Sussex Police", "serocu", "england", 50.8730, 0.0090),
    ("thames-valley", "Thames Valley Police", "Thames Valley", "Thames Valley Police", "serocu", "england", 51.8230, -1.2900),
    ("warwickshire", "Warwickshire Police", "Warwickshire", "Warwickshire Police", "rocuwm", "england", 52.2820, -1.5850),
    ("west-mercia", "West Mercia Police", "West Mercia", "West Mercia Police", "rocuwm", "england", 52.1920, -2.2200),
    ("west-midlands", "West Midlands Police", "West Midlands", "West Midlands Police", "rocuwm", "england", 52.4800, -1.9030),
    ("west-yorkshire", "West Yorkshire Police", "West Yorkshire", "West Yorkshire Police", "yhrocu", "england", 53.6830, -1.4990),
    ("wiltshire", "Wiltshire Police", "Wiltshire", "Wiltshire Police", "swrocu", "england", 51.3500, -1.9950),
    ("btp", "British Transport Police", "British Transport Police", "British Transport Police", "", "gb", 51.5390, -0.1410),
]

# The exact data.police.uk ids of spec/pole-exchange.md "Force ids".
POLE_EXCHANGE_FORCE_IDS = frozenset(
    ["avon-and-somerset", "bedfordshire", "cambridgeshire", "cheshire", "city-of-london", "cleveland", "cumbria", "derbyshire", "devon-and-cornwall", "dorset", "durham", "dyfed-powys", "essex", "gloucestershire", "greater-manchester", "gwent", "hampshire", "hertfordshire", "humberside", "kent", "lancashire", "leicestershire", "lincolnshire", "merseyside", "metropolitan", "norfolk", "north-wales", "north-yorkshire", "northamptonshire", "northumbria", "nottinghamshire", "south-wales", "south-yorkshire", "staffordshire", "suffolk", "surrey", "sussex", "thames-valley", "warwickshire", "west-mercia", "west-midlands", "west-yorkshire", "wiltshire", "btp"]
)

# region_id, name, unit_name, kind
REGIONS: list[tuple[str, str, str, str]] = [
    ("nwrocu", "North West", "North West Regional Organised Crime Unit (TITAN)", "rocu"),
    ("nersou", "North East", "North East Regional Special Operations Unit (NERSOU)", "rocu"),
    ("yhrocu", "Yorkshire and the Humber", "Yorkshire and Humber Regional Organised Crime Unit", "rocu"),
    ("emsou", "East Midlands", "East Midlands Special Operations Unit (EMSOU)", "rocu"),
    ("rocuwm", "West Midlands", "Regional Organised Crime Unit for the West Midlands (ROCUWM)", "rocu"),
    ("ersou", "Eastern", "Eastern Region Special Operations Unit (ERSOU)", "rocu"),
    ("serocu", "South East", "South East Regional Organised Crime Unit (SEROCU)", "rocu"),
    ("swrocu", "South West", "South West Regional Organised Crime Unit (SWROCU)", "rocu"),
    ("tarian", "Southern Wales", "Tarian Regional Organised Crime Unit", "rocu"),
    ("london", "London", "London region: no ROCU (MPS and City of London Police; London ROCTA)", "london"),
]

# data.police.uk crime categories: slug -> exact "Crime type" label of the street CSVs.
POLICEUK_CATEGORIES: list[tuple[str, str]] = [
    ("anti-social-behaviour", "Anti-social behaviour"),
    ("bicycle-theft", "Bicycle theft"),
    ("burglary", "Burglary"),
    ("criminal-damage-arson", "Criminal damage and arson"),
    ("drugs", "Drugs"),
    ("other-theft", "Other theft"),
    ("possession-of-weapons", "Possession of weapons"),
    ("public-order", "Public order"),
    ("robbery", "Robbery"),
    ("shoplifting", "Shoplifting"),
    ("theft-from-the-person", "Theft from the person"),
    ("vehicle-crime", "Vehicle crime"),
    ("violent-crime", "Violence and sexual offences"),
    ("other-crime", "Other crime"),
]

# Reporting bodies of the PRC file that are not police forces.
FRAUD_BODIES = frozenset({"Action Fraud", "CIFAS", "UK Finance", "Financial Fraud Action UK"})

# --------------------------------------------------------------------------------------
# Harm index values (only published values; never invented). See DOMAIN.md §3.
# --------------------------------------------------------------------------------------

SRC_CCHI = (
    "CCHI 2026 values sheet as summarised in DOMAIN.md §3 (secondary: a public GitHub "
    "project's medians per PRC subgroup); Sherman, Neyroud & Neyroud (2016) "
    "doi:10.1093/police/paw003; https://cambridge-ebp.co.uk/chi"
)
SRC_CSS_TOOL = (
    "ONS Crime Severity Score weights as transcribed from the ONS data tool (secondary, "
    "vintage unknown; DOMAIN.md §3); https://www.ons.gov.uk/peoplepopulationandcommunity/"
    "crimeandjustice/datasets/crimeseverityscoredatatool"
)
SRC_CSS_PASTEBIN = (
    "ONS Crime Severity Score weights table (secondary transcription, DOMAIN.md §3: "
    "https://pastebin.com/p3SfA3L3); ONS methodology article 2016-11-29"
)

# Code-level CCHI values: code -> (days, basis text)
CCHI_CODE: dict[str, tuple[float, str]] = {
    "46": (1.0, "shoplifting: 1 day (n=2, min=max=1)"),
    "34A": (365.0, "robbery of business property: 365 days"),
    "34B": (365.0, "robbery of personal property: 365 days"),
    "1/4.1/4.10/4.2": (5475.0, "homicide: median 5,475 days over the code's sub-offences (range 730-5,475)"),
    "39": (2.0, "theft from the person: 2 days (median over the code's sub-offences)"),
    "92A": (5.0, "trafficking of drugs: median 5 days over the code's sub-offences (max 547.5)"),
}

# PRC-subgroup medians published for subgroups with several codes; they are NOT a code's own
# value and are kept in a separate column (cchi_subgroup_median).
CCHI_SUBGROUP_MEDIAN: dict[str, tuple[float, str]] = {
    "Rape offences": (2555.0, "rape: subgroup median 2,555 days (range 1,825-4,745)"),
    "Other sexual offences": (182.25, "other sexual offences: subgroup median 182.25 days (range 5-2,555)"),
    "Domestic burglary": (273.5, "residential burglary: subgroup median 273.5 days"),
    "Other theft offences": (2.0, "other theft: subgroup median 2 days"),
    "Possession of weapons offences": (273.75, "possession of weapons: subgroup median 273.75 days"),
    "Miscellaneous crimes": (10.0, "miscellaneous crimes against society: subgroup median 10 days (max 1,460)"),
}

# Code-level ONS CSS weights: code -> (weight, source)
CSS_CODE: dict[str, tuple[float, str]] = {
    "46": (13.0, SRC_CSS_TOOL + " - shoplifting 13"),
    "34A": (746.0, SRC_CSS_TOOL + " - robbery of business property 746"),
    "34B": (746.0, SRC_CSS_TOOL + " - robbery of personal property 746"),
    "39": (86.0, SRC_CSS_TOOL + " - theft from the person 86"),
    "1/4.1/4.10/4.2": (7978.79, SRC_CSS_TOOL + " - homicide 7,978.79 (7,979 in ONS reporting)"),
    "2": (4663.0, SRC_CSS_PASTEBIN + " - attempted murder 4,663"),
    "92E": (3.0, SRC_CSS_PASTEBIN + " - possession of cannabis 3"),
}

NOT_RETRIEVED = "not retrieved; load from the official sheet"

# harm_band thresholds on a days-of-custody scale (CCHI days; ONS CSS weights are also
# custody-day equivalents). band = 1 + number of thresholds <= value.
BAND_THRESHOLDS = (10.0, 100.0, 365.0, 1825.0)


def harm_band(value: float) -> int:
    return 1 + sum(1 for t in BAND_THRESHOLDS if value >= t)


# --------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> int:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    n = 0
    for row in rows:
        w.writerow(["" if v is None or (isinstance(v, float) and v != v) else v for v in row])
        n += 1
    path.write_text(buf.getvalue(), encoding="utf-8")
    return n


def fmt_num(v: float | None) -> str:
    if v is None:
        return ""
    return f"{v:g}" if v != int(v) else str(int(v))


_PC_RE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?[0-9][A-Z]{2}$")


def normalise_postcodes(raw: pd.Series) -> pd.Series:
    s = raw.astype(str).str.upper().str.replace(r"\s+", "", regex=True)
    return s.str[:-3] + " " + s.str[-3:]


# --------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------


def build_forces(out: Path) -> int:
    ids = [f[0] for f in FORCES]
    assert len(ids) == 44 and set(ids) == POLE_EXCHANGE_FORCE_IDS, "force ids != pole-exchange ids"
    region_ids = {r[0] for r in REGIONS}
    for f in FORCES:
        assert f[4] == "" or f[4] in region_ids, f
    rows = [
        (fid, name, short, puk, region, country, f"{lat:.4f}", f"{lon:.4f}", f"{lat:.4f}", f"{lon:.4f}")
        for fid, name, short, puk, region, country, lat, lon in sorted(FORCES)
    ]
    header = (
        "force_id", "name", "short_name", "policeuk_name", "region_id", "country",
        "capital_lat", "capital_lon", "latitude", "longitude",
    )
    return write_csv(out / "forces.csv", header, rows)


def build_regions(out: Path) -> int:
    for rid, *_ in REGIONS:
        assert any(f[4] == rid for f in FORCES), f"region {rid} has no forces"
    return write_csv(out / "regions.csv", ("region_id", "name", "unit_name", "kind"), REGIONS)


def build_categories(out: Path) -> int:
    return write_csv(out / "policeuk_categories.csv", ("slug", "label"), POLICEUK_CATEGORIES)


def policeuk_slug(label: str, description: str) -> str:
    by_label = {lab.lower(): slug for slug, lab in POLICEUK_CATEGORIES}
    desc = description.lower()
    if "shoplifting" in desc or "theft from shops" in desc:
        return "shoplifting"
    key = label.strip().lower()
    if key in by_label:
        return by_label[key]
    raise ValueError(f"unmapped data.police.uk label {label!r} ({description!r})")


def build_offence_codes(shared: Path, out: Path) -> pd.DataFrame:
    oc = pd.read_csv(shared / "home-office" / "offence-codes.csv", dtype=str, keep_default_na=False)
    oc = oc.drop(columns=[c for c in oc.columns if c == "" or c.startswith("Unnamed")])
    oc["slug"] = [policeuk_slug(lab, d) for lab, d in zip(oc["Police.uk_Cat"], oc["Offence_Description"], strict=True)]
    assert oc["Offence_Code"].is_unique
    oc = oc.sort_values("Offence_Code", key=lambda s: s.map(_code_sort_key)).reset_index(drop=True)
    rows = oc[["Offence_Code", "Offence_Description", "Offence_Group", "Offence_Subgroup", "slug"]].itertuples(index=False)
    n = write_csv(out / "offence_codes.csv", ("offence_code", "description", "group", "subgroup", "policeuk_category"), rows)
    assert oc.loc[oc.Offence_Code == "46", "slug"].item() == "shoplifting"
    assert "106" in set(oc.Offence_Code)
    print(f"offence_codes: {n} codes")
    return oc


def _code_sort_key(code: str) -> tuple[int, str]:
    m = re.match(r"^(\d+)", code)
    return (int(m.group(1)) if m else 10_000, code)


def build_recorded_crime(shared: Path, out: Path) -> int:
    prc = pd.read_csv(shared / "home-office" / "prc-pfa-2017-18.csv", dtype=str, keep_default_na=False)
    prc = prc[~prc["Force_Name"].isin(FRAUD_BODIES)].copy()
    by_short = {f[2]: f[0] for f in FORCES}
    unknown = sorted(set(prc["Force_Name"]) - set(by_short))
    assert not unknown, f"unmapped PRC force names: {unknown}"
    prc["force_id"] = prc["Force_Name"].map(by_short)
    prc["offences"] = prc["Number_of_Offences"].astype(int)
    agg = (
        prc.groupby(["force_id", "Offence_Code"], as_index=False)["offences"].sum()
        .rename(columns={"Offence_Code": "offence_code"})
    )
    agg["k"] = agg["offence_code"].map(_code_sort_key)
    agg = agg.sort_values(["force_id", "k"]).drop(columns="k")
    assert set(agg.force_id) == POLE_EXCHANGE_FORCE_IDS, "not all 44 forces in recorded crime"
    total = int(agg.offences.sum())
    n = write_csv(out / "recorded_crime_2017_18.csv", ("force_id", "offence_code", "offences"), agg.itertuples(index=False))
    print(f"recorded_crime_2017_18: {n} rows, {agg.force_id.nunique()} forces, {total:,} offences (excl. fraud bodies)")
    n_codes = agg.offence_code.nunique()
    assert n == len(agg) == 44 * n_codes, f"{n} rows != 44 forces x {n_codes} codes"
    assert 4_500_000 < total < 5_500_000, total
    return n


def build_harm_weights(oc: pd.DataFrame, out: Path) -> int:
    defaults_path = out / "harm_band_defaults.csv"
    defaults = pd.read_csv(defaults_path, dtype=str, keep_default_na=False)
    default_band = dict(zip(defaults["subgroup"], defaults["harm_band"].astype(int), strict=True))
    missing = sorted(set(oc["Offence_Subgroup"]) - set(default_band))
    assert not missing, f"harm_band_defaults.csv lacks subgroups: {missing}"
    for code in list(CCHI_CODE) + list(CSS_CODE):
        assert code in set(oc["Offence_Code"]), code
    rows = []
    for r in oc.itertuples(index=False):
        code, sub = r.Offence_Code, r.Offence_Subgroup
        cchi = CCHI_CODE.get(code)
        css = CSS_CODE.get(code)
        med = CCHI_SUBGROUP_MEDIAN.get(sub)
        notes = []
        if cchi is None:
            notes.append(f"cchi_days {NOT_RETRIEVED}")
        if css is None:
            notes.append(f"css_weight {NOT_RETRIEVED}")
        if code == "106":
            notes.append("modern slavery CCHI value explicitly not retrieved (DOMAIN.md §3 [unsure])")
        if cchi is not None:
            band, basis = harm_band(cchi[0]), "cchi"
        elif css is not None:
            band, basis = harm_band(css[0]), "css"
        elif med is not None:
            band, basis = harm_band(med[0]), "cchi-subgroup-median"
        else:
            band, basis = default_band[sub], "subgroup-default"
        rows.append((
            code,
            r.Offence_Description,
            r.Offence_Group,
            sub,
            fmt_num(cchi[0]) if cchi else "",
            f"{SRC_CCHI} - {cchi[1]}" if cchi else "",
            fmt_num(med[0]) if med else "",
            f"{SRC_CCHI} - {med[1]}" if med else "",
            fmt_num(css[0]) if css else "",
            css[1] if css else "",
            band,
            basis,
            "; ".join(notes),
        ))
    header = (
        "offence_code", "description", "group", "subgroup",
        "cchi_days", "cchi_source", "cchi_subgroup_median", "cchi_subgroup_source",
        "css_weight", "css_source", "harm_band", "harm_band_basis", "note",
    )
    n = write_csv(out / "harm_weights.csv", header, rows)
    print(f"harm_weights: {n} codes, {sum(1 for r in rows if r[4])} with CCHI, {sum(1 for r in rows if r[8])} with CSS")
    return n


def load_area_forces(out: Path) -> tuple[dict[str, str | None], dict[str, str | None]]:
    m = pd.read_csv(out / "postcode_area_forces.csv", dtype=str, keep_default_na=False)
    assert m["key"].is_unique, m[m["key"].duplicated()]
    bad = sorted(set(m["force_id"]) - POLE_EXCHANGE_FORCE_IDS - {""})
    assert not bad, f"unknown force ids in postcode_area_forces.csv: {bad}"
    areas: dict[str, str | None] = {}
    districts: dict[str, str | None] = {}
    for key, fid in zip(m["key"], m["force_id"], strict=True):
        target = areas if key.isalpha() else districts
        target[key] = fid or None
    return areas, districts


def build_postcodes(shared: Path, out: Path) -> tuple[int, pd.DataFrame, dict[str, object]]:
    areas, district_over = load_area_forces(out)
    frames = []
    for f in sorted((shared / "os-codepoint").glob("*.csv.gz")):
        frames.append(pd.read_csv(f, header=None, names=["postcode", "quality", "easting", "northing"],
                                  dtype={"postcode": str, "quality": "int16", "easting": "float64", "northing": "float64"}))
    raw = pd.concat(frames, ignore_index=True)
    n_raw = len(raw)
    raw = raw[raw["easting"].fillna(0).gt(0) & raw["northing"].fillna(0).gt(0) & raw["postcode"].notna()]
    raw = raw[raw["postcode"].str.strip() != ""].copy()
    raw["postcode"] = normalise_postcodes(raw["postcode"])
    ok = raw["postcode"].str.replace(" ", "", regex=False).str.match(_PC_RE)
    assert ok.mean() > 0.999, raw.loc[~ok, "postcode"].head()
    raw = raw[ok]
    raw = raw.drop_duplicates("postcode").sort_values("postcode").reset_index(drop=True)
    raw["district"] = raw["postcode"].str.split(" ").str[0]
    raw["area"] = raw["district"].str.extract(r"^([A-Z]+)", expand=False)
    unknown_areas = sorted(set(raw["area"]) - set(areas))
    assert not unknown_areas, f"postcode areas missing from postcode_area_forces.csv: {unknown_areas}"
    unknown_districts = sorted(set(district_over) - set(raw["district"]))
    assert not unknown_districts, f"override districts not in Code-Point: {unknown_districts}"
    dist_force = {d: district_over.get(d, areas[a]) for d, a in raw[["district", "area"]].drop_duplicates().itertuples(index=False)}
    raw["force_id"] = raw["district"].map(dist_force)

    tr = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = tr.transform(raw["easting"].to_numpy(), raw["northing"].to_numpy())
    raw["latitude"] = np.asarray(lat, dtype=np.float32)
    raw["longitude"] = np.asarray(lon, dtype=np.float32)

    table = pa.table({
        "postcode": pa.array(raw["postcode"], pa.string()),
        "area": pa.array(raw["area"], pa.string()),
        "district": pa.array(raw["district"], pa.string()),
        "latitude": pa.array(raw["latitude"], pa.float32()),
        "longitude": pa.array(raw["longitude"], pa.float32()),
        "force_id": pa.array(raw["force_id"], pa.string(), from_pandas=True),
        "quality": pa.array(raw["quality"].astype("int8"), pa.int8()),
    })
    pq.write_table(table, out / "postcodes.parquet", compression="zstd", compression_level=19,
                   row_group_size=256_000, use_dictionary=["area", "district", "force_id"],
                   write_statistics=True)
    print(f"postcodes: {len(raw):,} of {n_raw:,} rows kept ({n_raw - len(raw):,} without coordinates or duplicate)")

    # district table
    g = raw.groupby("district", sort=False)
    dist = pd.DataFrame({
        "area": g["area"].first(),
        "force_id": g["force_id"].first(),
        "postcodes": g.size(),
        "latitude": g["latitude"].mean().astype(float).round(5),
        "longitude": g["longitude"].mean().astype(float).round(5),
    }).reset_index()
    dist = dist.sort_values("district", key=lambda s: s.map(_district_sort_key)).reset_index(drop=True)
    n_d = write_csv(out / "postcode_districts.csv", ("district", "area", "force_id", "postcodes", "latitude", "longitude"),
                    dist[["district", "area", "force_id", "postcodes", "latitude", "longitude"]].itertuples(index=False))
    territorial = POLE_EXCHANGE_FORCE_IDS - {"btp"}
    covered = set(dist["force_id"].dropna())
    assert territorial <= covered, f"forces with no postcode districts: {sorted(territorial - covered)}"
    scottish = {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "TD", "ZE"}
    sc = dist[dist["area"].isin(scottish) & (dist["district"] != "TD15")]
    assert sc["force_id"].isna().all()
    print(f"postcode_districts: {n_d} districts; postcodes per force:")
    per_force = raw.groupby("force_id")["postcode"].size().sort_values()
    print("  " + ", ".join(f"{k}={v}" for k, v in per_force.items()))
    checks = wy_check(shared, raw, dist)
    return len(raw), dist, checks


def _district_sort_key(d: str) -> tuple[str, int, str]:
    m = re.match(r"^([A-Z]+)(\d+)([A-Z]?)$", d)
    return (m.group(1), int(m.group(2)), m.group(3)) if m else (d, 0, "")


def wy_check(shared: Path, pcs: pd.DataFrame, dist: pd.DataFrame) -> dict[str, object]:
    """data.police.uk West Yorkshire points -> nearest postcode / district centroid -> force."""
    from scipy.spatial import cKDTree

    files = sorted((shared / "police-uk").glob("*.csv"))
    if not files:
        return {}
    pts = pd.concat([pd.read_csv(f, usecols=["Latitude", "Longitude", "Falls within"]) for f in files])
    pts = pts.dropna(subset=["Latitude", "Longitude"])
    fwd = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    # Use BNG metres for distances.
    px, py = fwd.transform(pts["Longitude"].to_numpy(), pts["Latitude"].to_numpy())
    cx, cy = fwd.transform(pcs["longitude"].to_numpy(dtype=float), pcs["latitude"].to_numpy(dtype=float))
    _, idx = cKDTree(np.c_[cx, cy]).query(np.c_[px, py])
    unit_force = pcs["force_id"].to_numpy()[idx]
    pct_unit = float(np.mean(unit_force == "west-yorkshire") * 100)
    dx, dy = fwd.transform(dist["longitude"].to_numpy(), dist["latitude"].to_numpy())
    _, didx = cKDTree(np.c_[dx, dy]).query(np.c_[px, py])
    d_force = dist["force_id"].to_numpy()[didx]
    pct_dist = float(np.mean(d_force == "west-yorkshire") * 100)
    other = pd.Series(unit_force[unit_force != "west-yorkshire"]).value_counts().to_dict()
    print(f"WY check: {len(pts):,} data.police.uk West Yorkshire points; nearest unit postcode maps to "
          f"west-yorkshire for {pct_unit:.2f}%, nearest district centroid for {pct_dist:.2f}%; others {other}")
    assert pct_unit > 97.0, pct_unit
    return {
        "points": len(pts),
        "pct_nearest_postcode_west_yorkshire": round(pct_unit, 2),
        "pct_nearest_district_centroid_west_yorkshire": round(pct_dist, 2),
        "nearest_postcode_other_forces": {str(k): int(v) for k, v in other.items()},
    }


def build_manifest(out: Path, rows: dict[str, int], checks: dict[str, object]) -> None:
    sources = {
        "forces.csv": "hand-curated (DOMAIN.md forces and ROCUs; spec/pole-exchange.md ids; Home Office PRC force names; data.police.uk 'Falls within' names)",
        "regions.csv": "hand-curated (DOMAIN.md ROCU table, HMICFRS regional SOC inspections)",
        "offence_codes.csv": "home-office/offence-codes.csv (Home Office offence classification; OGL v3.0)",
        "policeuk_categories.csv": "data.police.uk crime categories (OGL v3.0)",
        "recorded_crime_2017_18.csv": "home-office/prc-pfa-2017-18.csv (Home Office police recorded crime open data tables; OGL v3.0)",
        "harm_weights.csv": "DOMAIN.md §3 published CCHI/ONS CSS values (secondary); harm_band_defaults.csv",
        "harm_band_defaults.csv": "hand-written editorial fallback bands per PRC subgroup (toex judgement, not an index)",
        "postcodes.parquet": "OS Code-Point Open (os-codepoint/*.csv.gz), EPSG:27700 -> EPSG:4326 with pyproj; force_id from postcode_area_forces.csv",
        "postcode_districts.csv": "derived from postcodes.parquet (centroid = mean of unit postcodes) and postcode_area_forces.csv",
        "postcode_area_forces.csv": "hand-written approximate postcode area/district -> police force mapping (not an official boundary)",
        "ATTRIBUTION.md": "provenance and licences",
    }
    files: dict[str, dict[str, object]] = {}
    for name in sorted(sources):
        p = out / name
        if not p.exists():
            continue
        entry: dict[str, object] = {"sha256": sha256(p), "rows": rows.get(name), "source": sources[name]}
        if name in ("harm_weights.csv", "harm_band_defaults.csv"):
            entry["version"] = HARM_WEIGHTS_VERSION
        files[name] = entry
    manifest = {
        "version": VERSION,
        "harm_weights_version": HARM_WEIGHTS_VERSION,
        "licence": "Open Government Licence v3.0 (see ATTRIBUTION.md)",
        "files": files,
        "checks": checks,
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def csv_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="folder of raw public data (default %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output data folder (default %(default)s)")
    ap.add_argument("--skip-postcodes", action="store_true", help="keep the existing postcode outputs")
    args = ap.parse_args(argv)
    shared: Path = args.shared
    out: Path = args.out
    if not (shared / "home-office" / "offence-codes.csv").exists():
        ap.error(f"{shared} does not look like the shared data folder")
    out.mkdir(parents=True, exist_ok=True)

    rows: dict[str, int] = {}
    rows["forces.csv"] = build_forces(out)
    rows["regions.csv"] = build_regions(out)
    rows["policeuk_categories.csv"] = build_categories(out)
    oc = build_offence_codes(shared, out)
    rows["offence_codes.csv"] = len(oc)
    rows["recorded_crime_2017_18.csv"] = build_recorded_crime(shared, out)
    rows["harm_weights.csv"] = build_harm_weights(oc, out)
    rows["harm_band_defaults.csv"] = csv_rows(out / "harm_band_defaults.csv")
    rows["postcode_area_forces.csv"] = csv_rows(out / "postcode_area_forces.csv")
    checks: dict[str, object] = {}
    old = out / "manifest.json"
    if old.exists():
        checks = json.loads(old.read_text(encoding="utf-8")).get("checks", {})
    if args.skip_postcodes:
        rows["postcodes.parquet"] = pq.ParquetFile(out / "postcodes.parquet").metadata.num_rows
        rows["postcode_districts.csv"] = csv_rows(out / "postcode_districts.csv")
    else:
        n, dist, wy = build_postcodes(shared, out)
        rows["postcodes.parquet"] = n
        rows["postcode_districts.csv"] = len(dist)
        checks = {"west_yorkshire_policeuk_points": wy}
    build_manifest(out, rows, checks)
    for name, n in sorted(rows.items()):
        p = out / name
        print(f"  {name:32s} {n:>9,} rows  {p.stat().st_size / 1e6:8.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
