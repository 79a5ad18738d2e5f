"""A network's geography is where its exploitation activity happens, as detect found it (docs/tasking.md,
"Where a network operates"): members' other records never widen it in assess."""

from __future__ import annotations

from tests.assess.picture import add_events

from toex.assess import run_assess
from toex.assess.facts import gather
from toex.store import Store


def test_an_organisers_burglary_in_a_far_force_does_not_widen_the_network(picture: Store) -> None:
    # N-0003: modern slavery in Norfolk only. Its organiser is also suspect in a burglary in Cumbria, alone.
    add_events(picture, [("E90", "offence", "2025-05-05", "cumbria", "28E", None, [("P-000022", "suspect")])])
    run_assess(picture, actor="Jane Analyst")
    assert picture.scalar("SELECT count(*) FROM network_evidence WHERE network_id = 'N-0003' AND force = 'cumbria'") == 1
    facts = gather(picture)
    assert facts["N-0003"].forces == ("norfolk",)
    assert facts["N-0003"].regions == ("ersou",)
    spread = picture.scalar("SELECT spread FROM network_scores WHERE network_id = 'N-0003'")
    assert spread == 0.0  # one force, one region: no spread


def test_the_forces_detect_recorded_are_the_networks_forces(picture: Store) -> None:
    # detect puts the places the network uses into networks.forces (e.g. a hotel in a neighbouring force)
    picture.execute("UPDATE networks SET forces = ['norfolk', 'suffolk'] WHERE network_id = 'N-0003'")
    facts = gather(picture)
    assert facts["N-0003"].forces == ("norfolk", "suffolk")
    assert facts["N-0003"].regions == ("ersou",)
    # forces the reference data does not know are not counted
    picture.execute("UPDATE networks SET forces = ['norfolk', 'atlantis'] WHERE network_id = 'N-0003'")
    assert gather(picture)["N-0003"].forces == ("norfolk",)
