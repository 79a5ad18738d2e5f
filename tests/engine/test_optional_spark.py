"""The Spark engine is an optional extra that says how to install it, and chosen by settings."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

from toex.config import load_settings
from toex.engine import DuckDBEngine, EngineUnavailableError, get_engine
from toex.errors import ToexError


def test_without_pyspark_the_error_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)  # as if pyspark were not installed
    monkeypatch.delitem(sys.modules, "toex.engine.spark", raising=False)
    with pytest.raises(EngineUnavailableError, match=r"pip install 'toex\[spark\]'.*Java 17") as caught:
        importlib.import_module("toex.engine.spark")
    assert isinstance(caught.value, ToexError)


def test_settings_choose_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TOEX_SPARK_MASTER", "spark://hub-cluster:7077")
    monkeypatch.setenv("TOEX_SPARK_WAREHOUSE", str(tmp_path / "wh"))
    settings = load_settings(store=tmp_path / "s.duckdb")
    assert settings.engine == "duckdb" and settings.spark_master == "spark://hub-cluster:7077"
    assert settings.spark_warehouse == tmp_path / "wh"
    engine = get_engine(settings)
    try:
        assert isinstance(engine, DuckDBEngine) and engine.scalar("SELECT 1") == 1
    finally:
        engine.close()
