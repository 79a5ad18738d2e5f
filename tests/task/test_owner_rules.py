"""Owner by geography and scale (docs/tasking.md)."""

from __future__ import annotations

import pytest
from tests.assess.picture import add_events

from toex.assess import run_assess
from toex.share.export import network_records
from toex.store import Store
from toex.task import generate_tasks, owner_for


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


def test_a_members_unrelated_record_in_a_far_force_does_not_change_the_owner(picture: Store) -> None:
    # N-0003 (modern slavery in Norfolk) is local; its organiser's lone burglary in Cumbria is not its activity
    add_events(picture, [("E90", "offence", "2025-05-05", "cumbria", "28E", None, [("P-000022", "suspect")])])
    run_assess(picture, actor="Jane Analyst")
    generate_tasks(picture, actor="Jane Analyst")
    level, unit, reason = picture.execute(
        "SELECT owner_level, owner_unit, reason FROM network_owners WHERE network_id = 'N-0003'").fetchone()  # type: ignore[misc]
    assert (level, unit) == ("local", "norfolk") and "norfolk" in reason
    assert {r[0] for r in picture.fetchall("SELECT DISTINCT owner_unit FROM tasks WHERE network_id = 'N-0003'")} == {"norfolk"}
    exported = {n["id"]: n for n in network_records(picture)}
    assert exported["N-0003"]["forces"] == ["norfolk"]
    assert exported["N-0003"]["owner"] == {"level": "local", "unit": "norfolk"}


def test_places_detect_recorded_decide_the_owner(picture: Store) -> None:
    # a hotel in Suffolk where N-0003's workers were found puts Suffolk among its forces (detect): regional
    picture.execute("UPDATE networks SET forces = ['norfolk', 'suffolk'] WHERE network_id = 'N-0003'")
    run_assess(picture, actor="Jane Analyst")
    generate_tasks(picture, actor="Jane Analyst")
    assert picture.execute("SELECT owner_level, owner_unit FROM network_owners WHERE network_id = 'N-0003'").fetchone() == (
        "regional", "ersou")
