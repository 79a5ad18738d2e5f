"""`toex demo` end to end on the tiny synthetic preset: every product lands where the summary says."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from toex.cli.main import app


def test_demo_runs_the_whole_pipeline(tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--scale", "tiny", "--seed", "5", "--dir", str(folder), "--no-serve"])
    assert result.exit_code == 0, result.output
    for path in ("toex.duckdb", "export/entities.csv", "export/networks.json", "export/safeguarding.csv",
                 "export/alerts.json", "evaluation.json"):
        assert (folder / path).is_file(), path
    assert any((folder / "packages").glob("*.html"))
    assert any((folder / "packages").glob("*.pdf"))
    metrics = json.loads((folder / "evaluation.json").read_text())
    assert metrics["resolution"]["person"]["pairwise_f1"] > 0.8
    assert "Demo users" in result.output and "analyst.suffolk" in result.output
    # a second run reuses the dataset and the loaded sources
    again = CliRunner().invoke(app, ["demo", "--scale", "tiny", "--seed", "5", "--dir", str(folder), "--no-serve"])
    assert again.exit_code == 0, again.output
    assert "reused the tiny synthetic dataset" in again.output
