"""Tables of the exchange: peers, the state of each link, the outbox and inbox (the message log),
seen request nonces, and sharing agreements."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import BigInteger, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from hito.db import Base, UTCDateTime, utcnow
from hito.records import str_enum


class Peer(Base):
    """Another national node: where it answers and the public key its messages are signed with."""

    __tablename__ = "exchange_peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(2), unique=True)
    url: Mapped[str] = mapped_column(String(500))
    public_key: Mapped[str] = mapped_column(Text)  # PEM, SubjectPublicKeyInfo
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of the raw public key, hex
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ExchangeLink(Base):
    """The state of the link with one peer, both ways. Kept apart from the peer's settings, so
    that resetting a link (a test, a rebuilt peer) never touches its key."""

    __tablename__ = "exchange_link"

    peer_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    # this node → peer
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # last sequence number given out
    acked_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the peer applied up to here
    last_sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_ack_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    failures: Mapped[int] = mapped_column(Integer, default=0)  # consecutive failed deliveries
    last_error: Mapped[str | None] = mapped_column(Text)
    last_error_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # peer → this node
    applied_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # contiguous, applied here
    peer_last_seq: Mapped[int] = mapped_column(BigInteger, default=0)  # the peer's head, as told
    last_received_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    last_pushed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)  # by the peer
    last_checkpoint_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    # the agreement the link last ran under: a change starts a resync of what was shared
    agreement_sha: Mapped[str | None] = mapped_column(String(64))


class EnvelopeStatus(enum.StrEnum):
    pending = "pending"  # outbox: not yet acknowledged
    acked = "acked"  # outbox: the peer applied it
    applied = "applied"  # inbox: applied here
    held = "held"  # inbox: authentic, waiting for an earlier sequence number
    rejected = "rejected"  # authentic, refused (the reason says why); the sequence moves on


class OutboxEnvelope(Base):
    """One envelope for one peer, written in the transaction that changed the record."""

    __tablename__ = "exchange_outbox"
    __table_args__ = (
        UniqueConstraint("peer_code", "seq"),
        Index("ix_exchange_outbox_pending", "peer_code", "status", "seq"),
        Index("ix_exchange_outbox_record", "peer_code", "record_uid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_code: Mapped[str] = mapped_column(String(2))
    seq: Mapped[int] = mapped_column(BigInteger)
    record_type: Mapped[str] = mapped_column(String(40))
    record_uid: Mapped[str] = mapped_column(String(36))
    record_version: Mapped[int] = mapped_column(Integer)
    op: Mapped[str] = mapped_column(String(8))  # upsert | retract
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)  # the canonical JSON the signature covers
    signature: Mapped[str | None] = mapped_column(String(100))  # made when it first leaves
    status: Mapped[EnvelopeStatus] = mapped_column(
        str_enum(EnvelopeStatus, "envelope_status"), default=EnvelopeStatus.pending
    )
    reason: Mapped[str | None] = mapped_column(Text)  # why the peer rejected it


class InboxEnvelope(Base):
    """Every envelope received from a peer, as received: applied, held for a gap, or rejected."""

    __tablename__ = "exchange_inbox"
    __table_args__ = (
        UniqueConstraint("origin", "seq"),
        Index("ix_exchange_inbox_status", "origin", "status", "seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    origin: Mapped[str] = mapped_column(String(2))
    seq: Mapped[int] = mapped_column(BigInteger)
    record_type: Mapped[str] = mapped_column(String(40))
    record_uid: Mapped[str] = mapped_column(String(36))
    record_version: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    body: Mapped[str] = mapped_column(Text)
    signature: Mapped[str] = mapped_column(String(100))
    status: Mapped[EnvelopeStatus] = mapped_column(str_enum(EnvelopeStatus, "envelope_status"))
    reason: Mapped[str | None] = mapped_column(Text)


class PendingLink(Base):
    """A received record's link to a record this node does not hold (yet): resolved when that
    record arrives, and recreated when a linked record is withdrawn."""

    __tablename__ = "exchange_pending_link"
    __table_args__ = (Index("ix_exchange_pending_link_target", "target_uid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_type: Mapped[str] = mapped_column(String(40))
    record_uid: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(40))
    target_uid: Mapped[str] = mapped_column(String(36))


class SeenNonce(Base):
    """Nonces of signed requests within the replay window: a request is accepted once."""

    __tablename__ = "exchange_nonce"

    peer_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    seen_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class SharingAgreement(Base):
    """One version of a sharing agreement, exactly as both nodes hold it."""

    __tablename__ = "sharing_agreement"
    __table_args__ = (UniqueConstraint("code", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))  # of the canonical JSON of the document
    document: Mapped[str] = mapped_column(Text)  # canonical JSON
    valid_from: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    valid_to: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    loaded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    loaded_by: Mapped[str] = mapped_column(String(64))
