"""The demo scenario of the Arica–Tacna border, November 2025 (demo mode only), on two nodes.

``load_demo`` writes one node's part (its users, its agencies' records); once the exchange has
brought each side what the other shares, ``finish_demo`` adds what needs both: Peru's PNP
observes the group stranded on the Chilean side (70 people), and linkage runs over everything
the node holds (Peru's shared people and the PDI's re-encounters of them link on Chile's node).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth import Scope, UserAccount, create_user, scope_for_user, unrestricted
from hito.auth.scoping import unscoped
from hito.demo.crossings import load_crossings
from hito.demo.flows import load_flows
from hito.demo.humanitarian import load_humanitarian
from hito.demo.identity import load_identity
from hito.demo.scenario import CL_TZ, DemoStats, load
from hito.demo.users import DEMO_USERS, users_of
from hito.events import (
    Event,
    EventType,
    Observation,
    ObservationCreate,
    add_observation,
    count_events,
)
from hito.exc import Conflict
from hito.patrols import create_units
from hito.patrols.io import demo_units
from hito.settings import DEMO_PASSWORD, Settings

__all__ = ["DEMO_USERS", "DemoStats", "finish_demo", "load_demo", "users_of"]


def _scopes(session: Session, settings: Settings) -> dict[str, Scope]:
    scopes: dict[str, Scope] = {}
    for username, agency, roles in users_of(settings.node):
        user = session.scalar(select(UserAccount).where(UserAccount.username == username))
        if user is None:
            user = create_user(
                session,
                node=settings.node,
                username=username,
                password=DEMO_PASSWORD,
                agency_code=agency,
                roles=roles,
            )
        scopes[username] = scope_for_user(user, node=settings.node)
    return scopes


def load_demo(session: Session, *, settings: Settings) -> DemoStats | None:
    """This node's users and its part of the scenario; None when it already holds events."""
    if not settings.demo:
        raise Conflict("the demo scenario loads only in demo mode (HITO_DEMO=1)")
    with unscoped(session):  # the demo writes as several users in one transaction
        if count_events(session):
            return None
        scopes = _scopes(session, settings)
        stats, plan = load(session, scopes=scopes, node=settings.node)
        summary = load_identity(session, scopes=scopes, node=settings.node, plan=plan)
        load_humanitarian(session, scopes=scopes, node=settings.node)
        supervisor = next(
            s for s in scopes.values() if s.may("supervise") and s.country == settings.node
        )
        create_units(session, scope=supervisor, units=demo_units(settings.node))
        stats.crossing_counts = load_crossings(session, scope=supervisor, node=settings.node)
        stats.flow_counts = load_flows(session, scope=supervisor, node=settings.node)
    stats.persons += summary["reencounters"]
    return stats


def finish_demo(session: Session, *, settings: Settings) -> dict[str, int]:
    """What needs both sides' records: Peru's observation of the stranded group, linkage,
    and each side's patrol plan over the risk of both sides' events."""
    if not settings.demo:
        raise Conflict("the demo scenario loads only in demo mode (HITO_DEMO=1)")
    with unscoped(session):
        scopes = _scopes(session, settings)
        if settings.node == "PE":
            stranded = session.scalar(
                select(Event).where(
                    Event.type == EventType.stranded_group, Event.origin_node == "CL"
                )
            )
            observed = stranded is not None and session.scalar(
                select(Observation.id).where(
                    Observation.event_id == stranded.id, Observation.origin_node == "PE"
                )
            )
            if stranded is not None and not observed:
                add_observation(
                    session,
                    scope=scopes["pnp"],
                    event_id=stranded.id,
                    data=ObservationCreate(
                        observed_at=dt.datetime(2025, 11, 25, 12, tzinfo=CL_TZ),
                        headcount=70,
                        adults=47,
                        minors=23,
                        note="Parte del grupo regresó a Arica; se mantienen 70 personas.",
                    ),
                )
        from hito.demo.patrols import load_patrols
        from hito.humanitarian import follow_identities
        from hito.identity import link_persons

        summary = link_persons(session, scope=unrestricted(settings.node))
        follow_identities(session, scope=unrestricted(settings.node))
        supervisor = next(
            s for s in scopes.values() if s.may("supervise") and s.country == settings.node
        )
        patrols = load_patrols(session, supervisor=supervisor, officers=list(scopes.values()))
        return {**summary, **{f"patrol_{key}": value for key, value in patrols.items()}}
