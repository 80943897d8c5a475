"""The demo scenario of the Arica–Tacna border, November 2025 (demo mode only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth import UserAccount, create_user, scope_for_user
from hito.demo.identity import load_identity
from hito.demo.scenario import DemoStats, load
from hito.demo.users import DEMO_USERS
from hito.events import count_events
from hito.exc import Conflict
from hito.settings import DEMO_PASSWORD, Settings

__all__ = ["DEMO_USERS", "DemoStats", "load_demo"]


def load_demo(session: Session, *, settings: Settings) -> DemoStats | None:
    """Create the demo users and scenario; None when the database already holds events."""
    if not settings.demo:
        raise Conflict("the demo scenario loads only in demo mode (HITO_DEMO=1)")
    if count_events(session):
        return None
    scopes = {}
    for username, agency, roles in DEMO_USERS:
        user = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if user is None:
            user = create_user(
                session, username=username, password=DEMO_PASSWORD, agency_code=agency, roles=roles
            )
        scopes[username] = scope_for_user(user, node=settings.node)
    stats = load(session, scopes=scopes)
    summary = load_identity(session, scopes=scopes, node=settings.node)
    stats.persons += summary["reencounters"]
    stats.identities = summary["identities"]
    stats.queued_for_review = summary["queued_for_review"]
    return stats
