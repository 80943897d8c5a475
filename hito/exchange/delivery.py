"""Delivery between nodes: push the outbox to each peer, pull what a peer holds for us.

Both paths end in the same idempotent, ordered apply (``hito.exchange.inbox``), so running them
together, repeating them after a cut, or receiving an answer twice never duplicates a record.
An envelope is signed when it first leaves; if the agreement changed since it was written, it is
first reduced to what the agreement in force allows (or becomes a retraction): what leaves is
always what the agreement allows at that moment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast
from urllib.parse import urlencode

import httpx
import orjson
from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session, sessionmaker

from hito import audit
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.exchange.agreements import active_agreement
from hito.exchange.canonical import canonical
from hito.exchange.inbox import Delivered, Outcome, receive
from hito.exchange.keys import NodeKey
from hito.exchange.models import EnvelopeStatus, ExchangeLink, OutboxEnvelope
from hito.exchange.outbox import WAKE, ensure_link, reduce
from hito.exchange.peers import PeerKey, peer_scope
from hito.exchange.transport import NONCE, NotAuthentic, sign_request, verify_response
from hito.settings import Settings

log = logging.getLogger("hito.exchange")
OUTBOX = cast(Table, OutboxEnvelope.__table__)
LINK = cast(Table, ExchangeLink.__table__)
INBOX_PATH = "/exchange/v1/inbox"
OUTBOX_PATH = "/exchange/v1/outbox"


class DeliveryFailed(Exception):
    """The peer could not be reached, or its answer was not one to trust."""


# When a peer last called this process (it is up): a delivery loop in backoff retries at once.
PEER_SEEN: dict[str, float] = {}


def peer_seen(code: str) -> None:
    PEER_SEEN[code] = time.monotonic()
    for wake in list(WAKE):
        wake.set()


def sign_pending(session: Session, *, key: NodeKey, peer: str, after: int, limit: int) -> list[Any]:
    """The next envelopes for ``peer`` after ``after``, signed (signing those not yet signed)."""
    rows = session.execute(
        select(OUTBOX.c.id, OUTBOX.c.seq, OUTBOX.c.body, OUTBOX.c.signature)
        .where(OUTBOX.c.peer_code == peer, OUTBOX.c.seq > after)
        .order_by(OUTBOX.c.seq)
        .limit(limit)
    ).all()
    agreement = active_agreement(session)
    signed, fresh = [], []
    for row in rows:
        body, signature = row.body, row.signature
        if signature is None:
            body = _as_agreed_now(body, agreement)
            signature = key.sign(body.encode())
            op = "retract" if '"op":"retract"' in body else "upsert"
            fresh.append({"_id": row.id, "_body": body, "_signature": signature, "_op": op})
        signed.append({"seq": row.seq, "envelope": body, "signature": signature})
    if fresh:
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == bindparam("_id"))
            .values(
                body=bindparam("_body"), signature=bindparam("_signature"), op=bindparam("_op")
            ),
            fresh,
        )
    return signed


def _as_agreed_now(body: str, agreement: Any) -> str:
    """An unsigned envelope written under another agreement, re-reduced to the one in force."""
    envelope = orjson.loads(body)
    sha = agreement.sha256 if agreement else None
    if envelope["agreement"] == sha:
        return body
    envelope["agreement"] = sha
    if envelope["op"] == "upsert":
        rule = agreement.rule(envelope["type"], envelope["level"]) if agreement else None
        if rule is None:
            envelope["op"] = "retract"
            envelope.pop("level")
            envelope.pop("record")
        else:
            envelope["record"] = reduce(envelope["record"], rule)
    return canonical(envelope).decode()


def digest(signatures: Sequence[str]) -> str:
    """One hash binding a batch of envelopes, in order: over their signatures, each of which
    binds its envelope (recomputable from the outbox or the inbox, the message log)."""
    return hashlib.sha256("".join(signatures).encode()).hexdigest()


def mark_acknowledged(
    session: Session, *, node: str, peer: str, applied_seq: int, rejected: list[dict[str, Any]]
) -> int:
    """Record what the peer applied (and rejected); returns how many envelopes it concerns."""
    ensure_link(session, peer)
    pending = session.execute(
        select(OUTBOX.c.seq, OUTBOX.c.signature).where(
            OUTBOX.c.peer_code == peer,
            OUTBOX.c.status == EnvelopeStatus.pending.value,
            OUTBOX.c.seq <= applied_seq,
        )
    ).all()
    if not pending:
        return 0
    reasons = {int(r["seq"]): str(r["reason"])[:2000] for r in rejected}
    session.execute(
        update(OUTBOX)
        .where(
            OUTBOX.c.peer_code == peer,
            OUTBOX.c.status == EnvelopeStatus.pending.value,
            OUTBOX.c.seq <= applied_seq,
        )
        .values(status=EnvelopeStatus.acked.value)
    )
    for seq, reason in reasons.items():
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.peer_code == peer, OUTBOX.c.seq == seq)
            .values(status=EnvelopeStatus.rejected.value, reason=reason)
        )
    now = utcnow()
    session.execute(
        update(LINK)
        .where(LINK.c.peer_code == peer, LINK.c.acked_seq < applied_seq)
        .values(acked_seq=applied_seq, last_ack_at=now)
    )
    seqs = [row.seq for row in pending]
    audit.record(
        session,
        scope=peer_scope(peer, node),
        action="exchange.send",
        object_type="envelope",
        object_ids=[f"{peer}:{seqs[0]}..{seqs[-1]}"],
        detail={
            "count": len(seqs),
            "digest": digest([row.signature or "" for row in pending]),
            "rejected_by_peer": len(reasons),
        },
    )
    if reasons:
        log.warning(
            "%s rejected %d envelope(s): %s", peer, len(reasons), list(reasons.values())[:3]
        )
    return len(seqs)


@dataclasses.dataclass
class Exchange:
    """This node's side of the exchange with its peers, over real HTTP."""

    settings: Settings
    sessions: sessionmaker[Session]
    key: NodeKey
    transport: httpx.BaseTransport | None = None
    _clients: dict[str, httpx.Client] = dataclasses.field(default_factory=dict)

    @property
    def node(self) -> str:
        return self.settings.node

    def _client(self, peer: PeerKey) -> httpx.Client:
        client = self._clients.get(peer.url)
        if client is None:
            client = httpx.Client(
                base_url=peer.url,
                timeout=self.settings.exchange_timeout,
                transport=self.transport,
                headers={"User-Agent": f"hito-node/{self.node}"},
            )
            self._clients[peer.url] = client
        return client

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()

    def request(
        self,
        peer: PeerKey,
        method: str,
        path: str,
        *,
        query: dict[str, Any] | None = None,
        body: dict[str, Any] | None = None,
    ) -> Any:
        """A signed request to ``peer`` and its verified answer, or DeliveryFailed."""
        target = path + ("?" + urlencode(query) if query else "")
        content = orjson.dumps(body) if body is not None else b""
        headers = sign_request(self.key, self.node, method, target, content)
        try:
            answer = self._client(peer).request(
                method,
                target,
                content=content,
                headers={**headers, "Content-Type": "application/json"},
            )
        except httpx.HTTPError as error:
            raise DeliveryFailed(
                f"{peer.code} unreachable: {type(error).__name__}: {error}"
            ) from None
        try:
            verify_response(
                peer,
                status=answer.status_code,
                nonce=headers[NONCE],
                body=answer.content,
                headers=answer.headers,
                window=self.settings.replay_window,
            )
        except NotAuthentic as error:
            said = answer.text[:300] if answer.status_code != 200 else ""
            raise DeliveryFailed(
                f"{peer.code} answered {answer.status_code}: {error}"
                + (f" ({said})" if said else "")
            ) from None
        if answer.status_code != 200:
            detail = answer.text[:300]
            raise DeliveryFailed(f"{peer.code} answered {answer.status_code}: {detail}")
        return orjson.loads(answer.content)

    def _failed(self, peer: PeerKey, error: Exception) -> None:
        with self.sessions() as session:
            ensure_link(session, peer.code)
            session.execute(
                update(LINK)
                .where(LINK.c.peer_code == peer.code)
                .values(
                    failures=LINK.c.failures + 1,
                    last_error=str(error)[:1000],
                    last_error_at=utcnow(),
                )
            )
            session.commit()

    def _succeeded(self, session: Session, peer: str) -> None:
        session.execute(
            update(LINK)
            .where(LINK.c.peer_code == peer)
            .values(failures=0, last_error=None, last_sent_at=utcnow())
        )

    def _signed_after(self, peer: PeerKey, after: int | None) -> tuple[list[Any], int]:
        """The next batch for ``peer`` (after its acknowledged sequence number, or ``after``),
        signed, and the link's last sequence number."""
        with self.sessions() as session, unscoped(session):
            ensure_link(session, peer.code)
            acked, last = session.execute(
                select(LINK.c.acked_seq, LINK.c.last_seq).where(LINK.c.peer_code == peer.code)
            ).one()
            batch = sign_pending(
                session,
                key=self.key,
                peer=peer.code,
                after=max(acked, after or 0),
                limit=self.settings.exchange_batch,
            )
            session.commit()
        return batch, int(last)

    def push(self, peer: PeerKey) -> int:
        """Send pending envelopes to ``peer`` in batches until none is left; how many were
        acknowledged. The next batch is signed while the current one is on its way.
        DeliveryFailed when the peer cannot be reached or answered wrongly."""
        total = 0
        batch, head = self._signed_after(peer, None)
        with ThreadPoolExecutor(1, thread_name_prefix="hito-push") as pool:
            while batch:
                envelopes = [{k: e[k] for k in ("envelope", "signature")} for e in batch]
                sending = pool.submit(
                    self.request,
                    peer,
                    "POST",
                    INBOX_PATH,
                    body={"envelopes": envelopes, "head": head},
                )
                following, head = self._signed_after(peer, batch[-1]["seq"])
                try:
                    answer = sending.result()
                except DeliveryFailed as error:
                    self._failed(peer, error)
                    raise
                with self.sessions() as session, unscoped(session):
                    total += mark_acknowledged(
                        session,
                        node=self.node,
                        peer=peer.code,
                        applied_seq=int(answer["applied_seq"]),
                        rejected=answer.get("rejected", []),
                    )
                    self._succeeded(session, peer.code)
                    session.commit()
                if int(answer["applied_seq"]) < batch[-1]["seq"]:
                    return total  # the peer holds some back (a gap on its side): try again later
                batch = following
        return total

    def pull(self, peer: PeerKey, *, follow: bool = True) -> int:
        """Fetch and apply what ``peer`` holds for this node; how many envelopes were applied
        or rejected here. With ``follow``, page after page until caught up, unless the peer
        starts pushing meanwhile (pushing is the main path; pulling, the way to catch up
        when the peer cannot reach this node)."""
        total = 0
        started = utcnow()
        while True:
            with self.sessions() as session:
                ensure_link(session, peer.code)
                after = session.execute(
                    select(LINK.c.applied_seq).where(LINK.c.peer_code == peer.code)
                ).scalar_one()
                session.commit()
            try:
                answer = self.request(
                    peer,
                    "GET",
                    OUTBOX_PATH,
                    query={"after": after, "limit": self.settings.exchange_batch},
                )
            except DeliveryFailed as error:
                self._failed(peer, error)
                raise
            envelopes = answer.get("envelopes", [])
            if not envelopes:
                return total
            outcome = self.apply(peer, envelopes, head=int(answer.get("head", 0)))
            total += len(outcome.applied) + len(outcome.rejected)
            if outcome.applied_seq <= after or not follow:
                return total  # nothing moved (a gap the peer cannot fill), or one page only
            if len(envelopes) < self.settings.exchange_batch or self._pushed_since(peer, started):
                return total

    def _pushed_since(self, peer: PeerKey, moment: dt.datetime) -> bool:
        with self.sessions() as session:
            pushed = session.execute(
                select(LINK.c.last_pushed_at).where(LINK.c.peer_code == peer.code)
            ).scalar()
        return pushed is not None and pushed > moment

    def apply(self, peer: PeerKey, envelopes: list[dict[str, Any]], *, head: int) -> Outcome:
        with self.sessions() as session, unscoped(session):
            outcome = receive(
                session,
                node=self.node,
                peer=peer,
                delivered=[
                    Delivered(str(e.get("envelope", "")), str(e.get("signature", "")))
                    for e in envelopes
                ],
                peer_head=head,
            )
            session.commit()
        return outcome

    def links_idle(self) -> bool:
        """Nothing left to send to any peer."""
        with self.sessions() as session, unscoped(session):
            return (
                session.scalar(
                    select(OUTBOX.c.id)
                    .where(OUTBOX.c.status == EnvelopeStatus.pending.value)
                    .limit(1)
                )
                is None
            )


def now() -> dt.datetime:
    return utcnow()
