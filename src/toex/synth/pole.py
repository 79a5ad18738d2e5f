"""The columns of the POLE exchange files (shared/spec/pole-exchange.md), as the writer emits them."""

from __future__ import annotations

FILES: tuple[str, ...] = ("persons", "locations", "objects", "organisations", "events", "links")

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
