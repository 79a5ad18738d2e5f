"""Settings of the API server (``toex serve`` options and ``TOEX_API_*`` variables)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

STATIC_DIR = Path(__file__).resolve().parent / "static"


class ApiSettings(BaseModel):
    """Knobs of the API; the defaults are the documented policy (docs/security.md)."""

    model_config = ConfigDict(frozen=True)

    store: Path | None = Field(None, description="Store file; None for an in-memory store (tests).")
    session_hours: float = Field(8.0, gt=0, description="Bearer tokens expire this long after sign-in.")
    login_max_failures: int = Field(5, ge=1, description="Failed sign-ins per username and client before 429.")
    login_window_minutes: float = Field(15.0, gt=0, description="Window over which failures are counted.")
    max_body_bytes: int = Field(1_048_576, ge=1024, description="Largest request body accepted (413 above).")
    https: bool = Field(False, description="Served over HTTPS (adds Strict-Transport-Security).")
    index_check_seconds: float = Field(30.0, ge=0, description="How often to check whether the search/access index is stale.")
    static_dir: Path = Field(STATIC_DIR, description="Built web bundle served at /.")
    threads: int | None = Field(None, description="DuckDB threads (default: all cores).")
    ingest_dir: Path | None = Field(None, description="Folder from which administrators may load sources through "
                                    "POST /admin/ingest while the API serves; None: off.")
