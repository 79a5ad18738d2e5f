"""Detector tests run on the hand-built scenes of tests/graph/scenes.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from tests.graph.scenes import all_scenes
from tests.graph.world import World, new_store

from toex.detect.run import AnalysisSummary, analyse
from toex.store import Store


@pytest.fixture(scope="module")
def analysed() -> Iterator[tuple[Store, AnalysisSummary]]:
    store = new_store()
    all_scenes(World(store))
    summary = analyse(store)
    yield store, summary
    store.close()
