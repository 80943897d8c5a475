"""Signed checkpoints of the audit chain, exchanged between nodes.

A checkpoint says "entry N of node X's log has hash H", signed with X's key. Each node sends its
checkpoints to its peer, which keeps them: a node that later rewrites or cuts its own log (even
together with its own copies of its checkpoints) no longer matches what the peer holds.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import orjson
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hito.audit.models import AuditCheckpoint, AuditEntry
from hito.db import utcnow
from hito.exc import InvalidInput
from hito.exchange.canonical import NotCanonical, canonical
from hito.exchange.keys import NodeKey, verify
from hito.exchange.wire import iso

if TYPE_CHECKING:
    from hito.exchange.delivery import Exchange
    from hito.exchange.peers import PeerKey

CHECKPOINTS_PATH = "/exchange/v1/checkpoints"


def make_checkpoint(session: Session, *, node: str, key: NodeKey) -> AuditCheckpoint | None:
    """A checkpoint of this node's chain head, unless the last one already covers it."""
    head = session.execute(
        select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    if head is None:
        return None
    last = latest_own(session, node)
    if last is not None and last.entry_id == head.id:
        return None
    now = utcnow()
    body = canonical(
        {"v": 1, "node": node, "entry_id": head.id, "entry_hash": head.hash, "signed_at": iso(now)}
    )
    checkpoint = AuditCheckpoint(
        node=node,
        entry_id=head.id,
        entry_hash=head.hash,
        signed_at=now,
        body=body.decode(),
        signature=key.sign(body),
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint


def latest_own(session: Session, node: str) -> AuditCheckpoint | None:
    return session.scalar(
        select(AuditCheckpoint)
        .where(AuditCheckpoint.node == node, AuditCheckpoint.received_at.is_(None))
        .order_by(AuditCheckpoint.entry_id.desc())
        .limit(1)
    )


def read_checkpoint(body: str, signature: str, peer: PeerKey) -> dict[str, Any]:
    """The checkpoint's content, once its form and its signature by ``peer`` are checked."""
    try:
        parsed = orjson.loads(body)
        if canonical(parsed).decode() != body:
            raise NotCanonical("not canonical")
    except (orjson.JSONDecodeError, NotCanonical):
        raise InvalidInput("a checkpoint is canonical JSON") from None
    if not verify(peer.public_key, signature, body.encode()):
        raise InvalidInput(f"checkpoint signature does not verify with {peer.code}'s key")
    if not isinstance(parsed, dict) or parsed.get("node") != peer.code:
        raise InvalidInput(f"a checkpoint of {peer.code}'s chain was expected")
    if not isinstance(parsed.get("entry_id"), int) or not isinstance(parsed.get("entry_hash"), str):
        raise InvalidInput("a checkpoint names an entry id and its hash")
    return dict(parsed)


def store_peer_checkpoint(
    session: Session, *, peer: PeerKey, body: str, signature: str
) -> AuditCheckpoint:
    """Keep a checkpoint the peer sent of its own chain (once per entry)."""
    content = read_checkpoint(body, signature, peer)
    existing = session.scalar(
        select(AuditCheckpoint).where(
            AuditCheckpoint.node == peer.code, AuditCheckpoint.entry_id == content["entry_id"]
        )
    )
    if existing is not None:
        if existing.entry_hash != content["entry_hash"]:
            raise InvalidInput(
                f"{peer.code} already gave entry {content['entry_id']} the hash "
                f"{existing.entry_hash[:16]}…: its log was rewritten"
            )
        return existing
    checkpoint = AuditCheckpoint(
        node=peer.code,
        entry_id=content["entry_id"],
        entry_hash=content["entry_hash"],
        signed_at=dt.datetime.fromisoformat(content["signed_at"]),
        body=body,
        signature=signature,
        received_at=utcnow(),
    )
    try:
        with session.begin_nested():
            session.add(checkpoint)
    except IntegrityError:
        raise InvalidInput("that checkpoint is being stored already") from None
    return checkpoint


def held_for(session: Session, node: str) -> list[AuditCheckpoint]:
    """The checkpoints of ``node``'s chain kept here, oldest first."""
    return list(
        session.scalars(
            select(AuditCheckpoint)
            .where(AuditCheckpoint.node == node)
            .order_by(AuditCheckpoint.entry_id)
        )
    )


def send_checkpoint(exchange: Exchange, peer: PeerKey) -> bool:
    """Make a checkpoint if the chain moved and give the peer the newest it lacks."""
    from hito.exchange.models import ExchangeLink
    from hito.exchange.outbox import ensure_link

    with exchange.sessions() as session:
        made = make_checkpoint(session, node=exchange.node, key=exchange.key)
        newest = made or latest_own(session, exchange.node)
        ensure_link(session, peer.code)
        link = session.get(ExchangeLink, peer.code)
        session.commit()
        if newest is None or (
            link is not None
            and link.last_checkpoint_at is not None
            and link.last_checkpoint_at >= newest.signed_at
        ):
            return False
        body, signature, signed_at = newest.body, newest.signature, newest.signed_at
    exchange.request(peer, "POST", CHECKPOINTS_PATH, body={"body": body, "signature": signature})
    with exchange.sessions() as session:
        link = session.get(ExchangeLink, peer.code)
        if link is not None:
            link.last_checkpoint_at = signed_at
        session.commit()
    return True


@dataclass(frozen=True)
class Finding:
    """The first thing wrong with a log, or None when it holds."""

    problem: str | None
    entries: int
    checkpoints: int


def check_against(
    session: Session, checkpoints: list[AuditCheckpoint | dict[str, Any]]
) -> str | None:
    """The first checkpoint the local chain no longer matches, described; None if all match."""
    for checkpoint in sorted(checkpoints, key=_entry_id):
        entry_id = _entry_id(checkpoint)
        expected = (
            checkpoint["entry_hash"] if isinstance(checkpoint, dict) else checkpoint.entry_hash
        )
        entry = session.get(AuditEntry, entry_id)
        if entry is None:
            return f"checkpoint of entry {entry_id}: the entry is gone (the log was cut)"
        if entry.hash != expected:
            return (
                f"checkpoint of entry {entry_id}: the log holds hash {entry.hash[:16]}…, "
                f"the checkpoint {expected[:16]}… (the log was rewritten)"
            )
    return None


def _entry_id(checkpoint: AuditCheckpoint | dict[str, Any]) -> int:
    return int(checkpoint["entry_id"] if isinstance(checkpoint, dict) else checkpoint.entry_id)
