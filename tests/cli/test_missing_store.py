"""Commands that read a store refuse a path with no store, rather than creating an empty one there."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from toex.cli.main import app
from toex.store import open_store


@pytest.mark.parametrize("command", [["status"], ["quarantine"], ["audit", "verify"], ["review", "list"],
                                     ["task", "list"], ["explain", "a:1", "b:2"]])
def test_a_mistyped_store_is_refused_and_not_created(command: list[str], tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "toex.duckdb"
    result = CliRunner().invoke(app, [*command, "--store", str(missing)])
    assert result.exit_code == 1
    assert "there is no store here" in " ".join(result.output.replace("│", " ").split())
    assert not missing.exists() and not missing.parent.exists()


def test_an_existing_store_is_read(tmp_path: Path) -> None:
    path = tmp_path / "toex.duckdb"
    open_store(path).close()
    result = CliRunner().invoke(app, ["status", "--store", str(path)])
    assert result.exit_code == 0, result.output
    assert "persons" in result.output
