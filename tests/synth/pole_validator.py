"""A small validator of the POLE exchange format (shared/spec/pole-exchange.md)."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import yaml

from toex import reference

REQUIRED = {
    "persons": {"ref", "forenames", "surname", "dob", "sex"},
    "locations": {"ref", "address", "postcode", "kind"},
    "objects": {"ref", "kind", "value"},
    "organisations": {"ref", "name", "kind"},
    "events": {"ref", "kind", "occurred_from", "force"},
    "links": {"from_ref", "to_ref", "role"},
}
KIND = {"persons": "person", "locations": "location", "objects": "object", "organisations": "organisation", "events": "event"}
ROLES = {
    **{r: ("person", "event") for r in ("suspect", "offender", "victim", "witness", "missing-person", "subject", "reporter")},
    **{r: ("person", "location") for r in ("resides-at", "stays-at", "frequents", "found-at")},
    **{r: ("person", "object") for r in ("uses", "keeper", "holds")},
    **{r: ("person", "person") for r in ("family-of", "parent-of", "partner-of", "associate-of")},
    **{r: ("person", "organisation") for r in ("director-of", "controls", "employed-by")},
    **{r: ("organisation", "location") for r in ("registered-at", "trades-at")},
    "involves": ("event", "object"),
    "at": ("event", "location"),
}
OBJECT_KINDS = {"phone", "vehicle", "bank-account", "email", "document", "other"}
#: person -> object roles and the object kinds each may point to
OBJECT_ROLES = {"uses": {"phone", "email"}, "keeper": {"vehicle"}, "holds": {"bank-account", "document"}}
DOB = re.compile(r"^(\d{4}|\d{4}-\d{2}|\d{4}-\d{2}-\d{2})?$")
GRADING = re.compile(r"^([1-3][A-E] [PC])?$")


def validate_source(folder: Path) -> list[str]:
    errors: list[str] = []
    spec = yaml.safe_load((folder / "source.yaml").read_text(encoding="utf-8"))
    for key in ("id", "name", "owner", "kind", "extracted", "classification"):
        if key not in spec:
            errors.append(f"{folder.name}: source.yaml lacks {key}")
    if spec.get("id") != folder.name:
        errors.append(f"{folder.name}: id {spec.get('id')} differs from folder")
    forces = {f.force_id for f in reference.forces()}
    if spec["owner"] not in forces | {"home-office", "companies-register", "nca"}:
        errors.append(f"{folder.name}: unknown owner {spec['owner']}")
    kinds: dict[str, str] = {}
    object_kinds: dict[str, str] = {}
    frames: dict[str, pd.DataFrame] = {}
    for file, req in REQUIRED.items():
        path = folder / f"{file}.csv"
        if not path.exists():
            continue
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames[file] = df
        missing = req - set(df.columns)
        if missing:
            errors.append(f"{folder.name}/{file}: missing columns {sorted(missing)}")
            continue
        if file == "links":
            continue
        for ref in df["ref"]:
            if not ref:
                errors.append(f"{folder.name}/{file}: empty ref")
            elif ref in kinds:
                errors.append(f"{folder.name}/{file}: duplicate ref {ref}")
            kinds[ref] = KIND[file]
    if "objects" in frames:
        objects = frames["objects"]
        unknown = objects[~objects["kind"].isin(OBJECT_KINDS)]
        if len(unknown):
            errors.append(f"{folder.name}: unknown object kind {unknown['kind'].iloc[0]}")
        if (objects["value"] == "").any():
            errors.append(f"{folder.name}: object without a value")
        object_kinds = dict(zip(objects["ref"], objects["kind"], strict=True))
    if "persons" in frames:
        bad = frames["persons"][~frames["persons"]["dob"].str.match(DOB)]
        if len(bad):
            errors.append(f"{folder.name}: bad dob {bad['dob'].iloc[0]}")
        if not frames["persons"]["sex"].isin(["M", "F", "X", ""]).all():
            errors.append(f"{folder.name}: bad sex")
    if "events" in frames:
        ev = frames["events"]
        if not ev["force"].isin(forces).all():
            errors.append(f"{folder.name}: unknown force in events")
        if not ev["grading"].str.match(GRADING).all():
            errors.append(f"{folder.name}: bad grading")
        loc = ev["location_ref"][ev["location_ref"] != ""]
        if not loc.map(kinds).eq("location").all():
            errors.append(f"{folder.name}: event location_ref not a location")
        pd.to_datetime(ev["occurred_from"], format="ISO8601")
    if "links" in frames:
        for row in frames["links"].itertuples():
            want = ROLES.get(row.role)
            if want is None:
                errors.append(f"{folder.name}: unknown role {row.role}")
            elif (kinds.get(row.from_ref), kinds.get(row.to_ref)) != want:
                errors.append(f"{folder.name}: link {row.from_ref}-{row.role}->{row.to_ref} joins "
                              f"{kinds.get(row.from_ref)} to {kinds.get(row.to_ref)}")
            elif row.role in OBJECT_ROLES and object_kinds.get(str(row.to_ref)) not in OBJECT_ROLES[str(row.role)]:
                errors.append(f"{folder.name}: link {row.from_ref}-{row.role}->{row.to_ref} to a "
                              f"{object_kinds.get(str(row.to_ref))}")
            if len(errors) > 20:
                break
    return errors
