"""Signed extracts of the audit log, for the other side to check.

``export_extract`` writes the entries of a period with the hash that precedes them, this node's
checkpoints within it, and a signature over the whole (Ed25519 over its canonical JSON). The
other node checks it with ``verify_extract``: the signature with the key it registered for this
node, the chain entry by entry, and every checkpoint of this node it holds for that period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.audit import GENESIS, digest
from hito.audit.models import AuditCheckpoint, AuditEntry
from hito.exchange.canonical import canonical
from hito.exchange.keys import NodeKey, verify
from hito.exchange.peers import peer_key
from hito.exchange.wire import iso

FORMAT = "hito-audit-extract/1"
FIELDS = ("at", "actor", "actor_agency", "action", "object_type", "object_ids", "detail")


def export_extract(
    session: Session,
    *,
    node: str,
    key: NodeKey,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> dict[str, Any]:
    """The signed extract of the entries written from ``start`` (inclusive) to ``end``."""
    query = select(AuditEntry).order_by(AuditEntry.id)
    if start is not None:
        query = query.where(AuditEntry.at >= start)
    if end is not None:
        query = query.where(AuditEntry.at < end)
    rows = list(session.scalars(query))
    checkpoints: list[dict[str, str]] = []
    if rows:
        held = session.scalars(
            select(AuditCheckpoint)
            .where(
                AuditCheckpoint.node == node,
                AuditCheckpoint.received_at.is_(None),
                AuditCheckpoint.entry_id.between(rows[0].id, rows[-1].id),
            )
            .order_by(AuditCheckpoint.entry_id)
        )
        checkpoints = [{"body": c.body, "signature": c.signature} for c in held]
    extract = {
        "format": FORMAT,
        "node": node,
        "key_fingerprint": key.fingerprint,
        "exported_at": iso(dt.datetime.now(dt.UTC)),
        "from": iso(start),
        "to": iso(end),
        "previous_hash": rows[0].prev_hash if rows else None,
        "entries": [
            {
                "id": e.id,
                "at": e.at.astimezone(dt.UTC).isoformat(),
                "actor": e.actor,
                "actor_agency": e.actor_agency,
                "action": e.action,
                "object_type": e.object_type,
                "object_ids": e.object_ids,
                "detail": e.detail,
                "prev_hash": e.prev_hash,
                "hash": e.hash,
            }
            for e in rows
        ],
        "checkpoints": checkpoints,
    }
    return {"extract": extract, "signature": key.sign(canonical(extract))}


@dataclass
class ExtractReport:
    node: str
    entries: int
    first_id: int | None
    last_id: int | None
    checkpoints_matched: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def verify_extract(session: Session, *, document: Any) -> ExtractReport:
    """Check an extract another node wrote; the report lists every problem found."""
    if not isinstance(document, dict) or not isinstance(document.get("extract"), dict):
        return ExtractReport("??", 0, None, None, problems=["not an audit extract"])
    extract, signature = document["extract"], str(document.get("signature", ""))
    node = str(extract.get("node", "??"))
    entries = extract.get("entries") or []
    report = ExtractReport(
        node,
        len(entries),
        entries[0].get("id") if entries else None,
        entries[-1].get("id") if entries else None,
    )
    if extract.get("format") != FORMAT:
        report.problems.append(f"unknown format {extract.get('format')!r}")
        return report
    peer = peer_key(session, node)
    if peer is None:
        report.problems.append(f"{node} is not a registered peer of this node")
        return report
    try:
        body = canonical(extract)
    except ValueError as error:
        report.problems.append(f"not canonical JSON: {error}")
        return report
    if not verify(peer.public_key, signature, body):
        report.problems.append(f"the signature does not verify with {node}'s registered key")
    previous = extract.get("previous_hash") or GENESIS
    by_id: dict[int, str] = {}
    for entry in entries:
        content = {name: entry.get(name) for name in FIELDS}
        if entry.get("prev_hash") != previous:
            report.problems.append(f"entry {entry.get('id')}: does not follow the entry before it")
            break
        if entry.get("hash") != digest(previous, content):
            report.problems.append(f"entry {entry.get('id')}: its hash does not match its content")
            break
        by_id[int(entry["id"])] = str(entry["hash"])
        previous = str(entry["hash"])
    if report.first_id is not None and report.last_id is not None:
        held = session.scalars(
            select(AuditCheckpoint)
            .where(
                AuditCheckpoint.node == node,
                AuditCheckpoint.entry_id.between(report.first_id, report.last_id),
            )
            .order_by(AuditCheckpoint.entry_id)
        )
        for checkpoint in held:
            if by_id.get(checkpoint.entry_id) != checkpoint.entry_hash:
                report.problems.append(
                    f"entry {checkpoint.entry_id}: differs from the checkpoint {node} signed "
                    f"on {checkpoint.signed_at:%Y-%m-%d %H:%M} (held here)"
                )
                break
            report.checkpoints_matched += 1
    return report
