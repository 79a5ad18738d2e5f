"""``toex demo``: the main job, end to end, on DuckDB (default) or Spark.

Generates (or reuses) a synthetic national dataset, ingests it, resolves,
analyses, assesses, tasks, exports, writes intelligence packages, scores the
result against the dataset's ground truth, creates demo users, and serves the
web application. Everything lands in one folder (default ``./toex-demo``).

With ``--engine spark`` the stages run on a Spark warehouse in ``<dir>/warehouse``;
the web application and the API serve a DuckDB store, so at the end the
warehouse's tables are loaded into ``<dir>/toex.duckdb`` and served from there.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.panel import Panel
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from toex.cli.common import check_engine, console, fail
from toex.engine import DuckDBEngine, Engine, copy_tables
from toex.errors import ToexError
from toex.store import Store, open_store

ACTOR = "demo"


@dataclass
class DemoRun:
    """Where the demo writes, and what it found, for the closing summary."""

    folder: Path
    scale: str
    seed: int
    engine: str = "duckdb"
    notes: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    @property
    def store_path(self) -> Path:
        return self.folder / "toex.duckdb"

    @property
    def warehouse(self) -> Path:
        return self.folder / "warehouse"


def _dataset_matches(run: DemoRun) -> bool:
    manifest = run.data / "truth" / "manifest.json"
    if not manifest.is_file() or not (run.data / "dataset").is_dir():
        return False
    meta = json.loads(manifest.read_text(encoding="utf-8"))
    return bool(meta.get("scale") == run.scale and meta.get("seed") == run.seed)


def _synth(run: DemoRun, say: Callable[[str], None]) -> None:
    if _dataset_matches(run):
        run.notes.append(f"reused the {run.scale} synthetic dataset in {run.data}")
        return
    from toex.synth import generate

    shutil.rmtree(run.data, ignore_errors=True)
    summary = generate(run.data, scale=run.scale, seed=run.seed,
                       progress=lambda stage, done, total: say(f"synthetic data: {stage} ({done}/{total})"))
    run.notes.append(f"generated {summary.total_records:,} synthetic records in {summary.seconds:.0f} s")


def _ingest(run: DemoRun, store: Engine, say: Callable[[str], None]) -> None:
    from toex.errors import IngestError
    from toex.ingest import IngestItem, LoadResult, ingest, plan

    items = plan([run.data / "dataset"])
    done = 0

    def progress(item: IngestItem, result: LoadResult | None, error: IngestError | None) -> None:
        nonlocal done
        done += 1
        say(f"ingest: {item.path.name} ({done}/{len(items)})")

    if isinstance(store, DuckDBEngine):
        results = ingest(store, items, actor=ACTOR, on_done=progress)
    else:
        # every load is a Spark commit (20-60 s on two cores) and the dataset has hundreds of small sources:
        # they are loaded by DuckDB in memory and the loaded tables copied to the warehouse in one commit
        local = DuckDBEngine(open_store(None), owns_store=True)
        try:
            results = ingest(local, items, actor=ACTOR, on_done=progress)
            say(f"ingest: copying the loaded tables to the {store.name} warehouse")
            copy_tables(local, store, [t for t in _tables(local) if store.table_exists(t)])
        finally:
            local.close()
        run.notes.append(f"ingested on DuckDB in memory and copied to the {store.name} warehouse (one commit)")
    rows = sum(r.rows_loaded for r in results)
    refused = sum(r.quarantined for r in results)
    run.notes.append(f"ingested {len(results)} sources: {rows:,} rows, {refused:,} refused")


def _tables(engine: DuckDBEngine) -> list[str]:
    """The stored tables of a DuckDB store, by name."""
    return [str(r[0]) for r in engine.fetchall(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_name")]


def _resolve(run: DemoRun, store: Engine, say: Callable[[str], None]) -> None:
    from toex.resolve import ResolveConfig, resolve

    summary = resolve(store, ResolveConfig(), actor=ACTOR, progress=lambda message: say(f"resolve: {message}"))
    records, entities = sum(summary.records.values()), sum(summary.entities.values())
    run.notes.append(f"resolved {records:,} records into {entities:,} entities "
                     f"({summary.entities.get('person', 0):,} people)")


def _analyse(run: DemoRun, store: Engine, say: Callable[[str], None]) -> None:
    from toex.detect.run import analyse

    summary = analyse(store, actor=ACTOR, progress=lambda message: say(f"analyse: {message}"))
    run.notes.append(
        f"found {len(summary.networks)} networks, {summary.trend_alerts} trend alerts, "
        f"{summary.travelling_groups} travelling groups; {summary.children_flagged} children flagged for safeguarding"
    )


def _assess_and_task(run: DemoRun, store: Engine, say: Callable[[str], None]) -> None:
    from toex.assess.run import run_assess
    from toex.task.generate import generate_tasks

    say("assess: scoring networks, people to safeguard, alerts")
    run_assess(store, actor=ACTOR)
    say("task: 4P actions for each network (proposed, awaiting approval)")
    tasks = generate_tasks(store, actor=ACTOR)
    run.notes.append(f"proposed {tasks.proposed:,} 4P actions for {tasks.networks} networks, each awaiting a named approver")


def _share(run: DemoRun, store: Engine, say: Callable[[str], None]) -> None:
    from toex.share import write_export
    from toex.share.interchange import write_interchange
    from toex.share.package import write_package

    export = run.folder / "export"
    say("export: threat picture, FollowTheMoney, GraphML, GEXF, i2")
    write_export(store, export, actor=ACTOR)
    write_interchange(store, export, actor=ACTOR)
    top = [str(r[0]) for r in store.fetchall("SELECT network_id FROM network_scores ORDER BY rank LIMIT 3")]
    for network_id in top:
        say(f"package: intelligence package for {network_id}")
        write_package(store, network_id, run.folder / "packages", produced_by=ACTOR, pdf=True)
    run.notes.append(f"wrote the export to {export} and packages for {', '.join(top) or 'no networks'}")


def _evaluate(run: DemoRun, store: Engine, say: Callable[[str], None]) -> dict[str, Any]:
    from toex.evaluate import evaluate
    from toex.share import write_export

    say("evaluate: scoring the picture against the synthetic ground truth")
    write_export(store, run.folder / "export", actor=ACTOR)
    report = evaluate(run.folder / "export", run.data / "truth")
    (run.folder / "evaluation.json").write_text(json.dumps(report.model_dump(mode="json"), indent=2), encoding="utf-8")
    return report.flat()


Step = Callable[[DemoRun, Engine, Callable[[str], None]], Any]

STEPS: list[tuple[str, Step]] = [
    ("ingest", _ingest),
    ("resolve", _resolve),
    ("analyse", _analyse),
    ("assess and task", _assess_and_task),
    ("export and packages", _share),
    ("evaluate", _evaluate),
]


def _print_evaluation(metrics: dict[str, Any]) -> None:
    table = Table(title="How well toex found what was planted (toex evaluate)", title_justify="left")
    table.add_column("metric")
    table.add_column("value", justify="right")
    for name, value in metrics.items():
        if value is None:
            continue
        table.add_row(name, f"{value:.3f}" if isinstance(value, float) else str(value))
    console.print(table)


def _demo_users(store: Store) -> list[tuple[str, str, str, str]]:
    from toex.api.auth import create_demo_users

    return create_demo_users(store)


def demo_command(
    scale: Annotated[str, typer.Option("--scale", help="Synthetic dataset size: small, medium or national.")] = "medium",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the synthetic dataset.")] = 7,
    folder: Annotated[Path, typer.Option("--dir", help="Folder for the dataset, store, exports and packages.")] = Path("toex-demo"),
    fresh: Annotated[bool, typer.Option("--fresh", help="Start from an empty store (the dataset is still reused).")] = False,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the web application at the end.")] = True,
    host: Annotated[str, typer.Option("--host", help="Address to serve on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to serve on.")] = 8000,
    engine: Annotated[str, typer.Option("--engine", help="Engine the stages run on: duckdb or spark (the web "
                                        "application is then served from a DuckDB copy).",
                                        callback=check_engine)] = "duckdb",
) -> None:
    """Run the whole pipeline on a synthetic national dataset and serve the result."""
    run = DemoRun(folder=folder, scale=scale, seed=seed, engine=engine)
    folder.mkdir(parents=True, exist_ok=True)
    if fresh:
        for path in (run.store_path, run.store_path.with_name(run.store_path.name + ".wal")):
            path.unlink(missing_ok=True)
        shutil.rmtree(run.warehouse, ignore_errors=True)
    console.print(Panel.fit(
        f"toex demo: {scale} synthetic dataset (seed {seed}) -> ingest -> resolve -> analyse -> assess -> task -> "
        f"share, on {engine}\nEverything is written under [bold]{folder}[/bold]", border_style="cyan"))
    metrics: dict[str, Any] = {}
    with Progress(SpinnerColumn(), TextColumn("[bold]{task.fields[stage]}[/bold]"), BarColumn(),
                  TextColumn("{task.completed}/{task.total}"), TextColumn("{task.description}"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("", total=len(STEPS) + 1, stage="synthetic data")

        def say(message: str) -> None:
            progress.update(task, description=message[:70])

        try:
            clock = time.perf_counter()
            _synth(run, say)
            run.timings["synthetic data"] = time.perf_counter() - clock
            progress.advance(task)
            with _open_engine(run) as store:
                loaded = int(store.scalar("SELECT count(*) FROM sources"))
                for name, step in STEPS:
                    progress.update(task, stage=name)
                    clock = time.perf_counter()
                    if name == "ingest" and loaded:
                        run.notes.append(f"reused the {loaded} sources already in {run.store_path}")
                    else:
                        result = step(run, store, say)
                        if name == "evaluate":
                            metrics = result
                    run.timings[name] = time.perf_counter() - clock
                    progress.advance(task)
                with _serving_store(run, store) as serving:
                    users = _demo_users(serving)
        except ToexError as exc:
            raise fail(str(exc)) from exc
    for note in run.notes:
        console.print(f"  - {note}")
    timing = ", ".join(f"{k} {v:.0f} s" for k, v in run.timings.items())
    console.print(f"  time: {timing}")
    _print_evaluation(metrics)
    _print_where_to_look(run, users, host, port, serve)
    if serve:
        _serve(run, host, port)


def _print_where_to_look(run: DemoRun, users: list[tuple[str, str, str, str]], host: str, port: int, serve: bool) -> None:
    console.print(Panel.fit(
        (f"warehouse    {run.warehouse}   (the Spark tables; try: toex assess --show --engine spark with "
         f"TOEX_SPARK_WAREHOUSE={run.warehouse})\n" if run.engine == "spark" else "")
        + f"store        {run.store_path}   (try: toex status --store {run.store_path})\n"
        f"export       {run.folder / 'export'}   (threat picture, FtM, GraphML, GEXF, i2)\n"
        f"packages     {run.folder / 'packages'}   (HTML and PDF intelligence packages)\n"
        f"evaluation   {run.folder / 'evaluation.json'}\n"
        + (f"web          http://{host}:{port}/" if serve else "web          toex serve --store " + str(run.store_path)),
        title="Where to look", border_style="green"))
    if users:
        table = Table(title="Demo users (shown once; passwords are not stored in clear)", title_justify="left")
        for col in ("username", "password", "role", "scope"):
            table.add_column(col)
        for user in users:
            table.add_row(*user)
        console.print(table)


def _open_engine(run: DemoRun) -> Engine:
    """The engine the demo runs on: the DuckDB store file, or a Spark warehouse beside it."""
    if run.engine == "spark":
        from toex.config import load_settings
        from toex.engine.spark import SparkEngine

        cfg = load_settings()
        return SparkEngine(run.warehouse, cfg.spark_master, driver_memory=cfg.spark_driver_memory)
    return DuckDBEngine(open_store(run.store_path), owns_store=True)


@contextmanager
def _serving_store(run: DemoRun, engine: Engine) -> Iterator[Store]:
    """The DuckDB store the web application serves: the engine's own, or the Spark tables loaded into one."""
    if isinstance(engine, DuckDBEngine):
        yield engine.store
        return
    for path in (run.store_path, run.store_path.with_name(run.store_path.name + ".wal")):
        path.unlink(missing_ok=True)
    with open_store(run.store_path) as store:
        served = DuckDBEngine(store)
        copy_tables(engine, served, [n for n in _tables(served) if engine.table_exists(n)])
        run.notes.append(f"loaded the Spark warehouse {run.warehouse} into {run.store_path} for the web application")
        yield store


def _serve(run: DemoRun, host: str, port: int) -> None:
    from toex.cli.serve import serve_command

    console.print("Serving the web application; press Ctrl+C to stop.")
    serve_command(host=host, port=port, store=run.store_path)
