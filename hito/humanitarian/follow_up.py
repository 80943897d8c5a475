"""Follow-up in the background of `hito serve`: referrals past their deadline are escalated and
bed holds that ran out are released, every few minutes, without anybody having to ask."""

from __future__ import annotations

import logging
import threading

from sqlalchemy.orm import Session, sessionmaker

from hito.auth.scope import unrestricted
from hito.auth.scoping import unscoped

log = logging.getLogger("hito.humanitarian")


def follow_up(sessions: sessionmaker[Session], *, node: str) -> list[int]:
    """One round: the referrals escalated now."""
    from hito.humanitarian.referrals import escalate_overdue

    with sessions() as session, unscoped(session):
        escalated = escalate_overdue(session, scope=unrestricted(node))
        session.commit()
    if escalated:
        log.warning("%d referral(s) past their deadline escalated: %s", len(escalated), escalated)
    return escalated


class FollowUp:
    def __init__(self, sessions: sessionmaker[Session], *, node: str, interval: float) -> None:
        self.sessions, self.node, self.interval = sessions, node, interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="hito-follow-up", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                follow_up(self.sessions, node=self.node)
            except Exception:  # the loop must outlive any one failure; it is logged
                log.exception("humanitarian follow-up failed")
