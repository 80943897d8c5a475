"""The exchange loop: push, pull, resync and checkpoints with every peer, in a thread.

``hito serve`` runs it beside the web app; ``hito exchange run`` runs it alone. A commit that
wrote envelopes wakes it at once (same process); otherwise it polls every ``exchange_interval``
seconds. A peer that fails is retried with exponential backoff (0.5 s doubling up to 30 s);
pulling catches up whatever a cut link left behind.
"""

from __future__ import annotations

import logging
import threading
import time

from sqlalchemy import select

from hito.auth.scoping import unscoped
from hito.exchange.delivery import PEER_SEEN, DeliveryFailed, Exchange
from hito.exchange.models import EnvelopeStatus, ExchangeLink, InboxEnvelope
from hito.exchange.outbox import WAKE
from hito.exchange.peers import PeerKey, active_peers
from hito.exchange.resync import resync

log = logging.getLogger("hito.exchange")
MAX_BACKOFF = 30.0


class ExchangeWorker:
    def __init__(self, exchange: Exchange) -> None:
        self.exchange = exchange
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._retry_at: dict[str, float] = {}
        self._failed_at: dict[str, float] = {}
        self._pulled_at: dict[str, float] = {}
        self._checkpoint_at = 0.0

    def start(self) -> None:
        WAKE.add(self._wake)
        self._thread = threading.Thread(target=self._run, name="hito-exchange", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        WAKE.discard(self._wake)
        if self._thread is not None:
            self._thread.join(timeout)
        self.exchange.close()

    def _run(self) -> None:
        interval = self.exchange.settings.exchange_interval
        while not self._stop.is_set():
            try:
                moved = self.step()
            except Exception:  # the loop must outlive any one failure; it is logged
                log.exception("exchange round failed")
                moved = False
            if not moved:
                self._wake.wait(interval)
            self._wake.clear()

    def step(self) -> bool:
        """One round with every peer; whether anything was sent or applied."""
        with self.exchange.sessions() as session, unscoped(session):
            peers = active_peers(session)
        moved = False
        for peer in peers:
            moved |= self._with(peer)
        if time.monotonic() - self._checkpoint_at >= self.exchange.settings.checkpoint_interval:
            self._checkpoint_at = time.monotonic()
            for peer in peers:
                self._checkpoint(peer)
        return moved

    def _with(self, peer: PeerKey) -> bool:
        now = time.monotonic()
        waiting = now < self._retry_at.get(peer.code, 0.0)
        if waiting and PEER_SEEN.get(peer.code, 0.0) > self._failed_at.get(peer.code, 0.0):
            waiting = False  # the peer called us meanwhile: it is up again
        if waiting:
            return False
        with self.exchange.sessions() as session, unscoped(session):
            resync(session, node=self.exchange.node, peer=peer.code)
            gap = session.scalar(
                select(InboxEnvelope.id)
                .where(
                    InboxEnvelope.origin == peer.code, InboxEnvelope.status == EnvelopeStatus.held
                )
                .limit(1)
            )
            session.commit()
        due = gap is not None or now - self._pulled_at.get(peer.code, 0.0) >= (
            self.exchange.settings.exchange_interval
        )
        try:
            moved = self.exchange.push(peer) > 0
            if due:
                self._pulled_at[peer.code] = now
                moved |= self.exchange.pull(peer) > 0
        except DeliveryFailed as error:
            failures = self._failures(peer.code)
            delay = min(MAX_BACKOFF, 0.5 * 2 ** min(failures, 10))
            self._retry_at[peer.code] = now + delay
            self._failed_at[peer.code] = time.monotonic()
            log.warning("%s; retrying in %.1f s", error, delay)
            return False
        self._retry_at.pop(peer.code, None)
        return moved

    def _failures(self, peer: str) -> int:
        with self.exchange.sessions() as session:
            link = session.get(ExchangeLink, peer)
            return link.failures if link else 1

    def _checkpoint(self, peer: PeerKey) -> None:
        from hito.audit.checkpoints import send_checkpoint

        try:
            send_checkpoint(self.exchange, peer)
        except DeliveryFailed as error:
            log.warning("checkpoint to %s not delivered: %s", peer.code, error)
