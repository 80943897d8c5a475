"""What the CLI and the API call: the node, its peers, its agreements."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exchange.agreements import (
    Agreement,
    AgreementDocument,
    active_agreement,
    list_agreements,
    load_agreement,
)
from hito.exchange.models import Peer
from hito.exchange.peers import add_peer, link_states
from hito.exchange.resync import resync
from hito.exchange.schemas import AgreementPublic, LinkPublic, NodePublic, RulePublic


def node_status(session: Session, *, node: str, fingerprint: str | None) -> NodePublic:
    return NodePublic(
        node=node,
        fingerprint=fingerprint,
        links=[
            LinkPublic(
                peer=s.peer,
                url=s.url,
                fingerprint=s.fingerprint,
                last_seq=s.last_seq,
                acked_seq=s.acked_seq,
                pending=s.pending,
                lag_seconds=round(s.lag_seconds, 3) if s.lag_seconds is not None else None,
                rejected_by_peer=s.rejected_by_peer,
                applied_seq=s.applied_seq,
                peer_last_seq=s.peer_last_seq,
                held=s.held,
                first_gap=s.first_gap,
                rejected_here=s.rejected_here,
                last_sent_at=s.last_sent_at,
                last_ack_at=s.last_ack_at,
                last_received_at=s.last_received_at,
                failures=s.failures,
                last_error=s.last_error,
            )
            for s in link_states(session)
        ],
    )


def register_peer(
    session: Session, *, scope: Scope, node: str, code: str, url: str, public_key_pem: str
) -> Peer:
    """Register the other node; what this node already shares under the agreement goes to it."""
    peer = add_peer(
        session, scope=scope, node=node, code=code, url=url, public_key_pem=public_key_pem
    )
    resync(session, node=node, peer=peer.code)
    return peer


def adopt_agreement(
    session: Session, *, scope: Scope, node: str, document: AgreementDocument
) -> tuple[Agreement, bool]:
    """Load a version of the agreement; if it is now in force, each link adjusts to it."""
    agreement, new = load_agreement(session, scope=scope, document=document)
    from hito.exchange.peers import active_peers

    for peer in active_peers(session):
        resync(session, node=node, peer=peer.code)
    return agreement, new


def introduce(
    session: Session,
    *,
    scope: Scope,
    node: str,
    peer: str,
    url: str,
    public_key_pem: str,
    document: AgreementDocument,
) -> None:
    """Set a node up to exchange with its peer under ``document`` (idempotent): what an
    operator does with `hito agreement load` and `hito node add-peer`."""
    if not list_agreements(session):
        adopt_agreement(session, scope=scope, node=node, document=document)
    known = session.scalar(select(Peer).where(Peer.code == peer))
    if known is None or known.url != url.rstrip("/"):
        register_peer(
            session, scope=scope, node=node, code=peer, url=url, public_key_pem=public_key_pem
        )


def agreement_public(agreement: Agreement, *, in_force: bool) -> AgreementPublic:
    document = agreement.document
    return AgreementPublic(
        code=agreement.code,
        version=agreement.version,
        sha256=agreement.sha256,
        title=document.title,
        parties=list(document.parties),
        valid_from=agreement.valid_from,
        valid_to=agreement.valid_to,
        in_force=in_force,
        rules=[
            RulePublic(
                record_type=name,
                levels=[str(level) for level in rule.levels],
                audience=str(rule.audience),
                fields=list(rule.fields),
            )
            for name, rules in document.record_types.items()
            for rule in rules
        ],
        notes=document.notes,
    )


def agreements_public(session: Session) -> list[AgreementPublic]:
    current = active_agreement(session)
    return [
        agreement_public(a, in_force=current is not None and a.sha256 == current.sha256)
        for a in list_agreements(session)
    ]


def current_document(session: Session) -> tuple[AgreementPublic, dict[str, object]] | None:
    current = active_agreement(session, at=utcnow())
    if current is None:
        return None
    return agreement_public(current, in_force=True), json.loads(current.document.model_dump_json())
