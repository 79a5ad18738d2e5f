"""Settings, read once from the environment (prefix ``TOEX_``) and passed in.

Nothing reads the environment at import time: call :func:`load_settings`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Where the store lives when neither ``--store`` nor ``TOEX_STORE`` says otherwise:
#: a visible file in the working directory, so a newcomer can see what was made.
DEFAULT_STORE = Path("toex.duckdb")
#: Where the Spark engine keeps its tables: a visible folder beside the DuckDB store.
DEFAULT_SPARK_WAREHOUSE = Path("toex-warehouse")


class Settings(BaseSettings):
    """Process-wide settings; every field can be set as ``TOEX_<NAME>``."""

    model_config = SettingsConfigDict(env_prefix="TOEX_", frozen=True, extra="ignore")

    store: Path = Field(default=DEFAULT_STORE, description="Path of the DuckDB store file.")
    engine: Literal["duckdb", "spark"] = Field(default="duckdb", description="Execution engine.")
    spark_master: str = Field(default="local[*]", description="Spark master URL for --engine spark.")
    spark_driver_memory: str = Field(
        default="4g", description="Heap of the Spark driver (on local[*], the whole engine), e.g. '4g', '16g'.")
    spark_warehouse: Path = Field(
        default=DEFAULT_SPARK_WAREHOUSE,
        description="Folder of the Spark store (Parquet tables and their manifest), created on first use.")
    threads: int | None = Field(default=None, description="DuckDB threads (default: all cores).")
    memory_limit: str | None = Field(default=None, description="DuckDB memory limit, e.g. '8GB'.")
    actor: str = Field(default="cli", description="Who is acting, recorded in the audit trail.")


def load_settings(**overrides: object) -> Settings:
    """Read settings from the environment, then apply explicit overrides (e.g. CLI options)."""
    clean = {k: v for k, v in overrides.items() if v is not None}
    return Settings(**clean)  # type: ignore[arg-type]
