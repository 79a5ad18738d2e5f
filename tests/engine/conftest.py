"""Engines for the engine tests: one test body, run on DuckDB and on Spark.

The Spark session is started once per test process, and only when a Spark
test asks for it (a JVM costs ~20 s to start on two cores). Spark tests carry
the ``spark`` mark; they run in the default ``make test`` (``-m "not slow"``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from toex.engine import DuckDBEngine, Engine
from toex.store import open_store

ENGINES = [
    pytest.param("duckdb", id="duckdb"),
    pytest.param("spark", id="spark", marks=[pytest.mark.spark, pytest.mark.xdist_group("spark")]),
]

#: Makes a fresh engine on a folder: ``make_engine(name, folder)``.
EngineFactory = Callable[[str, Path], Engine]


@pytest.fixture(scope="session")
def spark_session() -> Any:
    """The process's Spark session (local, two threads), started on first use, with the CLI's driver heap
    (Spark's own 1 GB cannot broadcast the joins of the small dataset's person pairs)."""
    pytest.importorskip("pyspark", reason="the Spark engine needs pip install 'toex[spark]'")
    from toex.config import Settings
    from toex.engine.spark import spark_session as start

    heap = str(Settings.model_fields["spark_driver_memory"].default)
    return start("local[2]", shuffle_partitions=2, driver_memory=heap)


@pytest.fixture(scope="session")
def make_engine(request: pytest.FixtureRequest) -> EngineFactory:
    """Open an engine by name on a folder (the same folder again reopens the same store)."""

    def make(name: str, folder: Path) -> Engine:
        if name == "duckdb":
            return DuckDBEngine(open_store(folder / "store.duckdb"), owns_store=True)
        from toex.engine.spark import SparkEngine

        return SparkEngine(folder / "warehouse", session=request.getfixturevalue("spark_session"))

    return make


@pytest.fixture(scope="module", params=ENGINES)
def engine(request: pytest.FixtureRequest, make_engine: EngineFactory,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One engine per module and engine name (opening a Spark warehouse takes seconds)."""
    folder = tmp_path_factory.mktemp(f"engine-{request.param}")
    handle = make_engine(request.param, folder)
    yield handle
    handle.close()
