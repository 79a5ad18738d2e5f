"""Score an export (threat-picture-export.md) against a synthetic dataset's truth.

    report = evaluate(Path("export"), Path("synth/truth"))

Metrics whose export file is missing are reported as ``None`` (not available).
"""

from __future__ import annotations

from toex.evaluate.metrics import EvaluationReport, NetworkScore, ResolutionScore, evaluate

__all__ = ["EvaluationReport", "NetworkScore", "ResolutionScore", "evaluate"]
