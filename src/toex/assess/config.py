"""The versioned scoring configuration (``weights.yaml``), loaded into typed objects.

Every number that shapes a score lives in the YAML file, with its reasoning;
every score records the ``version`` it was computed with.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from toex.errors import ConfigError

WEIGHTS_FILE = Path(__file__).resolve().parent / "weights.yaml"

#: The scoring dimensions, in display order.
DIMENSIONS: tuple[str, ...] = (
    "harm", "vulnerability", "spread", "trajectory", "confidence", "capacity", "capability",
)
#: Dimensions only an analyst can assess (MoRiLE organisational position).
ORGANISATIONAL = frozenset({"capacity", "capability"})


@dataclass(frozen=True)
class Weights:
    """The parsed weights file."""

    version: str
    dimensions: dict[str, float]
    harm: dict[str, Any]
    vulnerability: dict[str, Any]
    spread: dict[str, Any]
    trajectory: dict[str, Any]
    confidence: dict[str, Any]
    safeguarding: dict[str, Any]
    organisational_default: float
    score_thresholds: tuple[float, ...]
    change_alert_scores: dict[str, float]
    network_match_overlap: float
    path: str


def load_weights(path: Path | str | None = None) -> Weights:
    """Read and check a weights file (default: the packaged ``weights.yaml``)."""
    file = Path(path) if path is not None else WEIGHTS_FILE
    if path is None:
        return _packaged()
    return _parse(file)


@cache
def _packaged() -> Weights:
    return _parse(WEIGHTS_FILE)


def _parse(file: Path) -> Weights:
    try:
        raw = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{file}: cannot read the scoring weights ({exc})") from exc
    if not isinstance(raw, dict) or not raw.get("version"):
        raise ConfigError(f"{file}: a weights file needs a 'version:' so every score can record it")
    dims = {str(k): float(v) for k, v in (raw.get("dimensions") or {}).items()}
    missing = [d for d in DIMENSIONS if d not in dims]
    if missing:
        raise ConfigError(f"{file}: 'dimensions' lacks a weight for {', '.join(missing)}")
    if any(v < 0 for v in dims.values()) or sum(dims.values()) <= 0:
        raise ConfigError(f"{file}: dimension weights must be non-negative and not all zero")
    return Weights(
        version=str(raw["version"]),
        dimensions=dims,
        harm=dict(raw.get("harm") or {}),
        vulnerability=dict(raw.get("vulnerability") or {}),
        spread=dict(raw.get("spread") or {}),
        trajectory=dict(raw.get("trajectory") or {}),
        confidence=dict(raw.get("confidence") or {}),
        safeguarding=dict(raw.get("safeguarding") or {}),
        organisational_default=float((raw.get("organisational_position") or {}).get("default", 0.5)),
        score_thresholds=tuple(float(t) for t in raw.get("score_thresholds") or ()),
        change_alert_scores={str(k): float(v) for k, v in (raw.get("change_alert_scores") or {}).items()},
        network_match_overlap=float(raw.get("network_match_overlap", 0.3)),
        path=str(file),
    )
