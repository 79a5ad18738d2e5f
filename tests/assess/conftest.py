from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.assess.picture import build_picture

from toex.store import Store, open_store


@pytest.fixture
def picture(tmp_path: Path) -> Iterator[Store]:
    """A store holding the small three-network picture (inputs only, not assessed)."""
    handle = open_store(tmp_path / "store.duckdb")
    build_picture(handle)
    yield handle
    handle.close()
