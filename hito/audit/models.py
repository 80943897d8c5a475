from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime, utcnow


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor: Mapped[str] = mapped_column(String(64))
    actor_agency: Mapped[str] = mapped_column(String(32))
    action: Mapped[str] = mapped_column(String(64), index=True)  # namespaced: "event.create"
    object_type: Mapped[str] = mapped_column(String(32))
    object_ids: Mapped[str] = mapped_column(Text)
    detail: Mapped[str] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class AuditCheckpoint(Base):
    """A node's signed statement of its chain head ("entry N has hash H"), its own or a peer's.

    Each node keeps the checkpoints its peer sent: rewriting or cutting one side's log is then
    provable from the other side's copy."""

    __tablename__ = "audit_checkpoint"
    __table_args__ = (UniqueConstraint("node", "entry_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    node: Mapped[str] = mapped_column(String(2))  # whose chain
    entry_id: Mapped[int]
    entry_hash: Mapped[str] = mapped_column(String(64))
    signed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    body: Mapped[str] = mapped_column(Text)  # canonical JSON the signature covers
    signature: Mapped[str] = mapped_column(String(100))
    received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # None: our own
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
