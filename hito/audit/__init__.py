"""Append-only, hash-chained audit log: every write and every read of personal data.

Each entry's hash covers its content and the previous entry's hash, so any edit or deletion of
an earlier entry breaks :func:`verify_chain`. Appends are serialised (PostgreSQL: an advisory lock
held to commit; SQLite: every transaction is BEGIN IMMEDIATE) so the chain never forks.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hito.audit.models import AuditCheckpoint, AuditEntry
from hito.auth.scope import Scope
from hito.db import utcnow

__all__ = [
    "GENESIS",
    "AuditCheckpoint",
    "AuditEntry",
    "digest",
    "entries",
    "entry_body",
    "record",
    "verify_chain",
]

GENESIS = "0" * 64
SECRET_KEYS = {"password", "token", "access_token", "secret", "secret_key"}
_LOCK_KEY = 0x48_49_54_4F  # "HITO"


def _blank_secrets(detail: dict[str, Any]) -> dict[str, Any]:
    return {k: ("***" if k.lower() in SECRET_KEYS else v) for k, v in detail.items()}


def digest(prev_hash: str, body: dict[str, Any]) -> str:
    """An entry's hash: over the previous entry's hash and the entry's own content."""
    canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def entry_body(entry: AuditEntry) -> dict[str, Any]:
    """What an entry's hash covers."""
    return {
        "at": entry.at.astimezone(dt.UTC).isoformat(),
        "actor": entry.actor,
        "actor_agency": entry.actor_agency,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_ids": entry.object_ids,
        "detail": entry.detail,
    }


def record(
    session: Session,
    *,
    scope: Scope,
    action: str,
    object_type: str,
    object_ids: Iterable[int | str] = (),
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry in the caller's transaction (it commits or rolls back with the work)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK_KEY})
    prev = session.scalar(select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1))
    entry = AuditEntry(
        at=utcnow().replace(microsecond=0),
        actor=scope.username,
        actor_agency=scope.agency_code,
        action=action,
        object_type=object_type,
        object_ids=",".join(str(i) for i in object_ids),
        detail=json.dumps(_blank_secrets(detail or {}), sort_keys=True, ensure_ascii=False),
        prev_hash=prev or GENESIS,
    )
    entry.hash = digest(entry.prev_hash, entry_body(entry))
    session.add(entry)
    session.flush()
    return entry


def verify_chain(session: Session) -> int | None:
    """Id of the first entry that breaks the chain, or None when the log is intact."""
    prev = GENESIS
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000):
        if entry.prev_hash != prev or entry.hash != digest(prev, entry_body(entry)):
            return entry.id
        prev = entry.hash
    return None


def entries(session: Session, *, action: str | None = None, limit: int = 100) -> list[AuditEntry]:
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEntry.action == action)
    return list(session.scalars(query))
