"""`hito audit …`: the hash-chained audit log, its checkpoints and signed extracts."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from hito.cli._common import fail, sessions, settings

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hito.exchange.keys import NodeKey
    from hito.settings import Settings

audit_app = typer.Typer(
    help="The audit log: verify it, export and check extracts.", no_args_is_help=True
)


def _when(value: str | None, option: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        fail(f"{option} {value!r} is not a date or date-time (YYYY-MM-DD[THH:MM+HH:MM])", 2)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


@audit_app.command("verify")
def verify(
    peer: Annotated[
        bool, typer.Option("--peer", help="Also check against the checkpoints the peer holds")
    ] = False,
) -> None:
    """Check the chain, then this node's checkpoints (and with --peer, the copies the other
    node keeps): exit 1 naming the first broken link or the first checkpoint that no longer
    matches."""
    from hito.audit import verify_chain
    from hito.audit.checkpoints import check_against, held_for
    from hito.auth.scoping import unscoped
    from hito.exchange import KeyFileError, read_key
    from hito.exchange.keys import verify as verify_signature

    node = settings()
    with sessions(node)() as session, unscoped(session):
        broken = verify_chain(session)
        if broken is not None:
            fail(f"audit chain broken at entry {broken}")
        own = held_for(session, node.node)
        problem = check_against(session, list(own))
        if problem:
            fail(problem)
        typer.echo(f"audit chain intact; {len(own)} checkpoint(s) of this node match")
        if not peer:
            return
        try:
            key = read_key(node.key_path)
        except KeyFileError as error:
            fail(str(error))
        copies = _peer_copies(node, session, key)
        for code, bodies in copies.items():
            for body in bodies:
                if not verify_signature(key.public, body["signature"], body["body"].encode()):
                    fail(f"{code} holds a checkpoint this node's key did not sign")
            problem = check_against(session, [json.loads(b["body"]) for b in bodies])
            if problem:
                fail(f"against {code}'s copies: {problem}")
            typer.echo(f"{len(bodies)} checkpoint(s) held by {code} match")


def _peer_copies(node: Settings, session: Session, key: NodeKey) -> dict[str, list[dict[str, str]]]:
    """The checkpoints of this node that each peer keeps, as the peer sends them."""
    from hito.audit.checkpoints import CHECKPOINTS_PATH
    from hito.exchange.delivery import DeliveryFailed, Exchange
    from hito.exchange.peers import active_peers

    exchange = Exchange(node, sessions(node), key)
    copies = {}
    try:
        for peer in active_peers(session):
            try:
                answer = exchange.request(peer, "GET", CHECKPOINTS_PATH)
            except DeliveryFailed as error:
                fail(str(error))
            copies[peer.code] = list(answer.get("checkpoints", []))
    finally:
        exchange.close()
    return copies


@audit_app.command("export")
def export(
    out: Annotated[Path, typer.Option("--out", help="File to write (JSON)")],
    start: Annotated[
        str | None, typer.Option("--from", help="From this date (UTC if no offset)")
    ] = None,
    end: Annotated[str | None, typer.Option("--to", help="Up to this date, excluded")] = None,
) -> None:
    """Write a signed extract of the log that the other node checks with `verify-extract`."""
    from hito.audit.extract import export_extract
    from hito.auth.scoping import unscoped
    from hito.exchange import KeyFileError, read_key

    node = settings()
    begin, until = _when(start, "--from"), _when(end, "--to")
    try:
        key = read_key(node.key_path)
    except KeyFileError as error:
        fail(str(error))
    with sessions(node)() as session, unscoped(session):
        document = export_extract(session, node=node.node, key=key, start=begin, end=until)
    out.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    count = len(document["extract"]["entries"])
    typer.echo(f"{count} entries of node {node.node} → {out} (signed, key {key.fingerprint[:16]}…)")


@audit_app.command("verify-extract")
def verify_extract_command(
    file: Annotated[Path, typer.Argument(help="An extract the other node exported")],
) -> None:
    """Check another node's extract: its signature, its chain, and this node's copies of that
    node's checkpoints. Exit 1 naming the first problem."""
    from hito.audit.extract import verify_extract
    from hito.auth.scoping import unscoped

    try:
        document = json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        fail(f"{file}: no such file", 2)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        fail(f"{file}: not a JSON extract ({error})", 2)
    node = settings()
    with sessions(node)() as session, unscoped(session):
        report = verify_extract(session, document=document)
    for problem in report.problems:
        typer.secho(f"{file}: {problem}", fg=typer.colors.RED, err=True)
    if not report.valid:
        raise typer.Exit(1)
    typer.echo(
        f"extract of {report.node}: {report.entries} entries ({report.first_id}–{report.last_id}) "
        f"signed and chained; {report.checkpoints_matched} checkpoint(s) held here match"
    )
