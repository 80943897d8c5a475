"""`hito identity …`: document checks, linkage and screening of users' own files."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

identity_app = typer.Typer(
    help="Immigration verification: documents, linkage, screening.", no_args_is_help=True
)

DOCUMENT_TYPES = "cl-run, pe-dni, pe-ce, ve-cedula, co-cedula, passport, mrz, other"


@identity_app.command("check-doc")
def check_doc(
    doc_type: Annotated[str, typer.Argument(metavar="TYPE", help=DOCUMENT_TYPES)],
    value: Annotated[str, typer.Argument(help="The number as written")],
) -> None:
    """Check a document number: exit 0 and print the normalised value, or exit 1 and the reason."""
    from hito.identity.documents import check_document
    from hito.people.models import DocumentType

    if doc_type not in {t.value for t in DocumentType}:
        typer.secho(f"error: unknown document type {doc_type!r}; one of {DOCUMENT_TYPES}", err=True)
        raise typer.Exit(2)
    check = check_document(doc_type, value)
    if check.valid:
        typer.echo(check.normalized)
        return
    typer.secho(f"invalid {doc_type}: {check.reason}", fg=typer.colors.RED, err=True)
    raise typer.Exit(1)


@identity_app.command("parse-mrz")
def parse_mrz() -> None:
    """Read the two or three MRZ lines from stdin and print what they say as JSON.
    Exit 1 when a check digit fails (still printing what was read and which check failed)."""
    from hito.identity.documents import MrzError, mrz

    text = sys.stdin.read()
    try:
        reading = mrz.parse(text)
    except MrzError as error:
        typer.secho(f"error: {error}", fg=typer.colors.RED, err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps(reading.to_dict(), ensure_ascii=False, indent=2))
    for check in reading.failed:
        typer.secho(
            f"{check.field} check digit is {check.found}, expected {check.expected}",
            fg=typer.colors.RED,
            err=True,
        )
    for problem in reading.problems:
        typer.secho(problem, fg=typer.colors.RED, err=True)
    if not reading.valid:
        raise typer.Exit(1)
