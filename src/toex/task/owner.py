"""Who owns a network: by geography and scale (rules documented in docs/tasking.md).

1. One force -> ``local``, unit = that force id (BTP alone -> local ``btp``).
2. Several forces within one ROCU region -> ``regional``, unit = the region id
   (the region's ROCU). London (Met + City of London) has no ROCU: the unit
   is the ``london`` region (MPS-led with the City of London Police via the
   London ROCTA).
3. Several regions, or London plus any other region -> ``national``, unit ``nca``.

BTP is a national force without a region: alongside territorial forces it
does not change the scale (the territorial forces decide). No forces at all
-> ``national``/``nca`` for triage. Regions come from the reference data
(``reference.region_of``), never from code.
"""

from __future__ import annotations

from dataclasses import dataclass

from toex import reference

LEVELS = ("local", "regional", "national")
NATIONAL_UNIT = "nca"


@dataclass(frozen=True)
class Owner:
    """The owner of a network: level, unit and the rule that decided it."""

    level: str
    unit: str
    reason: str


def _region(force_id: str) -> str | None:
    try:
        return reference.region_of(force_id)
    except KeyError:
        return None


def owner_for(forces: list[str] | tuple[str, ...] | set[str]) -> Owner:
    """Apply the owner rules to the forces a network reaches."""
    known = sorted({f for f in forces if f})
    if not known:
        return Owner("national", NATIONAL_UNIT, "no force recorded: national team to triage")
    territorial = [f for f in known if _region(f) is not None]
    if not territorial:
        if len(known) == 1:
            return Owner("local", known[0], f"one force only ({known[0]})")
        return Owner("national", NATIONAL_UNIT, f"forces without a region ({', '.join(known)})")
    if len(territorial) == 1:
        extra = " (BTP supports)" if len(known) > 1 else ""
        return Owner("local", territorial[0], f"one force only ({territorial[0]}){extra}")
    regions = sorted({r for f in territorial if (r := _region(f)) is not None})
    if len(regions) == 1:
        region = reference.region(regions[0])
        if region.kind == "london":
            why = f"several London forces ({', '.join(territorial)}): London has no ROCU; MPS-led via the London ROCTA"
        else:
            why = f"{len(territorial)} forces in one ROCU region ({region.unit_name})"
        return Owner("regional", region.region_id, why)
    london = " including London" if "london" in regions else ""
    return Owner("national", NATIONAL_UNIT, f"{len(regions)} regions{london} ({', '.join(regions)}): NCA/national team")
