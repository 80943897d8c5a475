"""The transactional outbox: a change to a shareable record writes its envelopes in the same
transaction, one per peer the agreement lets it go to.

ORM writes are caught at flush (``after_flush``): new, changed and deleted records of a registered
type that belong to this node (received records carry an ``audience`` and never go on). Bulk
writes that bypass the ORM call :func:`publish` themselves. Each envelope gets the next sequence
number of its link; its body, the canonical JSON the signature will cover, holds the record
reduced to the agreed fields. A record the agreement no longer lets go (sharing level lowered,
rule removed) is retracted from each peer it was sent to. The signature is made when the
envelope first leaves (``hito.exchange.delivery``): signing 10,000 envelopes costs about half a
second, which a batch of reports should not wait for.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, UOWTransaction

from hito.db import bulk_insert, utcnow
from hito.exchange.agreements import Agreement, Rule, active_agreement
from hito.exchange.canonical import canonical
from hito.exchange.models import EnvelopeStatus, ExchangeLink, OutboxEnvelope, Peer
from hito.exchange.registry import RecordType, in_link_order, registry, type_of
from hito.exchange.wire import iso
from hito.records import SharedRecord

ENVELOPE_FORMAT = 1
# Delivery loops of this process, woken when a transaction that wrote envelopes commits.
WAKE: set[threading.Event] = set()
_WRITTEN = "hito.outbox_written"
_PEERS = "hito.peers"

OUTBOX = cast(Table, OutboxEnvelope.__table__)
LINK = cast(Table, ExchangeLink.__table__)
PEER = cast(Table, Peer.__table__)


def peer_codes(session: Session) -> list[str]:
    """Active peers, read once per transaction."""
    cached = session.info.get(_PEERS)
    if cached is None:
        cached = list(
            session.connection()
            .execute(select(PEER.c.code).where(PEER.c.active.is_(True)).order_by(PEER.c.code))
            .scalars()
        )
        session.info[_PEERS] = cached
    return list(cached)


def forget_peers(session: Session) -> None:
    """The peers changed in this transaction: read them again at the next flush."""
    session.info.pop(_PEERS, None)


def ensure_link(session: Session, peer: str) -> None:
    dialect = session.get_bind().dialect.name
    statement = (pg_insert if dialect == "postgresql" else sqlite_insert)(LINK).values(
        peer_code=peer, last_seq=0, acked_seq=0, applied_seq=0, peer_last_seq=0, failures=0
    )
    session.connection().execute(statement.on_conflict_do_nothing(index_elements=["peer_code"]))


def allocate(session: Session, peer: str, count: int) -> list[int]:
    """The next ``count`` sequence numbers of the link to ``peer`` (the row lock serialises)."""
    ensure_link(session, peer)
    last = (
        session.connection()
        .execute(
            update(LINK)
            .where(LINK.c.peer_code == peer)
            .values(last_seq=LINK.c.last_seq + count)
            .returning(LINK.c.last_seq)
        )
        .scalar_one()
    )
    return list(range(last - count + 1, last + 1))


def envelope_body(
    *,
    origin: str,
    peer: str,
    seq: int,
    record_type: str,
    uid: str,
    version: int,
    op: str,
    at: Any,
    agreement: Agreement | None,
    level: str | None = None,
    record: dict[str, Any] | None = None,
) -> str:
    body: dict[str, Any] = {
        "v": ENVELOPE_FORMAT,
        "origin": origin,
        "to": peer,
        "seq": seq,
        "type": record_type,
        "uid": uid,
        "version": version,
        "op": op,
        "at": iso(at),
        "agreement": agreement.sha256 if agreement else None,
    }
    if op == "upsert":
        body["level"] = level
        body["record"] = record
    return canonical(body).decode()


def reduce(wire: dict[str, Any], rule: Rule) -> dict[str, Any]:
    """Only the fields the agreement names."""
    return {name: value for name, value in wire.items() if name in rule.fields}


def _last_ops(session: Session, peer: str, uids: Sequence[str]) -> dict[str, str]:
    """What was last sent to ``peer`` about each record: upsert, retract, or nothing."""
    if not uids:
        return {}
    rows = session.connection().execute(
        select(OUTBOX.c.record_uid, OUTBOX.c.op)
        .where(OUTBOX.c.peer_code == peer, OUTBOX.c.record_uid.in_(uids))
        .order_by(OUTBOX.c.seq)
    )
    return {uid: op for uid, op in rows}


def publish(
    session: Session,
    record_type: RecordType,
    records: Sequence[Any],
    *,
    node: str,
    created: bool = False,
    retracted: Iterable[tuple[str, int]] = (),
) -> int:
    """Envelopes for ``records`` (this node's own) and for ``retracted`` (uid, version) pairs,
    to every peer; returns how many were written. ``created``: the records are new, so nothing
    was sent about them before."""
    peers = peer_codes(session)
    gone = list(retracted)
    if not peers or (not records and not gone):
        return 0
    agreement = active_agreement(session)
    going: list[tuple[Any, Rule]] = []
    held_back: list[Any] = []
    for record in records:
        rule = (
            agreement.rule(record_type.name, record.sharing_level)
            if agreement and record_type.leaves(record)
            else None
        )
        if rule is not None:
            going.append((record, rule))
        elif not created:
            held_back.append(record)
    wires = record_type.to_wire(session, [record for record, _ in going]) if going else []
    now = utcnow()
    written = 0
    for peer in peers:
        sent = _last_ops(session, peer, [r.uid for r in held_back] + [uid for uid, _ in gone])
        plan: list[tuple[str, int, str, Any, str | None, dict[str, Any] | None]] = [
            (
                record.uid,
                record.version,
                "upsert",
                record.updated_at or now,
                str(record.sharing_level),
                reduce(wire, rule),
            )
            for (record, rule), wire in zip(going, wires, strict=True)
        ]
        plan += [
            (record.uid, record.version, "retract", now, None, None)
            for record in held_back
            if sent.get(record.uid) == "upsert"
        ]
        plan += [
            (uid, version, "retract", now, None, None)
            for uid, version in gone
            if sent.get(uid) == "upsert"
        ]
        if not plan:
            continue
        seqs = allocate(session, peer, len(plan))
        bulk_insert(
            session,
            OUTBOX,
            [
                {
                    "peer_code": peer,
                    "seq": seq,
                    "record_type": record_type.name,
                    "record_uid": uid,
                    "record_version": version,
                    "op": op,
                    "created_at": now,
                    "status": EnvelopeStatus.pending.value,
                    "body": envelope_body(
                        origin=node,
                        peer=peer,
                        seq=seq,
                        record_type=record_type.name,
                        uid=uid,
                        version=version,
                        op=op,
                        at=at,
                        agreement=agreement,
                        level=level,
                        record=record,
                    ),
                }
                for seq, (uid, version, op, at, level, record) in zip(seqs, plan, strict=True)
            ],
        )
        written += len(plan)
    if written:
        session.info[_WRITTEN] = True
    return written


def _own(instance: Any) -> bool:
    return isinstance(instance, SharedRecord) and instance.audience is None


def publish_flushed(session: Session, _context: UOWTransaction) -> None:
    """``after_flush``: envelopes for this node's records the flush wrote."""
    if not peer_codes(session):
        return
    created: dict[tuple[RecordType, str], list[Any]] = {}
    changed: dict[tuple[RecordType, str], list[Any]] = {}
    deleted: dict[tuple[RecordType, str], list[tuple[str, int]]] = {}
    for instance in session.new:
        record_type = type_of(type(instance)) if _own(instance) else None
        if record_type is not None:
            created.setdefault((record_type, instance.origin_node), []).append(instance)
    for instance in session.dirty:
        record_type = type_of(type(instance)) if _own(instance) else None
        if record_type is not None and session.is_modified(instance, include_collections=False):
            changed.setdefault((record_type, instance.origin_node), []).append(instance)
    for instance in session.deleted:
        record_type = type_of(type(instance)) if _own(instance) else None
        if record_type is not None:
            deleted.setdefault((record_type, instance.origin_node), []).append(
                (instance.uid, instance.version)
            )
    order = {t.name: i for i, t in enumerate(in_link_order(registry().values()))}
    for (record_type, node), records in sorted(created.items(), key=lambda k: order[k[0][0].name]):
        publish(session, record_type, records, node=node, created=True)
    for (record_type, node), records in sorted(changed.items(), key=lambda k: order[k[0][0].name]):
        publish(session, record_type, records, node=node)
    for (record_type, node), gone in deleted.items():
        publish(session, record_type, [], node=node, retracted=gone)


def _after_commit(session: Session) -> None:
    session.info.pop(_PEERS, None)
    if session.info.pop(_WRITTEN, False):
        for wake in list(WAKE):
            wake.set()


def _after_rollback(session: Session) -> None:
    session.info.pop(_PEERS, None)
    session.info.pop(_WRITTEN, None)


def install() -> None:
    """Listen on every session (idempotent); ``hito.exchange`` calls it on import."""
    from sqlalchemy import event

    if not event.contains(Session, "after_flush", publish_flushed):
        registry()  # the record types must be known before the first flush
        event.listen(Session, "after_flush", publish_flushed)
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_soft_rollback", lambda s, _t: _after_rollback(s))
