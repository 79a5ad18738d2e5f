"""Fixtures: the tiny world (tests/api/world.py) behind a test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.api.world import World, make_world


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    w = make_world()
    yield w
    w.db.close()


@pytest.fixture
def fresh_world() -> Iterator[World]:
    w = make_world()
    yield w
    w.db.close()
