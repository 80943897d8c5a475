"""`hito node …`: this node's key and its peers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hito.cli._common import fail, sessions, settings, system_scope

node_app = typer.Typer(
    help="This node: its key, its peers, the state of each link.", no_args_is_help=True
)


@node_app.command("init")
def init() -> None:
    """Create this node's Ed25519 key pair, in a file only its owner reads (HITO_KEY_FILE)."""
    from hito.exc import HitoError
    from hito.exchange import create_key

    node = settings()
    try:
        key = create_key(node.key_path)
    except HitoError as error:
        fail(error.detail)
    typer.echo(f"node {node.node}: key written to {node.key_path} (mode 600)")
    typer.echo(f"fingerprint {key.fingerprint}")
    typer.echo("give the other node `hito node public-key`; register it with `hito node add-peer`")


@node_app.command("public-key")
def public_key() -> None:
    """Print this node's public key (PEM), for the other node's `hito node add-peer`."""
    from hito.exchange import KeyFileError, read_key

    try:
        typer.echo(read_key(settings().key_path).public_pem, nl=False)
    except KeyFileError as error:
        fail(str(error))


@node_app.command("add-peer")
def add_peer(
    code: Annotated[str, typer.Argument(help="The other node: CL or PE")],
    url: Annotated[str, typer.Argument(help="Where it answers, e.g. https://hito.pe.example")],
    public_key_file: Annotated[
        Path, typer.Argument(exists=True, dir_okay=False, help="Its `hito node public-key`")
    ],
) -> None:
    """Register the other node; what this node shares under the agreement will go to it."""
    from hito.db import session_scope
    from hito.exc import HitoError
    from hito.exchange import register_peer

    node = settings()
    try:
        pem = public_key_file.read_text(encoding="ascii")
    except (OSError, UnicodeDecodeError) as error:
        fail(f"{public_key_file}: {error}")
    try:
        with session_scope(sessions(node)) as session:
            scope = system_scope(session, node)
            peer = register_peer(
                session, scope=scope, node=node.node, code=code, url=url, public_key_pem=pem
            )
            typer.echo(f"peer {peer.code} at {peer.url}, fingerprint {peer.fingerprint}")
    except HitoError as error:
        fail(error.detail)


@node_app.command("show")
def show() -> None:
    """This node's code and key fingerprint, the agreement in force, and each link's state."""
    from hito.auth.scoping import unscoped
    from hito.exchange import KeyFileError, active_agreement, node_status, read_key

    node = settings()
    try:
        fingerprint: str | None = read_key(node.key_path).fingerprint
    except KeyFileError as error:
        fingerprint = None
        typer.secho(str(error), err=True, fg=typer.colors.YELLOW)
    with sessions(node)() as session, unscoped(session):
        status = node_status(session, node=node.node, fingerprint=fingerprint)
        agreement = active_agreement(session)
    typer.echo(f"node        {status.node}")
    typer.echo(f"key         {status.fingerprint or '— (hito node init)'}")
    if agreement is None:
        typer.echo("agreement   none in force: nothing leaves this node")
    else:
        typer.echo(f"agreement   {agreement.code} v{agreement.version}  sha256 {agreement.sha256}")
    if not status.links:
        typer.echo("peers       none (hito node add-peer CODE URL PUBLIC_KEY_FILE)")
    for link in status.links:
        typer.echo(f"\npeer {link.peer}  {link.url}  key {link.fingerprint[:16]}…")
        lag = "—" if link.lag_seconds is None else f"{link.lag_seconds:.1f} s"
        typer.echo(
            f"  sent      last seq {link.last_seq}, acknowledged {link.acked_seq}, "
            f"waiting {link.pending} (oldest {lag}), rejected by {link.peer} "
            f"{link.rejected_by_peer}"
        )
        gap = f", held {link.held} waiting for seq {link.first_gap}" if link.held else ""
        typer.echo(
            f"  received  applied {link.applied_seq} of {link.peer}'s {link.peer_last_seq}"
            f"{gap}, rejected here {link.rejected_here}"
        )
        when = link.last_received_at.isoformat(timespec="seconds") if link.last_received_at else "—"
        typer.echo(f"  last      received {when}; failures {link.failures}")
        if link.last_error:
            typer.secho(f"  error     {link.last_error}", fg=typer.colors.RED)
