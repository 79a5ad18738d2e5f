"""``--engine`` on the stage commands: named engines are used, unknown ones are refused with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.assess.picture import build_picture
from typer.testing import CliRunner

from toex.cli.main import app
from toex.store import open_store


@pytest.mark.parametrize("command", [["ingest", "nowhere"], ["resolve"], ["analyse"], ["assess"],
                                     ["task", "generate"], ["export", "--out", "x"], ["demo", "--no-serve"]])
def test_an_unknown_engine_is_refused_naming_the_choices(command: list[str], tmp_path: Path) -> None:
    result = CliRunner().invoke(app, [*command, "--engine", "oracle", "--store", str(tmp_path / "s.duckdb")]
                                if command[0] != "demo" else [*command, "--engine", "oracle", "--dir", str(tmp_path)])
    assert result.exit_code == 2
    words = " ".join(result.output.replace("│", " ").split())  # the error box may wrap the line
    assert "unknown engine 'oracle'; expected duckdb or spark" in words


def test_assess_task_and_export_run_on_the_named_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "store.duckdb"
    with open_store(path) as store:
        build_picture(store)
    monkeypatch.setenv("TOEX_ENGINE", "spark")  # the option wins over the environment
    runner = CliRunner()
    for command in (["assess", "--no-tasks"], ["task", "generate"], ["export", "--out", str(tmp_path / "out")]):
        result = runner.invoke(app, [*command, "--store", str(path), "--engine", "duckdb"])
        assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "networks.json").is_file()
    with open_store(path) as store:
        assert store.scalar("SELECT count(*) FROM network_scores") == 3
        assert store.scalar("SELECT count(*) FROM tasks") > 0
