"""``toex resolve``, ``toex explain`` and ``toex review`` from the command line."""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from toex.cli.main import app

runner = CliRunner()


def test_resolve_explain_review(synthetic: tuple[Path, Path], tmp_path: Path) -> None:
    store = tmp_path / "cli.duckdb"
    shutil.copy(synthetic[0], store)
    out = runner.invoke(app, ["resolve", "--store", str(store)])
    assert out.exit_code == 0, out.output
    assert "pairs scored" in out.output and "near it" in out.output and "person" in out.output
    listed = runner.invoke(app, ["review", "list", "--store", str(store), "--limit", "3"])
    assert listed.exit_code == 0, listed.output
    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        (sl, rl, sr, rr) = con.execute(
            "SELECT source_id_l, ref_l, source_id_r, ref_r FROM person_match_pairs WHERE linked LIMIT 1").fetchall()[0]
    why = runner.invoke(app, ["explain", f"{sl}:{rl}", f"{sr}:{rr}", "--store", str(store)])
    assert why.exit_code == 0, why.output
    shown = " ".join(why.output.split())  # long references wrap the terminal line
    assert "Match weight" in shown and "forenames" in shown and "one person" in shown
    decided = runner.invoke(app, ["review", "decide", f"{sl}:{rl}", f"{sr}:{rr}", "different", "--note", "x",
                                  "--actor", "analyst-7", "--store", str(store)])
    assert decided.exit_code == 0, decided.output
    again = runner.invoke(app, ["explain", f"{sl}:{rl}", f"{sr}:{rr}", "--store", str(store)])
    assert "different" in again.output and "analyst-7" in again.output


def test_summary_counts_read_as_english() -> None:
    from toex.cli.resolve import _count

    assert _count(1, "large entity", "large entities") == "1 large entity"
    assert _count(2, "large entity", "large entities") == "2 large entities"
    assert _count(1_360, "item") == "1,360 items"
    assert _count(0, "analyst decision") == "0 analyst decisions"


def test_resolve_allow_names_the_contradictions_left_to_the_model(synthetic: tuple[Path, Path], tmp_path: Path) -> None:
    store = tmp_path / "cli.duckdb"
    shutil.copy(synthetic[0], store)
    wrong = runner.invoke(app, ["resolve", "--store", str(store), "--allow", "twins"])
    assert wrong.exit_code == 2 and "not a contradiction" in " ".join(wrong.output.split())
    out = runner.invoke(app, ["resolve", "--store", str(store), "--allow", "forenames", "--allow", "dob"])
    assert out.exit_code == 0, out.output
    assert "Contradictions not refused this run: dob, forenames." in " ".join(out.output.split())
    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        config = con.execute("SELECT config FROM resolve_runs ORDER BY started_at DESC LIMIT 1").fetchall()[0][0]
    assert '"refuse":["pnc","sex"]' in config.replace(" ", "")
