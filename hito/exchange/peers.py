"""Peers (the other national node) and the state of the link with each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies.models import AgencyKind
from hito.auth.models import Role
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import Conflict, InvalidInput, NotFound
from hito.exchange.keys import fingerprint, load_public_key
from hito.exchange.models import EnvelopeStatus, ExchangeLink, InboxEnvelope, OutboxEnvelope, Peer
from hito.exchange.outbox import forget_peers
from hito.settings import NODE_TIMEZONES


def peer_scope(code: str, node: str) -> Scope:
    """The audit's actor for what a peer node does."""
    return Scope(
        user_id=None,
        username=f"node:{code}",
        agency_code=f"NODE-{code}",
        agency_kind=AgencyKind.ministry,
        country=code,
        roles=frozenset({Role.viewer}),
        node=node,
    )


@dataclass(frozen=True)
class PeerKey:
    code: str
    url: str
    public_key: Ed25519PublicKey
    fingerprint: str


_keys: dict[str, PeerKey] = {}


def _peer_key(peer: Peer) -> PeerKey:
    cached = _keys.get(peer.fingerprint)
    if cached is None or cached.url != peer.url or cached.code != peer.code:
        cached = PeerKey(peer.code, peer.url, load_public_key(peer.public_key), peer.fingerprint)
        _keys[peer.fingerprint] = cached
    return cached


def peer_key(session: Session, code: str) -> PeerKey | None:
    peer = session.scalar(select(Peer).where(Peer.code == code, Peer.active.is_(True)))
    return _peer_key(peer) if peer is not None else None


def active_peers(session: Session) -> list[PeerKey]:
    return [
        _peer_key(p)
        for p in session.scalars(select(Peer).where(Peer.active.is_(True)).order_by(Peer.code))
    ]


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise InvalidInput(f"{url!r} is not a node URL such as https://hito.pe.example:8443")
    return url.rstrip("/")


def add_peer(
    session: Session, *, scope: Scope, node: str, code: str, url: str, public_key_pem: str
) -> Peer:
    """Register (or update the address of) the other node; its key may not change silently."""
    scope.require("admin")
    code = code.strip().upper()
    if code not in NODE_TIMEZONES:
        raise InvalidInput(f"unknown node {code!r}: CL or PE")
    if code == node:
        raise InvalidInput(f"{code} is this node itself; a peer is the other country's node")
    key = load_public_key(public_key_pem)
    print_ = fingerprint(key)
    url = _check_url(url)
    peer = session.scalar(select(Peer).where(Peer.code == code))
    if peer is not None and peer.fingerprint != print_:
        raise Conflict(
            f"{code} is registered with another key (fingerprint {peer.fingerprint[:16]}…); "
            "a changed key is a security event: remove the peer first, on purpose"
        )
    if peer is None:
        peer = Peer(
            code=code, url=url, public_key=public_key_pem.strip() + "\n", fingerprint=print_
        )
        session.add(peer)
    else:
        peer.url, peer.active = url, True
    session.flush()
    forget_peers(session)
    audit.record(
        session,
        scope=scope,
        action="exchange.peer.add",
        object_type="peer",
        object_ids=[code],
        detail={"url": url, "fingerprint": print_},
    )
    return peer


def remove_peer(session: Session, *, scope: Scope, code: str) -> None:
    scope.require("admin")
    peer = session.scalar(select(Peer).where(Peer.code == code.upper()))
    if peer is None:
        raise NotFound(f"no peer {code!r}")
    session.delete(peer)
    session.flush()
    forget_peers(session)
    audit.record(
        session, scope=scope, action="exchange.peer.remove", object_type="peer", object_ids=[code]
    )


@dataclass(frozen=True)
class LinkState:
    peer: str
    url: str
    fingerprint: str
    last_seq: int  # sent: the last sequence number given out
    acked_seq: int  # the peer applied up to here
    pending: int  # written, not yet acknowledged
    oldest_pending_at: dt.datetime | None
    rejected_by_peer: int
    applied_seq: int  # received: applied here, contiguous
    peer_last_seq: int  # the peer's head, as last told
    held: int  # received after a gap, waiting
    first_gap: int | None  # the first missing sequence number, if envelopes wait for it
    rejected_here: int
    last_sent_at: dt.datetime | None
    last_ack_at: dt.datetime | None
    last_received_at: dt.datetime | None
    failures: int
    last_error: str | None

    @property
    def lag_seconds(self) -> float | None:
        """How long the oldest unacknowledged envelope has waited."""
        if self.oldest_pending_at is None:
            return None
        return max(0.0, (utcnow() - self.oldest_pending_at).total_seconds())


def link_states(session: Session) -> list[LinkState]:
    states = []
    for peer in session.scalars(select(Peer).order_by(Peer.code)):
        link = session.get(ExchangeLink, peer.code) or ExchangeLink(
            peer_code=peer.code, last_seq=0, acked_seq=0, applied_seq=0, peer_last_seq=0, failures=0
        )
        pending = session.execute(
            select(func.count(), func.min(OutboxEnvelope.created_at)).where(
                OutboxEnvelope.peer_code == peer.code,
                OutboxEnvelope.status == EnvelopeStatus.pending,
            )
        ).one()
        rejected_by_peer = session.scalar(
            select(func.count()).where(
                OutboxEnvelope.peer_code == peer.code,
                OutboxEnvelope.status == EnvelopeStatus.rejected,
            )
        )
        held, first_held = session.execute(
            select(func.count(), func.min(InboxEnvelope.seq)).where(
                InboxEnvelope.origin == peer.code, InboxEnvelope.status == EnvelopeStatus.held
            )
        ).one()
        rejected_here = session.scalar(
            select(func.count()).where(
                InboxEnvelope.origin == peer.code, InboxEnvelope.status == EnvelopeStatus.rejected
            )
        )
        states.append(
            LinkState(
                peer=peer.code,
                url=peer.url,
                fingerprint=peer.fingerprint,
                last_seq=link.last_seq,
                acked_seq=link.acked_seq,
                pending=int(pending[0]),
                oldest_pending_at=pending[1],
                rejected_by_peer=int(rejected_by_peer or 0),
                applied_seq=link.applied_seq,
                peer_last_seq=max(link.peer_last_seq, link.applied_seq),
                held=int(held),
                first_gap=link.applied_seq + 1 if held else None,
                rejected_here=int(rejected_here or 0),
                last_sent_at=link.last_sent_at,
                last_ack_at=link.last_ack_at,
                last_received_at=link.last_received_at,
                failures=link.failures,
                last_error=link.last_error,
            )
        )
    return states
