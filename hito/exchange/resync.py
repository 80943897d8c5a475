"""When the agreement in force changes (a new version, or the old one ends), both sides adjust
what they hold, each on its own, so that no record outlives the agreement that let it go.

- As origin: every record of this node whose rule changed is sent again under the new rule (the
  new fields) or retracted (no rule any more). Records whose rule did not change are left alone.
- As receiver: every record received from the peer whose rule changed is withdrawn here; the
  origin's own resync sends it again under the new rule, if the new rule lets it go at all.
"""

from __future__ import annotations

import logging

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scoping import unscoped
from hito.exchange.agreements import Agreement, Rule, active_agreement, agreement_by_sha
from hito.exchange.models import ExchangeLink, PendingLink
from hito.exchange.outbox import ensure_link, publish
from hito.exchange.peers import peer_scope
from hito.exchange.registry import ApplyContext, RecordType, in_link_order, registry
from hito.pagination import by_id_chunks
from hito.records import SharingLevel

log = logging.getLogger("hito.exchange")
CHUNK = 2000


def _rule(agreement: Agreement | None, record_type: str, level: SharingLevel) -> Rule | None:
    return agreement.rule(record_type, level) if agreement else None


def _changed_levels(
    old: Agreement | None, new: Agreement | None, record_type: RecordType
) -> list[SharingLevel]:
    return [
        level
        for level in SharingLevel
        if _rule(old, record_type.name, level) != _rule(new, record_type.name, level)
    ]


def resync(session: Session, *, node: str, peer: str) -> dict[str, int] | None:
    """Adjust to the agreement in force if it changed since the link last ran; None if it did
    not, else how many records were sent again and withdrawn. Runs in the caller's transaction."""
    ensure_link(session, peer)
    link = session.get(ExchangeLink, peer)
    assert link is not None
    new = active_agreement(session)
    new_sha = new.sha256 if new else None
    if link.agreement_sha == new_sha:
        return None
    old = agreement_by_sha(session, link.agreement_sha) if link.agreement_sha else None
    sent = withdrawn = 0
    with unscoped(session):
        for record_type in in_link_order(registry().values()):
            levels = _changed_levels(old, new, record_type)
            if not levels:
                continue
            model = record_type.model
            own = select(model).where(
                model.origin_node == node, model.audience.is_(None), model.sharing_level.in_(levels)
            )
            for chunk in by_id_chunks(session, own, size=CHUNK):
                sent += publish(session, record_type, chunk, node=node)
            received = select(model.uid).where(
                model.origin_node == peer, model.sharing_level.in_(levels)
            )
            uids = list(session.scalars(received))
            if uids:
                context = ApplyContext(session=session, node=node)
                for start in range(0, len(uids), CHUNK):
                    withdrawn += record_type.withdraw(context, uids[start : start + CHUNK])
                _remember(session, context)
    session.execute(
        update(ExchangeLink).where(ExchangeLink.peer_code == peer).values(agreement_sha=new_sha)
    )
    audit.record(
        session,
        scope=peer_scope(peer, node),
        action="agreement.resync",
        object_type="agreement",
        object_ids=[new_sha or "none"],
        detail={"previous": link.agreement_sha, "sent": sent, "withdrawn": withdrawn},
    )
    log.info(
        "agreement changed on the link with %s: %d sent again, %d withdrawn", peer, sent, withdrawn
    )
    return {"sent": sent, "withdrawn": withdrawn}


def _remember(session: Session, context: ApplyContext) -> None:
    if context.pending_links:
        session.execute(
            insert(PendingLink),
            [
                {
                    "record_type": record_type,
                    "record_uid": uid,
                    "field": field_name,
                    "target_type": target_type,
                    "target_uid": target,
                }
                for record_type, uid, field_name, target_type, target in context.pending_links
            ],
        )
        context.pending_links.clear()
