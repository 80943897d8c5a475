"""Applying what a peer sends: authentic, in order, once, and only what the agreement allows.

:func:`receive` takes a batch of envelopes from one peer and, in the caller's transaction:

- refuses what is not authentic (not canonical JSON, bad signature, wrong origin or addressee):
  not stored as applied, and the sequence does not move, since the genuine envelope may come;
- ignores what was already applied (a replay), and flags one that differs from what was applied
  under its sequence number;
- holds what comes after a gap until the gap is filled (delivery is ordered per origin);
- applies the next envelopes in order, or rejects them with the reason (a record type or field the
  agreement of this node does not allow, a stale version, a record that fails its own
  validation, a global id of this node's own records): a rejected envelope is authentic, so the
  sequence moves on past it and the sender learns why.

The caller commits, then acknowledges: the acknowledgement and the applied records are atomic.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, Literal, cast

import orjson
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import Table, delete, insert, select, update
from sqlalchemy.orm import Session

from hito import audit
from hito.db import utcnow
from hito.exchange.agreements import Agreement, active_agreement
from hito.exchange.canonical import NotCanonical
from hito.exchange.keys import verify
from hito.exchange.models import EnvelopeStatus, ExchangeLink, InboxEnvelope, PendingLink
from hito.exchange.outbox import ensure_link
from hito.exchange.peers import PeerKey, peer_scope
from hito.exchange.registry import ApplyContext, Incoming, RecordType, registry
from hito.exchange.resync import resync
from hito.fields import UUID_PATTERN
from hito.records import Audience, SharingLevel

INBOX = cast(Table, InboxEnvelope.__table__)
_CORES = os.cpu_count() or 1
_VERIFIERS = ThreadPoolExecutor(max_workers=_CORES, thread_name_prefix="hito-verify")
LINK = cast(Table, ExchangeLink.__table__)
PENDING = cast(Table, PendingLink.__table__)


class EnvelopeHeader(BaseModel):
    """What every envelope states about itself (its record is checked by the record type)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    v: Literal[1]
    origin: str = Field(pattern=r"^[A-Z]{2}$")
    to: str = Field(pattern=r"^[A-Z]{2}$")
    seq: int = Field(ge=1)
    type: str = Field(min_length=1, max_length=40)
    uid: str = Field(pattern=UUID_PATTERN)
    version: int = Field(ge=1)
    op: Literal["upsert", "retract"]
    at: str
    agreement: str | None
    level: SharingLevel | None = Field(None, strict=False)
    record: dict[str, Any] | None = None


@dataclass
class Delivered:
    """One envelope as it arrives: the exact body text and its detached signature."""

    envelope: str
    signature: str


@dataclass
class Outcome:
    applied: list[int] = field(default_factory=list)
    rejected: list[tuple[int, str]] = field(default_factory=list)
    held: list[int] = field(default_factory=list)
    replayed: list[int] = field(default_factory=list)
    refused: list[tuple[int, str]] = field(default_factory=list)  # position in the batch, why
    applied_seq: int = 0

    def acknowledgement(self) -> dict[str, Any]:
        return {
            "applied_seq": self.applied_seq,
            "applied": len(self.applied),
            "rejected": [{"seq": seq, "reason": reason} for seq, reason in self.rejected],
            "held": self.held,
            "replayed": len(self.replayed),
            "refused": [{"index": index, "reason": reason} for index, reason in self.refused],
        }


@dataclass
class _Checked:
    seq: int
    header: EnvelopeHeader
    body: str
    signature: str
    held_before: bool = False


def _authentic(
    delivered: Sequence[Delivered],
    peer: PeerKey,
    node: str,
    outcome: Outcome,
    applied_seq: int,
    replays: list[tuple[int, str]],
) -> list[_Checked]:
    """The authentic envelopes after ``applied_seq``, in order; older ones go to ``replays``
    unverified (they are never applied again, only compared with what was)."""
    readable: list[tuple[int, Delivered, Any]] = []
    for index, item in enumerate(delivered):
        try:
            parsed = orjson.loads(item.envelope)
            # the signed bytes, read back and written again, come out the same: no duplicate
            # keys, no other order or spacing another reader could take differently
            if orjson.dumps(parsed, option=orjson.OPT_SORT_KEYS) != item.envelope.encode():
                raise NotCanonical("the envelope is not in canonical JSON form")
        except (orjson.JSONDecodeError, NotCanonical) as error:
            outcome.refused.append((index, f"unreadable envelope: {error}"))
            continue
        seq = parsed.get("seq") if isinstance(parsed, dict) else None
        if isinstance(seq, int) and not isinstance(seq, bool) and 0 < seq <= applied_seq:
            replays.append((seq, item.envelope))
            continue
        readable.append((index, item, parsed))
    verified = _verify_all(peer, [item for _, item, _ in readable])
    checked: dict[int, _Checked] = {}
    for (index, item, parsed), authentic in zip(readable, verified, strict=True):
        if not authentic:
            outcome.refused.append((index, f"signature does not verify with {peer.code}'s key"))
            continue
        try:
            header = EnvelopeHeader.model_validate(parsed)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            outcome.refused.append((index, f"malformed envelope: {where}: {first['msg']}"))
            continue
        if header.origin != peer.code or header.to != node:
            outcome.refused.append(
                (index, f"envelope from {header.origin} to {header.to} on the link {peer.code}")
            )
            continue
        if header.seq in checked and checked[header.seq].body != item.envelope:
            outcome.refused.append((index, f"two different envelopes with seq {header.seq}"))
            continue
        checked[header.seq] = _Checked(header.seq, header, item.envelope, item.signature)
    return sorted(checked.values(), key=lambda c: c.seq)


def _verify_all(peer: PeerKey, items: Sequence[Delivered]) -> list[bool]:
    """Ed25519 verification releases the GIL: a large batch is checked in slices, one per core."""
    if len(items) < 64 or _CORES < 2:
        return [verify(peer.public_key, i.signature, i.envelope.encode()) for i in items]
    size = -(-len(items) // _CORES)
    slices = [items[start : start + size] for start in range(0, len(items), size)]
    results = _VERIFIERS.map(
        lambda part: [verify(peer.public_key, i.signature, i.envelope.encode()) for i in part],
        slices,
    )
    return [ok for part in results for ok in part]


class _Applier:
    """Applies a run of envelopes in sequence order, grouping consecutive ones of one kind."""

    def __init__(self, session: Session, node: str, agreement: Agreement | None) -> None:
        self.session = session
        self.node = node
        self.agreement = agreement
        self.context = ApplyContext(session=session, node=node)
        self.run: list[Incoming] = []
        self.run_uids: set[str] = set()
        self.run_key: tuple[str, str] | None = None
        self.held: dict[str, dict[str, tuple[int, str]]] = {}  # type → uid → (version, origin)

    def prefetch(self, headers: Sequence[EnvelopeHeader]) -> None:
        """What this node holds of the batch's records, in one query per record type."""
        wanted: dict[str, set[str]] = {}
        for header in headers:
            wanted.setdefault(header.type, set()).add(header.uid)
        for name, uids in wanted.items():
            record_type = registry().get(name)
            if record_type is None:
                continue
            table = record_type.table
            known = self.held.setdefault(name, {})
            for start in range(0, len(uids), 900):
                chunk = list(uids)[start : start + 900]
                rows = self.session.execute(
                    select(table.c.uid, table.c.version, table.c.origin_node).where(
                        table.c.uid.in_(chunk)
                    )
                )
                known.update((uid, (version, origin)) for uid, version, origin in rows)

    def _holding(self, record_type: RecordType, uid: str) -> tuple[int, str] | None:
        return self.held.setdefault(record_type.name, {}).get(uid)

    def flush(self) -> None:
        if not self.run or self.run_key is None:
            return
        name, op = self.run_key
        record_type = registry()[name]
        if op == "upsert":
            record_type.store(self.context, self.run)
            uids = {item.uid for item in self.run}
            self._resolve_links(record_type, uids)
            record_type.after_store(self.context, uids)
        else:
            record_type.withdraw(self.context, [item.uid for item in self.run])
        self._remember_links()
        self.run, self.run_key, self.run_uids = [], None, set()

    def _remember_links(self) -> None:
        if self.context.pending_links:
            self.session.execute(
                insert(PENDING),
                [
                    {
                        "record_type": record_type,
                        "record_uid": uid,
                        "field": field_name,
                        "target_type": target_type,
                        "target_uid": target,
                    }
                    for record_type, uid, field_name, target_type, target in (
                        self.context.pending_links
                    )
                ],
            )
            self.context.pending_links.clear()

    def _resolve_links(self, target: RecordType, uids: set[str]) -> None:
        waiting = self.session.execute(
            select(PENDING).where(
                PENDING.c.target_uid.in_(uids), PENDING.c.target_type == target.name
            )
        ).all()
        if not waiting:
            return
        ids = self.context.local_ids(target.name, uids)
        types = registry()
        for row in waiting:
            source = types[row.record_type]
            column = source.fields[row.field].column
            if column is not None and row.target_uid in ids:
                table = source.table
                self.session.execute(
                    update(table)
                    .where(table.c.uid == row.record_uid)
                    .values({column: ids[row.target_uid]})
                )
        self.session.execute(delete(PENDING).where(PENDING.c.id.in_([r.id for r in waiting])))

    def apply(self, checked: _Checked) -> str | None:
        """Apply one envelope (added to the current run); the reason when it is rejected."""
        header = checked.header
        record_type = registry().get(header.type)
        if record_type is None:
            return f"record type {header.type!r} is unknown on this node"
        held = self._holding(record_type, header.uid)
        if held is not None and held[1] != header.origin:
            return f"{header.uid} is a record of {held[1]}, not of {header.origin}"
        if held is not None and header.version < held[0]:
            return f"stale version {header.version}: this node holds version {held[0]}"
        key = (header.type, header.op)
        if self.run_key != key or header.uid in self.run_uids:
            self.flush()
        at = dt.datetime.fromisoformat(header.at)
        if header.op == "retract":
            self.run_key = key
            self.run.append(
                Incoming(
                    header.uid,
                    header.origin,
                    header.version,
                    SharingLevel.binational,
                    Audience.all,
                    at,
                    {},
                )
            )
            self.run_uids.add(header.uid)
            self.held[record_type.name].pop(header.uid, None)
            return None
        if self.agreement is None:
            return "no sharing agreement is in force on this node"
        if header.level is None or header.record is None:
            return "an upsert carries a sharing level and a record"
        rule = self.agreement.rule(header.type, header.level)
        if rule is None:
            return f"{header.type} records at level {header.level} are not in the agreement"
        extra = sorted(set(header.record) - rule.fields)
        if extra:
            return f"field(s) not agreed for {header.type} at {header.level}: {', '.join(extra)}"
        missing = sorted(record_type.structural - set(header.record))
        if missing:
            return f"a {header.type} needs {', '.join(missing)}"
        try:
            record = record_type.validate(header.record)
            marker = len(self.context.pending_links)
            row = record_type.columns(record, self.context, header.uid)
        except ValueError as error:
            del self.context.pending_links[marker:]
            return f"invalid {header.type}: {error}"
        self.run_key = key
        self.run.append(
            Incoming(
                header.uid,
                header.origin,
                header.version,
                header.level,
                rule.audience,
                at,
                record,
                row,
            )
        )
        self.run_uids.add(header.uid)
        self.held[record_type.name][header.uid] = (header.version, header.origin)
        return None


def _link_state(session: Session, peer: str) -> int:
    ensure_link(session, peer)
    return int(
        session.execute(
            select(LINK.c.applied_seq).where(LINK.c.peer_code == peer).with_for_update()
        ).scalar_one()
    )


def _digest(signatures: Sequence[str]) -> str:
    """One hash binding every envelope of a batch, in order: over their signatures, each of
    which binds its envelope (recomputable from the inbox, the message log)."""
    return hashlib.sha256("".join(signatures).encode()).hexdigest()


def receive(
    session: Session,
    *,
    node: str,
    peer: PeerKey,
    delivered: Sequence[Delivered],
    peer_head: int | None = None,
) -> Outcome:
    """Apply a batch from ``peer`` in the caller's transaction (see the module's docstring)."""
    outcome = Outcome()
    applied_seq = _link_state(session, peer.code)
    replays: list[tuple[int, str]] = []
    checked = _authentic(delivered, peer, node, outcome, applied_seq, replays)
    # An agreement that changed is adjusted to before anything is applied under it.
    resync(session, node=node, peer=peer.code)
    fresh = {c.seq: c for c in checked}
    if replays:
        stored = dict(
            session.execute(
                select(INBOX.c.seq, INBOX.c.body).where(
                    INBOX.c.origin == peer.code, INBOX.c.seq.in_([seq for seq, _ in replays])
                )
            ).all()
        )
        for seq, body in replays:
            if seq in stored and stored[seq] != body:
                outcome.refused.append(
                    (-1, f"seq {seq} differs from the envelope applied under it")
                )
            else:
                outcome.replayed.append(seq)
    already_held = {
        row.seq: _Checked(
            row.seq,
            EnvelopeHeader.model_validate(orjson.loads(row.body)),
            row.body,
            row.signature,
            held_before=True,
        )
        for row in session.execute(
            select(INBOX.c.seq, INBOX.c.body, INBOX.c.signature).where(
                INBOX.c.origin == peer.code,
                INBOX.c.status == EnvelopeStatus.held.value,
                INBOX.c.seq > applied_seq,
            )
        )
    }
    waiting = {**fresh, **already_held}
    applier = _Applier(session, node, active_agreement(session))
    applier.prefetch([item.header for item in waiting.values()])
    now = utcnow()
    rows: list[dict[str, Any]] = []
    promoted: list[tuple[int, str, str | None]] = []
    applied_signatures: list[str] = []
    while applied_seq + 1 in waiting:
        item = waiting.pop(applied_seq + 1)
        reason = applier.apply(item)
        applied_seq = item.seq
        status = EnvelopeStatus.rejected if reason else EnvelopeStatus.applied
        if reason:
            outcome.rejected.append((item.seq, reason))
        else:
            outcome.applied.append(item.seq)
            applied_signatures.append(item.signature)
        if item.held_before:
            promoted.append((item.seq, status.value, reason))
        else:
            rows.append(_inbox_row(peer.code, item, status, reason, now))
    applier.flush()
    for seq, item in sorted(waiting.items()):
        outcome.held.append(seq)
        if not item.held_before:
            rows.append(_inbox_row(peer.code, item, EnvelopeStatus.held, None, now))
    if rows:
        session.execute(insert(INBOX), rows)
    for seq, state, reason in promoted:
        session.execute(
            update(INBOX)
            .where(INBOX.c.origin == peer.code, INBOX.c.seq == seq)
            .values(status=state, reason=reason)
        )
    newest = max([peer_head or 0, *[c.seq for c in checked]])
    session.execute(
        update(LINK)
        .where(LINK.c.peer_code == peer.code)
        .values(
            applied_seq=applied_seq,
            peer_last_seq=_greatest(LINK.c.peer_last_seq, newest),
            last_received_at=now,
        )
    )
    outcome.applied_seq = applied_seq
    _audit(session, node, peer.code, outcome, applied_signatures)
    return outcome


def _greatest(column: Any, value: int) -> Any:
    from sqlalchemy import case

    return case((column > value, column), else_=value)


def _inbox_row(
    origin: str, item: _Checked, status: EnvelopeStatus, reason: str | None, now: dt.datetime
) -> dict[str, Any]:
    return {
        "origin": origin,
        "seq": item.seq,
        "record_type": item.header.type[:40],
        "record_uid": item.header.uid,
        "record_version": item.header.version,
        "received_at": now,
        "body": item.body,
        "signature": item.signature,
        "status": status.value,
        "reason": reason,
    }


def _audit(
    session: Session, node: str, peer: str, outcome: Outcome, applied_signatures: list[str]
) -> None:
    actor = peer_scope(peer, node)
    if outcome.applied:
        audit.record(
            session,
            scope=actor,
            action="exchange.receive",
            object_type="envelope",
            object_ids=[f"{peer}:{outcome.applied[0]}..{outcome.applied[-1]}"],
            detail={"count": len(outcome.applied), "digest": _digest(applied_signatures)},
        )
    if outcome.rejected:
        audit.record(
            session,
            scope=actor,
            action="exchange.reject",
            object_type="envelope",
            object_ids=[f"{peer}:{seq}" for seq, _ in outcome.rejected][:50],
            detail={"reasons": [reason for _, reason in outcome.rejected][:50]},
        )
    if outcome.refused:
        audit.record(
            session,
            scope=actor,
            action="exchange.refuse",
            object_type="envelope",
            object_ids=[str(index) for index, _ in outcome.refused][:50],
            detail={"reasons": [reason for _, reason in outcome.refused][:50]},
        )
