"""Owner by geography and scale (docs/tasking.md)."""

from __future__ import annotations

import pytest

from toex.task import owner_for


@pytest.mark.parametrize(
    ("forces", "level", "unit"),
    [
        (["suffolk"], "local", "suffolk"),
        (["kent"], "local", "kent"),
        (["btp"], "local", "btp"),
        (["suffolk", "btp"], "local", "suffolk"),
        (["kent", "essex"], "regional", "ersou"),  # Kent is in the Eastern region, not SEROCU
        (["kent", "suffolk", "norfolk"], "regional", "ersou"),
        (["north-wales", "merseyside"], "regional", "nwrocu"),  # North Wales belongs to the North West ROCU
        (["metropolitan", "city-of-london"], "regional", "london"),
        (["metropolitan", "kent"], "national", "nca"),  # London plus a region
        (["suffolk", "dorset", "south-wales", "metropolitan"], "national", "nca"),
        (["kent", "sussex"], "national", "nca"),  # ERSOU + SEROCU
        ([], "national", "nca"),
    ],
)
def test_owner_rules(forces: list[str], level: str, unit: str) -> None:
    owner = owner_for(forces)
    assert (owner.level, owner.unit) == (level, unit)
    assert owner.reason
