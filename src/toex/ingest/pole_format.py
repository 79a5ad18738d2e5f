"""The POLE exchange format's vocabulary (shared/spec/pole-exchange.md), as data.

This is the input contract: the files, their columns, the allowed values and
which roles join which kinds of record.
"""

from __future__ import annotations

ENTITY_FILES: tuple[str, ...] = ("persons", "locations", "objects", "organisations", "events")
FILES: tuple[str, ...] = (*ENTITY_FILES, "links")

#: Singular record kind of each entity file.
KIND_OF_FILE: dict[str, str] = {
    "persons": "person",
    "locations": "location",
    "objects": "object",
    "organisations": "organisation",
    "events": "event",
}

COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": ("ref", "forenames", "surname", "dob", "sex", "nationality", "pnc_id", "aliases"),
    "locations": ("ref", "address", "town", "postcode", "uprn", "latitude", "longitude", "kind"),
    "objects": ("ref", "kind", "value", "description"),
    "organisations": ("ref", "name", "company_number", "kind", "incorporated", "dissolved", "sic_code"),
    "events": (
        "ref", "kind", "occurred_from", "occurred_to", "force", "location_ref", "offence_code",
        "category", "description", "grading", "outcome",
    ),
    "links": ("from_ref", "to_ref", "role", "since", "until"),
}

REQUIRED: dict[str, tuple[str, ...]] = {
    "persons": ("ref",),
    "locations": ("ref",),
    "objects": ("ref",),
    "organisations": ("ref",),
    "events": ("ref",),
    "links": ("from_ref", "to_ref", "role"),
}

SOURCE_KINDS = ("crime", "custody", "missing", "intelligence", "stop-search", "nrm", "safeguarding", "companies", "other")
CLASSIFICATIONS = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET")
AGENCY_OWNERS = ("nca", "home-office", "companies-register")

SEX = ("M", "F", "X")
LOCATION_KINDS = ("residential", "hmo", "commercial", "hotel", "public", "unknown")
OBJECT_KINDS = ("phone", "vehicle", "bank-account", "email", "document", "other")
ORGANISATION_KINDS = ("company", "charity", "partnership", "other")
EVENT_KINDS = (
    "offence", "missing-episode", "intelligence", "stop-search", "custody", "nrm-referral",
    "safeguarding-referral", "other",
)

#: role -> (kind of from_ref, kind of to_ref)
ROLES: dict[str, tuple[str, str]] = {
    **{r: ("person", "event") for r in ("suspect", "offender", "victim", "witness", "missing-person", "subject", "reporter")},
    **{r: ("person", "location") for r in ("resides-at", "stays-at", "frequents", "found-at")},
    **{r: ("person", "object") for r in ("uses", "keeper", "holds")},
    **{r: ("person", "person") for r in ("family-of", "parent-of", "partner-of", "associate-of")},
    **{r: ("person", "organisation") for r in ("director-of", "controls", "employed-by")},
    **{r: ("organisation", "location") for r in ("registered-at", "trades-at")},
    "involves": ("event", "object"),
    "at": ("event", "location"),
}

#: 3x5x2 grading: source 1-3, intelligence A-E, handling P or C, e.g. '1B P'.
GRADING_PATTERN = "[1-3][A-E] ?[PC]"
