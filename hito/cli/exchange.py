"""`hito exchange …`: run the exchange on its own, or one round of it."""

from __future__ import annotations

import signal
import threading
from typing import TYPE_CHECKING

import typer

from hito.cli._common import fail, sessions, settings

if TYPE_CHECKING:
    from hito.exchange.delivery import Exchange

exchange_app = typer.Typer(help="The exchange with the peers.", no_args_is_help=True)


def _exchange() -> Exchange:
    from hito.exchange import KeyFileError, read_key
    from hito.exchange.delivery import Exchange

    node = settings()
    try:
        key = read_key(node.key_path)
    except KeyFileError as error:
        fail(str(error))
    return Exchange(node, sessions(node), key)


@exchange_app.command("run")
def run() -> None:
    """Deliver, retry and catch up with every peer until stopped (Ctrl-C), where a deployment
    runs the exchange apart from `hito serve` (then start serve with HITO_EXCHANGE=0)."""
    from hito.exchange.worker import ExchangeWorker

    exchange = _exchange()
    worker = ExchangeWorker(exchange)
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    worker.start()
    typer.echo(f"exchange of node {exchange.node} running; Ctrl-C stops it")
    stop.wait()
    worker.stop()
    typer.echo("exchange stopped")


@exchange_app.command("sync")
def sync() -> None:
    """One round with every peer: push what waits, pull what the peer holds; exit 1 if a peer
    could not be reached."""
    from hito.auth.scoping import unscoped
    from hito.exchange.delivery import DeliveryFailed
    from hito.exchange.peers import active_peers
    from hito.exchange.resync import resync

    exchange = _exchange()
    failed = False
    with exchange.sessions() as session, unscoped(session):
        peers = active_peers(session)
        for peer in peers:
            resync(session, node=exchange.node, peer=peer.code)
        session.commit()
    for peer in peers:
        try:
            sent = exchange.push(peer)
            received = exchange.pull(peer)
            typer.echo(f"{peer.code}: {sent} envelope(s) acknowledged, {received} received")
        except DeliveryFailed as error:
            failed = True
            typer.secho(f"{peer.code}: {error}", fg=typer.colors.RED, err=True)
    exchange.close()
    if failed:
        raise typer.Exit(1)
