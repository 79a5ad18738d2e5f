"""The ``toex`` command: one sub-command per stage of the pipeline."""

from __future__ import annotations

import typer

from toex import __version__
from toex.cli.analyse import analyse_command, graph_app
from toex.cli.assess import assess_app
from toex.cli.audit import audit_app
from toex.cli.backup import backup_command, restore_command
from toex.cli.demo import demo_command
from toex.cli.ingest import ingest_command, quarantine_command, status_command
from toex.cli.resolve import explain_command, resolve_command, review_app
from toex.cli.serve import serve_command, user_app
from toex.cli.share import export_command, package_command
from toex.cli.synth import evaluate_command, synth_command
from toex.cli.task import task_app

app = typer.Typer(
    name="toex",
    help="Analysis for exploitation hubs: ingest, resolve, graph, detect, assess, task and share.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

app.command("demo")(demo_command)
app.command("ingest")(ingest_command)
app.command("status")(status_command)
app.command("quarantine")(quarantine_command)
app.add_typer(audit_app, name="audit")
app.command("backup")(backup_command)
app.command("restore")(restore_command)
# Stage commands register here, one line each.
app.command("serve")(serve_command)
app.add_typer(user_app, name="user")
app.command("analyse")(analyse_command)
app.add_typer(graph_app, name="graph")
app.command("resolve")(resolve_command)
app.command("explain")(explain_command)
app.add_typer(review_app, name="review")
app.add_typer(assess_app, name="assess")
app.add_typer(task_app, name="task")
app.command("export")(export_command)
app.command("package")(package_command)
app.command("synth")(synth_command)
app.command("evaluate")(evaluate_command)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
    if version:
        typer.echo(f"toex {__version__}")
        raise typer.Exit()


def main() -> None:
    """Entry point of the ``toex`` console script."""
    app()


if __name__ == "__main__":
    main()
