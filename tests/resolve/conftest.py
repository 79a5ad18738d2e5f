"""Resolve fixtures: a store trained once on a small synthetic dataset, copied per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from toex.ingest import ingest, plan
from toex.resolve import ResolveConfig, resolve
from toex.store import Store, open_store
from toex.synth import generate, preset

#: Resolve needs the schema up to its own migrations (0003; 0007-0010: street addresses, event places, identity
#: documents and postcodes abroad, entity tables without key constraints); tests stop there so they do not depend
#: on later stages' migrations.
SCHEMA = 10


def open_test_store(path: Path) -> Store:
    """A store migrated up to resolve's tables."""
    return open_store(path, migrate_to=SCHEMA)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    handle = open_test_store(tmp_path / "store.duckdb")
    yield handle
    handle.close()


#: A few forces at 'tiny' volume: about 4,000 person records, enough to train the model.
FORCES = ("metropolitan", "suffolk", "dorset")


@pytest.fixture(scope="session")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(store file resolved once with a trained model, truth folder)."""
    root = tmp_path_factory.mktemp("resolve-synth")
    generate(root / "synth", config=preset("tiny", forces=FORCES, volume={"events": 8000}), seed=1)
    path = root / "trained.duckdb"
    with open_test_store(path) as handle:
        ingest(handle, plan([root / "synth" / "dataset"]))
        resolve(handle, ResolveConfig())
    return path, root / "synth" / "truth"


@pytest.fixture
def trained(synthetic: tuple[Path, Path], tmp_path: Path) -> Iterator[Store]:
    """A copy of the trained store for one test."""
    path = tmp_path / "store.duckdb"
    shutil.copy(synthetic[0], path)
    handle = open_test_store(path)
    yield handle
    handle.close()


def person(ref: str, forenames: str, surname: str, dob: str = "", sex: str = "", pnc: str = "",
           nationality: str = "", aliases: str = "") -> dict[str, str]:
    """A persons.csv row."""
    return {"ref": ref, "forenames": forenames, "surname": surname, "dob": dob, "sex": sex,
            "nationality": nationality, "pnc_id": pnc, "aliases": aliases}
