"""Tests for the packaged reference data and its loader."""

from __future__ import annotations

import hashlib
import json

import pandas as pd
import pyarrow.parquet as pq
import pytest

from toex import reference as ref

POLE_IDS = frozenset(
    [
        "avon-and-somerset",
        "bedfordshire",
        "cambridgeshire",
        "cheshire",
        "city-of-london",
        "cleveland",
        "cumbria",
        "derbyshire",
        "devon-and-cornwall",
        "dorset",
        "durham",
        "dyfed-powys",
        "essex",
        "gloucestershire",
        "greater-manchester",
        "gwent",
        "hampshire",
        "hertfordshire",
        "humberside",
        "kent",
        "lancashire",
        "leicestershire",
        "lincolnshire",
        "merseyside",
        "metropolitan",
        "norfolk",
        "north-wales",
        "north-yorkshire",
        "northamptonshire",
        "northumbria",
        "nottinghamshire",
        "south-wales",
        "south-yorkshire",
        "staffordshire",
        "suffolk",
        "surrey",
        "sussex",
        "thames-valley",
        "warwickshire",
        "west-mercia",
        "west-midlands",
        "west-yorkshire",
        "wiltshire",
        "btp",
    ]
)
SCOTTISH_AREAS = {
    "AB",
    "DD",
    "DG",
    "EH",
    "FK",
    "G",
    "HS",
    "IV",
    "KA",
    "KW",
    "KY",
    "ML",
    "PA",
    "PH",
    "TD",
    "ZE",
}


# ----------------------------------------------------------------------------- forces


def test_forces_are_the_pole_exchange_ids() -> None:
    fs = ref.forces()
    assert len(fs) == 44
    assert ref.force_ids() == POLE_IDS
    assert {f.force_id for f in fs} == POLE_IDS


def test_force_details() -> None:
    s = ref.force("suffolk")
    assert s.name == "Suffolk Constabulary"
    assert s.short_name == "Suffolk"
    assert s.country == "england"
    assert 51.5 < s.latitude < 53.0 and 0.3 < s.longitude < 1.8
    assert ref.force("metropolitan").short_name == "Metropolitan Police"
    assert ref.force("btp").short_name == "British Transport Police"
    assert ref.force("btp").country == "gb" and ref.force("btp").region_id is None
    assert {f.force_id for f in ref.forces() if f.country == "wales"} == {
        "dyfed-powys",
        "gwent",
        "north-wales",
        "south-wales",
    }
    for f in ref.forces():
        assert 49.8 < f.latitude < 55.9 and -6.0 < f.longitude < 2.0, f


def test_unknown_force_raises_naming_id() -> None:
    with pytest.raises(KeyError, match="narnia"):
        ref.force("narnia")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("West Yorkshire Police", "west-yorkshire"),
        ("west yorkshire", "west-yorkshire"),
        ("Metropolitan Police Service", "metropolitan"),
        ("Metropolitan Police", "metropolitan"),
        ("City of London Police", "city-of-london"),
        ("London, City of", "city-of-london"),
        ("British Transport Police", "btp"),
        ("Devon & Cornwall Police", "devon-and-cornwall"),
        ("Devon and Cornwall", "devon-and-cornwall"),
        ("SUFFOLK CONSTABULARY", "suffolk"),
        ("Hampshire Constabulary", "hampshire"),
        ("Hampshire and Isle of Wight Constabulary", "hampshire"),
        ("Dyfed-Powys Police", "dyfed-powys"),
    ],
)
def test_force_by_policeuk_name(name: str, expected: str) -> None:
    f = ref.force_by_policeuk_name(name)
    assert f is not None and f.force_id == expected


def test_force_by_policeuk_name_unknown() -> None:
    assert ref.force_by_policeuk_name("Police Service of Northern Ireland") is None
    assert ref.force_by_policeuk_name("") is None
    assert ref.force_by_policeuk_name("Police") is None


# ----------------------------------------------------------------------------- regions


def test_regions() -> None:
    rs = ref.regions()
    ids = {r.region_id for r in rs}
    assert ids == {
        "nwrocu",
        "nersou",
        "yhrocu",
        "emsou",
        "rocuwm",
        "ersou",
        "serocu",
        "swrocu",
        "tarian",
        "london",
    }
    assert [r.region_id for r in rs if r.kind == "rocu"].__len__() == 9
    assert ref.region("london").kind == "london"
    for r in rs:
        assert r.force_ids, f"{r.region_id} has no forces"
        for fid in r.force_ids:
            assert ref.region_of(fid) == r.region_id
    # every territorial force is in exactly one region; BTP is national
    members = [fid for r in rs for fid in r.force_ids]
    assert len(members) == len(set(members)) == 43
    assert ref.region_of("btp") is None


@pytest.mark.parametrize(
    ("force_id", "region_id"),
    [
        ("kent", "ersou"),
        ("suffolk", "ersou"),
        ("north-wales", "nwrocu"),
        ("dorset", "swrocu"),
        ("south-wales", "tarian"),
        ("gwent", "tarian"),
        ("dyfed-powys", "tarian"),
        ("metropolitan", "london"),
        ("city-of-london", "london"),
        ("thames-valley", "serocu"),
        ("hampshire", "serocu"),
        ("cleveland", "nersou"),
        ("humberside", "yhrocu"),
        ("lincolnshire", "emsou"),
        ("west-mercia", "rocuwm"),
    ],
)
def test_region_of(force_id: str, region_id: str) -> None:
    assert ref.region_of(force_id) == region_id


def test_region_sizes_match_domain_notes() -> None:
    sizes = {r.region_id: len(r.force_ids) for r in ref.regions()}
    assert sizes == {
        "nwrocu": 6,
        "nersou": 3,
        "yhrocu": 4,
        "emsou": 5,
        "rocuwm": 4,
        "ersou": 7,
        "serocu": 4,
        "swrocu": 5,
        "tarian": 3,
        "london": 2,
    }


# ----------------------------------------------------------------------------- offences


def test_offence_codes() -> None:
    codes = {o.offence_code: o for o in ref.offence_codes()}
    assert len(codes) == 132
    assert codes["46"].policeuk_category == "shoplifting"
    assert "106" in codes and codes["106"].description == "Modern slavery"
    assert codes["92A"].policeuk_category == "drugs"
    assert codes["34B"].policeuk_category == "robbery"
    assert codes["39"].policeuk_category == "theft-from-the-person"
    assert codes["19C"].policeuk_category == "violent-crime"
    assert codes["58A"].policeuk_category == "criminal-damage-arson"
    assert ref.offence_code("046").offence_code == "46"
    assert ref.offence_code("046/00").offence_code == "46"
    slugs = set(ref.policeuk_categories().values())
    assert {o.policeuk_category for o in codes.values()} <= slugs
    with pytest.raises(KeyError, match="XYZ"):
        ref.offence_code("XYZ")


def test_policeuk_categories() -> None:
    cats = ref.policeuk_categories()
    assert len(cats) == 14
    assert cats["Violence and sexual offences"] == "violent-crime"
    assert cats["Anti-social behaviour"] == "anti-social-behaviour"
    assert cats["Criminal damage and arson"] == "criminal-damage-arson"
    assert cats["Theft from the person"] == "theft-from-the-person"
    assert cats["Other crime"] == "other-crime"


def test_policeuk_labels_match_real_street_data() -> None:
    """Every "Crime type" label seen in the shared data.police.uk sample is known."""
    seen = {
        "Anti-social behaviour",
        "Bicycle theft",
        "Burglary",
        "Criminal damage and arson",
        "Drugs",
        "Other crime",
        "Other theft",
        "Possession of weapons",
        "Public order",
        "Robbery",
        "Shoplifting",
        "Theft from the person",
        "Vehicle crime",
        "Violence and sexual offences",
    }
    assert seen == set(ref.policeuk_categories())


# ----------------------------------------------------------------------------- recorded crime


def test_recorded_crime() -> None:
    rc = ref.recorded_crime()
    assert list(rc.columns) == ["force_id", "offence_code", "offences"]
    assert set(rc.force_id) == POLE_IDS
    per_force = rc.groupby("force_id")["offences"].sum()
    assert (per_force > 0).all()
    total = int(rc.offences.sum())
    assert 4_500_000 < total < 5_500_000  # ~4.88M in 2017/18 excl. fraud bodies
    assert per_force.idxmax() == "metropolitan"
    assert not rc.offence_code.isin(["AF", "CIFAS", "UK Finance", "FFA UK"]).any()
    assert set(rc.offence_code) <= {o.offence_code for o in ref.offence_codes()}
    assert not rc.duplicated(["force_id", "offence_code"]).any()
    suffolk_shop = rc[(rc.force_id == "suffolk") & (rc.offence_code == "46")].offences.item()
    assert 2_000 < suffolk_shop < 10_000
    # the returned frame is a copy
    rc.loc[:, "offences"] = 0
    assert int(ref.recorded_crime().offences.sum()) == total


# ----------------------------------------------------------------------------- harm weights


def test_harm_weights_published_values() -> None:
    hw = ref.harm_weights()
    assert set(hw) == {o.offence_code for o in ref.offence_codes()}
    assert hw["46"].cchi_days == 1 and hw["46"].css_weight == 13
    assert hw["34A"].cchi_days == 365 and hw["34B"].cchi_days == 365
    assert hw["34A"].css_weight == 746 and hw["34B"].css_weight == 746
    assert hw["1/4.1/4.10/4.2"].cchi_days == 5475
    assert hw["1/4.1/4.10/4.2"].css_weight == pytest.approx(7978.79)
    assert "CCHI" in hw["46"].cchi_source and "ONS" in hw["46"].css_source


def test_harm_weights_unknown_values_are_empty_and_noted() -> None:
    hw = ref.harm_weights()
    ms = hw["106"]
    assert ms.cchi_days is None and ms.css_weight is None
    assert "not retrieved" in ms.note and "official sheet" in ms.note
    for w in hw.values():
        if w.cchi_days is None:
            assert w.cchi_source == "" and "cchi_days not retrieved" in w.note
        else:
            assert w.cchi_source
        if w.css_weight is None:
            assert w.css_source == "" and "css_weight not retrieved" in w.note
        assert 1 <= w.harm_band <= 5
        assert w.harm_band_basis in {"cchi", "css", "cchi-subgroup-median", "subgroup-default"}


def test_harm_bands() -> None:
    hw = ref.harm_weights()
    assert hw["46"].harm_band == 1 and hw["46"].harm_band_basis == "cchi"
    assert hw["34B"].harm_band == 4
    assert hw["1/4.1/4.10/4.2"].harm_band == 5
    assert hw["19C"].harm_band == 5 and hw["19C"].harm_band_basis == "cchi-subgroup-median"
    assert hw["106"].harm_band_basis == "subgroup-default"


def test_manifest_versions_and_hashes() -> None:
    m = ref.manifest()
    assert ref.version() == m["version"] == "2026.11.1"
    assert m["files"]["harm_weights.csv"]["version"]
    for name, entry in m["files"].items():
        data = (ref.DATA_DIR / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], name
    raw = json.loads((ref.DATA_DIR / "manifest.json").read_text(encoding="utf-8"))
    assert raw["files"]["postcodes.parquet"]["rows"] > 1_600_000


# ----------------------------------------------------------------------------- postcodes


def test_table_paths() -> None:
    paths = ref.table_paths()
    assert set(paths) == {
        "forces",
        "regions",
        "offence_codes",
        "policeuk_categories",
        "recorded_crime",
        "harm_weights",
        "postcode_districts",
        "postcodes",
    }
    for p in paths.values():
        assert p.is_file(), p
    assert paths["postcodes"] == ref.postcodes_path()
    cols = pd.read_csv(paths["forces"], nrows=0).columns
    for c in (
        "force_id",
        "name",
        "short_name",
        "policeuk_name",
        "region_id",
        "country",
        "latitude",
        "longitude",
    ):
        assert c in cols


def test_postcodes_parquet() -> None:
    pf = pq.ParquetFile(ref.postcodes_path())
    assert pf.metadata.num_rows > 1_600_000
    assert pf.schema_arrow.names == [
        "postcode",
        "area",
        "district",
        "latitude",
        "longitude",
        "force_id",
        "quality",
    ]
    assert ref.postcodes_path().stat().st_size < 25_000_000


@pytest.fixture(scope="module")
def postcodes() -> pd.DataFrame:
    t = pq.read_table(
        ref.postcodes_path(), columns=["postcode", "district", "latitude", "longitude", "force_id"]
    )
    return t.to_pandas().set_index("postcode")


@pytest.mark.parametrize(
    ("postcode", "lat", "lon", "force_id"),
    [
        ("IP1 1AA", 52.06, 1.15, "suffolk"),
        ("EC1A 1AA", 51.525, -0.111, "city-of-london"),  # Royal Mail, Mount Pleasant
        ("SW1A 1AA", 51.501, -0.142, "metropolitan"),  # Buckingham Palace
        ("LS1 1UR", 53.80, -1.55, "west-yorkshire"),
    ],
)
def test_known_postcodes(
    postcodes: pd.DataFrame, postcode: str, lat: float, lon: float, force_id: str
) -> None:
    row = postcodes.loc[postcode]
    assert abs(float(row.latitude) - lat) < 0.01
    assert abs(float(row.longitude) - lon) < 0.01
    assert row.force_id == force_id


def test_postcodes_normalised_and_sorted(postcodes: pd.DataFrame) -> None:
    idx = postcodes.index
    assert idx.is_monotonic_increasing and idx.is_unique
    assert idx.str.fullmatch(r"[A-Z]{1,2}[0-9][0-9A-Z]? [0-9][A-Z]{2}").all()
    assert postcodes.latitude.between(49.8, 61.0).all()
    assert postcodes.longitude.between(-8.7, 1.8).all()


# ----------------------------------------------------------------------------- districts


@pytest.fixture(scope="module")
def districts() -> pd.DataFrame:
    return ref.postcode_districts().set_index("district")


@pytest.mark.parametrize(
    ("district", "force_id"),
    [
        ("IP1", "suffolk"),
        ("IP24", "norfolk"),
        ("NR32", "suffolk"),
        ("BH1", "dorset"),
        ("BH24", "hampshire"),
        ("CF10", "south-wales"),
        ("CF83", "gwent"),
        ("NP20", "gwent"),
        ("SA1", "south-wales"),
        ("SA31", "dyfed-powys"),
        ("LD1", "dyfed-powys"),
        ("SY23", "dyfed-powys"),
        ("SY1", "west-mercia"),
        ("LS1", "west-yorkshire"),
        ("BD1", "west-yorkshire"),
        ("HX1", "west-yorkshire"),
        ("HD1", "west-yorkshire"),
        ("WF1", "west-yorkshire"),
        ("ME1", "kent"),
        ("LL11", "north-wales"),
        ("CH5", "north-wales"),
        ("CH1", "cheshire"),
        ("CH41", "merseyside"),
        ("EC1A", "city-of-london"),
        ("EC2V", "city-of-london"),
        ("EC4M", "city-of-london"),
        ("SW1A", "metropolitan"),
        ("E1", "metropolitan"),
        ("BR1", "metropolitan"),
        ("BR8", "kent"),
        ("DA1", "kent"),
        ("DA5", "metropolitan"),
        ("KT1", "metropolitan"),
        ("KT13", "surrey"),
        ("TW18", "surrey"),
        ("RM16", "essex"),
        ("IG10", "essex"),
        ("EN8", "hertfordshire"),
        ("CB1", "cambridgeshire"),
        ("CB9", "suffolk"),
        ("CB11", "essex"),
        ("PE1", "cambridgeshire"),
        ("PE21", "lincolnshire"),
        ("PE30", "norfolk"),
        ("SG18", "bedfordshire"),
        ("B1", "west-midlands"),
        ("CV1", "west-midlands"),
        ("CV32", "warwickshire"),
        ("TS1", "cleveland"),
        ("NE1", "northumbria"),
        ("DH1", "durham"),
        ("TD15", "northumbria"),
        ("M1", "greater-manchester"),
        ("OL14", "west-yorkshire"),
        ("S1", "south-yorkshire"),
        ("S40", "derbyshire"),
        ("YO1", "north-yorkshire"),
        ("HU1", "humberside"),
        ("PO1", "hampshire"),
        ("PO19", "sussex"),
        ("RG1", "thames-valley"),
        ("RG21", "hampshire"),
        ("SN1", "wiltshire"),
        ("SP7", "dorset"),
        ("GL1", "gloucestershire"),
        ("BS1", "avon-and-somerset"),
        ("PL1", "devon-and-cornwall"),
        ("LE1", "leicestershire"),
        ("NN1", "northamptonshire"),
        ("NG1", "nottinghamshire"),
        ("LN1", "lincolnshire"),
        ("DE1", "derbyshire"),
        ("ST1", "staffordshire"),
        ("WR1", "west-mercia"),
        ("CA1", "cumbria"),
        ("PR1", "lancashire"),
        ("L1", "merseyside"),
        ("LU1", "bedfordshire"),
        ("AL1", "hertfordshire"),
        ("CM1", "essex"),
        ("GU1", "surrey"),
        ("BN1", "sussex"),
        ("OX1", "thames-valley"),
    ],
)
def test_district_mapping(districts: pd.DataFrame, district: str, force_id: str) -> None:
    assert districts.loc[district, "force_id"] == force_id


def test_district_table(districts: pd.DataFrame) -> None:
    assert list(ref.postcode_districts().columns) == [
        "district",
        "area",
        "force_id",
        "postcodes",
        "latitude",
        "longitude",
    ]
    assert len(districts) > 2800
    assert int(districts.postcodes.sum()) > 1_600_000
    territorial = POLE_IDS - {"btp"}
    assert set(districts.force_id.dropna()) == territorial
    for fid in territorial:
        assert (districts.force_id == fid).sum() >= 1, fid
    scottish = districts[districts.area.isin(SCOTTISH_AREAS) & (districts.index != "TD15")]
    assert len(scottish) > 300
    assert scottish.force_id.isna().all()
    # centroid sanity: LS1 near Leeds centre, IP1 near Ipswich
    assert abs(districts.loc["LS1", "latitude"] - 53.797) < 0.02
    assert abs(districts.loc["IP1", "longitude"] - 1.14) < 0.03


def test_district_centroids_near_their_force(districts: pd.DataFrame) -> None:
    """Each force's district-centroid mean lies within ~1.6 deg of its HQ town."""
    mapped = districts.dropna(subset=["force_id"])
    centre = mapped.groupby("force_id")[["latitude", "longitude"]].mean()
    for fid, row in centre.iterrows():
        f = ref.force(str(fid))
        assert abs(row.latitude - f.latitude) < 1.6 and abs(row.longitude - f.longitude) < 1.6, fid


def test_west_yorkshire_policeuk_check_recorded() -> None:
    wy = ref.manifest()["checks"]["west_yorkshire_policeuk_points"]
    assert wy["points"] > 80_000
    assert wy["pct_nearest_postcode_west_yorkshire"] > 99.0


def test_postcodes_parquet_queryable_with_duckdb() -> None:
    duckdb = pytest.importorskip("duckdb")
    con = duckdb.connect()
    n, scot = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE force_id IS NULL) FROM read_parquet(?)",
        [str(ref.postcodes_path())],
    ).fetchone()
    assert n > 1_600_000
    assert 100_000 < scot < 200_000  # Scottish postcodes carry no force
    described = con.execute(
        "DESCRIBE SELECT * FROM read_parquet(?)", [str(ref.postcodes_path())]
    ).fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["latitude"] == "FLOAT" and types["quality"] == "TINYINT"
