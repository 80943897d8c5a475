from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from hito.fields import INPUT


class LinkPublic(BaseModel):
    peer: str
    url: str
    fingerprint: str
    last_seq: int = Field(description="Last sequence number given to an envelope for the peer")
    acked_seq: int = Field(description="The peer applied everything up to here")
    pending: int = Field(description="Envelopes written, not yet acknowledged")
    lag_seconds: float | None = Field(description="Age of the oldest unacknowledged envelope")
    rejected_by_peer: int
    applied_seq: int = Field(description="Envelopes from the peer applied here, in order")
    peer_last_seq: int = Field(description="The peer's last sequence number, as last told")
    held: int = Field(description="Envelopes from the peer waiting for a missing one")
    first_gap: int | None = Field(description="The missing sequence number they wait for")
    rejected_here: int
    last_sent_at: dt.datetime | None
    last_ack_at: dt.datetime | None
    last_received_at: dt.datetime | None
    failures: int = Field(description="Consecutive failed deliveries")
    last_error: str | None


class NodePublic(BaseModel):
    node: str
    fingerprint: str | None = Field(description="SHA-256 of this node's public key; null: no key")
    links: list[LinkPublic]


class RulePublic(BaseModel):
    record_type: str
    levels: list[str]
    audience: str
    fields: list[str]


class AgreementPublic(BaseModel):
    code: str
    version: int
    sha256: str
    title: str
    parties: list[str]
    valid_from: dt.datetime
    valid_to: dt.datetime
    in_force: bool
    rules: list[RulePublic]
    notes: str


class AgreementText(BaseModel):
    model_config = INPUT

    document: str = Field(min_length=1, max_length=200_000, description="YAML or JSON")


class AgreementDocumentPublic(BaseModel):
    agreement: AgreementPublic
    document: dict[str, Any]
