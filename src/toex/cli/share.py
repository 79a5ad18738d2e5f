"""``toex export`` and ``toex package``: the threat picture and interchange files; intelligence packages."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from toex.cli.common import (
    EngineOption,
    StoreOption,
    console,
    fail,
    opened_engine,
    opened_store,
    settings,
)
from toex.errors import ToexError
from toex.share import write_export
from toex.share.interchange import FORMATS, write_interchange
from toex.share.package import DEFAULT_CLASSIFICATION, PackageError, write_package


def export_command(
    out: Annotated[Path, typer.Option("--out", help="Folder to write into (created if missing).")],
    fmt: Annotated[str, typer.Option("--format", help=f"One of: threat-picture, {', '.join(FORMATS)}, all.")] = "threat-picture",
    recipient: Annotated[list[str] | None, typer.Option("--recipient", help="Who receives it (audited); repeatable.")] = None,
    share_outside_owner: Annotated[bool, typer.Option("--share-outside-owner", help="Leave out handling code C intelligence (interchange formats).")] = False,
    store: StoreOption = None,
    engine: EngineOption = None,
) -> None:
    """Write the threat picture export (entities.csv, networks.json, safeguarding.csv, alerts.json) and/or FtM, GraphML, GEXF, i2."""
    wanted = {"threat-picture", *FORMATS} if fmt == "all" else {fmt}
    unknown = wanted - {"threat-picture", *FORMATS}
    if unknown:
        raise fail(f"unknown format {', '.join(sorted(unknown))}; expected threat-picture, {', '.join(FORMATS)} or all")
    actor = settings().actor
    with opened_engine(store, engine) as handle:
        try:
            if "threat-picture" in wanted:
                summary = write_export(handle, out, actor=actor, recipients=recipient)
                for name, rows in summary.files.items():
                    console.print(f"  {out / name}: {rows:,} rows")
                for warning in summary.warnings:
                    console.print(f"[yellow]warning:[/yellow] {warning}")
            others = [f for f in FORMATS if f in wanted]
            if others:
                for path, count in write_interchange(handle, out, others, actor=actor, recipients=recipient,
                                                     exclude_handling_c=share_outside_owner).items():
                    console.print(f"  {path}: {count:,} items")
        except ToexError as exc:
            raise fail(str(exc)) from exc


def package_command(
    network: Annotated[str, typer.Argument(help="Network id, e.g. N-0001.")],
    out: Annotated[Path, typer.Option("--out", help="Folder to write into.")],
    pdf: Annotated[bool, typer.Option("--pdf", help="Also render a PDF (WeasyPrint).")] = False,
    share_outside_owner: Annotated[bool, typer.Option("--share-outside-owner", help="Leave out handling code C intelligence.")] = False,
    classification: Annotated[str, typer.Option("--classification", help="Banner marking.")] = DEFAULT_CLASSIFICATION,
    recipient: Annotated[list[str] | None, typer.Option("--recipient", help="Who receives it (audited); repeatable.")] = None,
    store: StoreOption = None,
) -> None:
    """Write the intelligence package for one network as HTML (and PDF)."""
    with opened_store(store) as handle:
        try:
            result = write_package(handle, network, out, produced_by=settings().actor, pdf=pdf,
                                   classification=classification, share_outside_owner=share_outside_owner,
                                   recipients=recipient)
        except (ToexError, PackageError) as exc:
            raise fail(str(exc)) from exc
    console.print(f"  {result.html}")
    if result.pdf:
        console.print(f"  {result.pdf}")
    if share_outside_owner:
        console.print(f"  {result.withheld} handling code C record(s) left out.")
