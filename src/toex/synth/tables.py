"""The generator's intermediate form: per source, the *true* entities that appear in it
(canonical attributes, keyed by true entity id) plus its events and links.

Background and planted scenarios both append frames here; the writer renders the
entities with noise, gives every record a ref and writes the source folder. Nothing
here is written as is.

Entity ids are integers, unique per kind across the whole dataset; the truth writes
them as ``TP-`` (person), ``TL-`` (location), ``TO-`` (object), ``TC-`` (organisation).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

PERSON_COLUMNS = ("eid", "first", "middle", "surname", "dob", "sex", "origin", "pnc")
LOCATION_COLUMNS = ("eid", "flat", "building", "number", "street", "suffix", "town", "postcode", "latitude", "longitude", "kind", "uprn")
OBJECT_COLUMNS = ("eid", "kind", "value", "description")
ORG_COLUMNS = ("eid", "name", "company_number", "kind", "incorporated", "dissolved", "sic_code")
EVENT_COLUMNS = (
    "key", "kind", "occurred_from", "occurred_to", "force", "loc", "offence_code", "category",
    "description", "grading", "outcome",
)
LINK_COLUMNS = ("from_kind", "from_id", "to_kind", "to_id", "role", "since", "until")

KIND_FRAMES = {"person": "persons", "location": "locations", "object": "objects", "organisation": "organisations"}
TRUTH_PREFIX = {"person": "TP", "location": "TL", "object": "TO", "organisation": "TC"}

#: Id blocks: background entities of force number i use ids from (i + 1) * BLOCK;
#: planted scenario entities use ids below BLOCK.
BLOCK = 10_000_000


def truth_id(kind: str, eid: int) -> str:
    return f"{TRUTH_PREFIX[kind]}-{eid:09d}"


@dataclass
class SourceSpec:
    """source.yaml of one source."""

    id: str
    name: str
    owner: str
    kind: str
    force: str | None = None


@dataclass
class SourceData:
    """Everything one source will hold, before rendering."""

    spec: SourceSpec
    persons: list[pd.DataFrame] = field(default_factory=list)
    locations: list[pd.DataFrame] = field(default_factory=list)
    objects: list[pd.DataFrame] = field(default_factory=list)
    organisations: list[pd.DataFrame] = field(default_factory=list)
    events: list[pd.DataFrame] = field(default_factory=list)
    links: list[pd.DataFrame] = field(default_factory=list)

    def add(self, other: SourceData) -> None:
        for name in ("persons", "locations", "objects", "organisations", "events", "links"):
            getattr(self, name).extend(getattr(other, name))

    def frame(self, name: str, columns: tuple[str, ...]) -> pd.DataFrame:
        parts = [p for p in getattr(self, name) if len(p)]
        if not parts:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
        return pd.concat([p.loc[:, list(columns)] for p in parts], ignore_index=True)
