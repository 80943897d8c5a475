"""`hito agreement …`: the sharing agreement both nodes hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hito.cli._common import fail, read_document, sessions, settings, system_scope

agreement_app = typer.Typer(
    help="Sharing agreements: what goes to the other node, to whom.", no_args_is_help=True
)


@agreement_app.command("example")
def example() -> None:
    """Print the demo agreement (YAML, commented): a sound starting point."""
    from hito.exchange import example_agreement

    typer.echo(example_agreement(), nl=False)


@agreement_app.command("load")
def load(
    file: Annotated[Path, typer.Argument(help="The agreement, YAML or JSON")],
) -> None:
    """Check and load a version of the agreement; print its SHA-256 for the other side."""
    from hito.db import session_scope
    from hito.exc import HitoError
    from hito.exchange import adopt_agreement, parse_agreement

    node = settings()
    document = read_document(file, parse_agreement, refused="the agreement was not loaded")
    try:
        with session_scope(sessions(node)) as session:
            agreement, new = adopt_agreement(
                session, scope=system_scope(session, node), node=node.node, document=document
            )
    except HitoError as error:
        fail(error.detail)
    state = "loaded" if new else "already loaded"
    typer.echo(f"{agreement.code} version {agreement.version} {state}")
    typer.echo(f"sha256 {agreement.sha256}")


@agreement_app.command("show")
def show(
    as_json: Annotated[bool, typer.Option("--json", help="The whole document, as JSON")] = False,
) -> None:
    """The agreements this node holds, the one in force, its SHA-256 and its rules."""
    from hito.auth.scoping import unscoped
    from hito.exchange import agreements_public, current_document

    node = settings()
    with sessions(node)() as session, unscoped(session):
        every = agreements_public(session)
        current = current_document(session)
    if as_json:
        if current is None:
            fail("no agreement is in force")
        typer.echo(json.dumps(current[1], ensure_ascii=False, indent=2))
        return
    if not every:
        typer.echo("no agreement loaded: nothing leaves this node (hito agreement example)")
        return
    for agreement in every:
        mark = "in force" if agreement.in_force else "not in force"
        typer.echo(
            f"{agreement.code} v{agreement.version} ({mark}) "
            f"{agreement.valid_from:%Y-%m-%d} → {agreement.valid_to:%Y-%m-%d}"
        )
        typer.echo(f"  sha256 {agreement.sha256}")
    if current is not None:
        summary = current[0]
        typer.echo(f"\nin force: {summary.title}")
        for rule in summary.rules:
            typer.echo(
                f"  {rule.record_type:<20} {'+'.join(rule.levels):<24} → {rule.audience:<12} "
                f"{', '.join(rule.fields)}"
            )
