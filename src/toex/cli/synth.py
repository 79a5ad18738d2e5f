"""``toex synth`` (generate a synthetic dataset with ground truth) and ``toex evaluate``
(score an export against that truth). Plain functions: the main app registers them."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from toex.cli.common import StoreOption, opened_store, settings
from toex.errors import ConfigError
from toex.evaluate import EvaluationReport


def synth_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write: OUT/dataset and OUT/truth.")],
    scale: Annotated[str, typer.Option("--scale", help="tiny | small | medium | national.")] = "small",
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives identical files.")] = 0,
    config: Annotated[Path | None, typer.Option("--config", help="YAML file of generator knobs.")] = None,
) -> None:
    """Generate a synthetic POLE dataset with planted exploitation networks and its ground truth."""
    from toex.synth import generate, load_config, preset

    console = Console()
    try:
        cfg = load_config(config, scale) if config else preset(scale)
    except ConfigError as exc:
        raise typer.BadParameter(str(exc)) from exc
    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("synth", total=1)

        def progress(message: str, done: int, total: int) -> None:
            bar.update(task, description=message, completed=done, total=total)

        summary = generate(out, scale=cfg.scale, seed=seed, config=cfg, progress=progress)
    table = Table(title=f"toex synth: scale {summary.scale}, seed {summary.seed}, {summary.seconds:.1f} s")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("sources", str(summary.sources))
    for kind, n in summary.records.items():
        table.add_row(kind, f"{n:,}")
    table.add_row("records per second", f"{summary.total_records / max(summary.seconds, 1e-9):,.0f}")
    console.print(table)
    nets = Table(title="planted networks")
    for col in ("id", "decoy", "owner level", "members"):
        nets.add_column(col)
    for net in summary.networks:
        nets.add_row(str(net["id"]), "yes" if net["decoy"] else "no", str(net["owner_level"]), str(net["members"]))
    console.print(nets)
    console.print(f"dataset: {summary.dataset_dir}\ntruth:   {summary.truth_dir}")


def evaluate_store(store: Path | None, truth: Path) -> EvaluationReport:
    """Write the store's threat-picture export to a temporary folder and score it."""
    from toex.evaluate import evaluate
    from toex.share import write_export

    with opened_store(store) as handle, tempfile.TemporaryDirectory(prefix="toex-evaluate-") as tmp:
        write_export(handle, Path(tmp), actor=settings().actor)
        return evaluate(Path(tmp), truth)


def evaluate_command(
    truth: Annotated[Path, typer.Option("--truth", help="Truth folder written by toex synth.")],
    export: Annotated[Path | None, typer.Option(
        "--export", help="Score this export folder (threat-picture-export format) instead of the store's current results.")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the metrics to this JSON file.")] = None,
    store: StoreOption = None,
) -> None:
    """Score the store's current results (or an export folder) against a synthetic dataset's truth."""
    from toex.evaluate import evaluate

    if not (truth / "records.csv").exists():
        raise typer.BadParameter(f"{truth} is not a truth folder (no records.csv); pass DIR/truth from toex synth")
    report = evaluate(export, truth) if export is not None else evaluate_store(store, truth)
    table = Table(title="toex evaluate")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in report.flat().items():
        table.add_row(name, "n/a" if value is None else (f"{value:.3f}" if isinstance(value, float) else str(value)))
    console = Console()
    console.print(table)
    if report.missing:
        console.print(f"not available (missing from the export): {', '.join(report.missing)}")
    if json_out:
        json_out.write_text(json.dumps(report.model_dump(mode="json"), indent=2), encoding="utf-8")
