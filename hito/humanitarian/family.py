"""Family and group unity: a planned movement that would split a group raises a separation
alert before it is carried out, and it cannot be carried out until the alert is resolved with a
reason. Groups are checked whole, whatever the planner may see: the alert names encounters by
id only, never a name or a detail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import agency_by_code
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.exc import Conflict, Forbidden, NotFound
from hito.humanitarian.models import (
    AlertState,
    ChildStatus,
    MovementState,
    PlannedMovement,
    Screening,
    SeparationAlert,
    SeparationOutcome,
)
from hito.humanitarian.schemas import (
    ADULT_FROM,
    AlertResolution,
    MovementCreate,
    MovementPublic,
    SeparationAlertPublic,
    TraceCandidate,
    age_on,
)
from hito.humanitarian.service import person_of
from hito.people.models import Person, PersonGroup
from hito.records import SharingLevel


def _ids(text: str) -> list[int]:
    return [int(i) for i in text.split()]


def _age(person: Person, screened_age: int | None, at: dt.datetime) -> int | None:
    return age_on(person.birth_date, at) if person.birth_date is not None else screened_age


def _ages(session: Session, people: list[Person]) -> dict[int, int | None]:
    screened = dict(
        session.execute(
            select(Screening.person_id, Screening.age_years)
            .where(
                Screening.person_id.in_([p.id for p in people]), Screening.age_years.is_not(None)
            )
            .order_by(Screening.id)
        ).all()
    )
    now = utcnow()
    return {p.id: _age(p, screened.get(p.id), now) for p in people}


def alert_public(alert: SeparationAlert) -> SeparationAlertPublic:
    return SeparationAlertPublic(
        id=alert.id,
        uid=alert.uid,
        origin_node=alert.origin_node,
        group_id=alert.group_id,
        group_uid=alert.group_uid,
        movement_id=alert.movement_id,
        state=alert.state,
        moving=_ids(alert.moving),
        staying=_ids(alert.staying),
        children_separated=alert.children_separated,
        raised_at=alert.raised_at,
        outcome=alert.outcome,
        resolution=alert.resolution,
        resolved_at=alert.resolved_at,
        resolved_by=alert.resolved_by,
    )


def movement_public(session: Session, movement: PlannedMovement) -> MovementPublic:
    alerts = session.scalars(
        select(SeparationAlert)
        .where(SeparationAlert.movement_id == movement.id)
        .order_by(SeparationAlert.id)
    ).all()
    return MovementPublic(
        id=movement.id,
        uid=movement.uid,
        kind=movement.kind,
        state=movement.state,
        destination=movement.destination,
        planned_for=movement.planned_for,
        person_ids=_ids(movement.person_ids),
        separation_alerts=[alert_public(a) for a in alerts],
    )


def plan_movement(session: Session, *, scope: Scope, data: MovementCreate) -> PlannedMovement:
    """Record the plan; for each group it would split, raise a separation alert at once."""
    scope.require("write")
    moving = [person_of(session, pid) for pid in data.person_ids]
    movement = PlannedMovement(
        origin_node=scope.node,
        sharing_level=SharingLevel.humanitarian,
        kind=data.kind,
        destination=data.destination,
        planned_for=data.planned_for,
        person_ids=" ".join(str(p.id) for p in moving),
        planned_by_id=scope.user_id,
        agency_id=agency_by_code(session, code=scope.agency_code).id
        if scope.agency_code != "SYSTEM"
        else None,
    )
    session.add(movement)
    session.flush()
    moving_ids = {p.id for p in moving}
    with unscoped(session):  # the whole group counts, whether or not the planner sees it all
        for group_id in sorted({p.group_id for p in moving if p.group_id is not None}):
            members = list(session.scalars(select(Person).where(Person.group_id == group_id)))
            staying = [m for m in members if m.id not in moving_ids]
            if not staying:
                continue
            going = [m for m in members if m.id in moving_ids]
            ages = _ages(session, members)

            group_uid = session.scalar(select(PersonGroup.uid).where(PersonGroup.id == group_id))
            alert = SeparationAlert(
                origin_node=scope.node,
                sharing_level=SharingLevel.humanitarian,
                group_id=group_id,
                group_uid=group_uid or "",
                movement_id=movement.id,
                moving=" ".join(str(m.id) for m in going),
                staying=" ".join(str(m.id) for m in staying),
                moving_uids=" ".join(m.uid for m in going),
                staying_uids=" ".join(m.uid for m in staying),
                children_separated=_child_alone(going, ages) or _child_alone(staying, ages),
            )
            session.add(alert)
            session.flush()
            audit.record(
                session,
                scope=scope,
                action="humanitarian.separation_alert",
                object_type="separation_alert",
                object_ids=[alert.uid],
                detail={"group": group_id, "movement": movement.uid, "kind": data.kind.value},
            )
    audit.record(
        session,
        scope=scope,
        action="humanitarian.movement.plan",
        object_type="planned_movement",
        object_ids=[movement.uid],
        detail={"kind": data.kind.value, "persons": sorted(moving_ids)},
    )
    return movement


def _child_alone(side: list[Person], ages: dict[int, int | None]) -> bool:
    """A child on this side of the split with no adult of the group beside them."""
    known = [ages[m.id] for m in side if ages[m.id] is not None]
    return any(a < ADULT_FROM for a in known if a is not None) and not any(
        a >= ADULT_FROM for a in known if a is not None
    )


def _movement(session: Session, movement_id: int) -> PlannedMovement:
    movement = session.scalar(select(PlannedMovement).where(PlannedMovement.id == movement_id))
    if movement is None:
        raise NotFound(f"movement {movement_id} not found")
    return movement


def carry_out(session: Session, *, scope: Scope, movement_id: int) -> PlannedMovement:
    """Mark a movement done: refused while a separation alert about it is open."""
    scope.require("write")
    movement = _movement(session, movement_id)
    if movement.state is not MovementState.planned:
        raise Conflict(f"movement {movement_id} is {movement.state.value}")
    with unscoped(session):
        alerts = session.scalars(
            select(SeparationAlert).where(SeparationAlert.movement_id == movement.id)
        ).all()
        open_alerts = [a.id for a in alerts if a.state is AlertState.open]
        kept = [a.id for a in alerts if a.outcome is SeparationOutcome.kept_together]
        moving = set(_ids(movement.person_ids))
        groups = set(
            session.scalars(
                select(Person.group_id).where(Person.id.in_(moving), Person.group_id.is_not(None))
            )
        )
        now_staying = set(
            session.scalars(
                select(Person.id).where(Person.group_id.in_(groups), Person.id.not_in(moving))
            )
        )
    known = {pid for a in alerts for pid in _ids(a.staying)}
    if kept:
        raise Conflict(
            f"separation alert(s) {', '.join(map(str, kept))} were resolved by keeping the group "
            "together: cancel this movement and plan one with the whole group"
        )
    if now_staying - known:
        raise Conflict(
            f"the group has members who would stay behind and were not in the plan "
            f"(encounters {', '.join(map(str, sorted(now_staying - known)))}): cancel this "
            "movement and plan it again, so that the separation is seen first"
        )
    if open_alerts:
        raise Conflict(
            f"movement {movement_id} would separate a family or group: resolve separation "
            f"alert(s) {', '.join(map(str, open_alerts))} with a reason first"
        )
    movement.state = MovementState.carried_out
    movement.done_at = utcnow()
    audit.record(
        session,
        scope=scope,
        action="humanitarian.movement.carry_out",
        object_type="planned_movement",
        object_ids=[movement.uid],
    )
    return movement


def cancel_movement(session: Session, *, scope: Scope, movement_id: int) -> PlannedMovement:
    scope.require("write")
    movement = _movement(session, movement_id)
    if movement.state is not MovementState.planned:
        raise Conflict(f"movement {movement_id} is {movement.state.value}")
    movement.state = MovementState.cancelled
    movement.done_at = utcnow()
    with unscoped(session):
        for alert in session.scalars(
            select(SeparationAlert).where(
                SeparationAlert.movement_id == movement.id,
                SeparationAlert.state == AlertState.open,
            )
        ):
            _resolve(alert, scope, SeparationOutcome.movement_cancelled, "movimiento cancelado")
    audit.record(
        session,
        scope=scope,
        action="humanitarian.movement.cancel",
        object_type="planned_movement",
        object_ids=[movement.uid],
    )
    return movement


def _may_follow_alerts(scope: Scope) -> None:
    if not (scope.may("supervise") or scope.humanitarian):
        raise Forbidden("separation alerts are for supervisors, caseworkers and humanitarian staff")


def list_alerts(
    session: Session, *, scope: Scope, state: AlertState | None
) -> list[SeparationAlertPublic]:
    _may_follow_alerts(scope)
    query = select(SeparationAlert).order_by(SeparationAlert.id.desc()).limit(500)
    if state is not None:
        query = query.where(SeparationAlert.state == state)
    return [alert_public(a) for a in session.scalars(query)]


def _resolve(alert: SeparationAlert, scope: Scope, outcome: SeparationOutcome, reason: str) -> None:
    alert.state = AlertState.resolved
    alert.outcome = outcome
    alert.resolution = reason
    alert.resolved_at = utcnow()
    alert.resolved_by = scope.username


def resolve_alert(
    session: Session, *, scope: Scope, alert_id: int, data: AlertResolution
) -> SeparationAlert:
    _may_follow_alerts(scope)
    scope.require("write")
    alert = session.scalar(select(SeparationAlert).where(SeparationAlert.id == alert_id))
    if alert is None:
        raise NotFound(f"separation alert {alert_id} not found")
    if alert.state is AlertState.resolved:
        raise Conflict(f"separation alert {alert_id} is already resolved")
    if alert.origin_node != scope.node:
        raise Forbidden(
            f"separation alert {alert_id} was raised by {alert.origin_node}: it is resolved there"
        )
    _resolve(alert, scope, data.outcome, data.reason)
    audit.record(
        session,
        scope=scope,
        action="humanitarian.separation_alert.resolve",
        object_type="separation_alert",
        object_ids=[alert.uid],
        detail={"outcome": data.outcome.value, "reason": data.reason},
    )
    return alert


def check_unaccompanied(session: Session, *, person: Person, status: ChildStatus | None) -> None:
    """A child is never recorded as unaccompanied while an adult of their group was recorded
    at the same place."""
    if status is not ChildStatus.unaccompanied or person.group_id is None:
        return
    if person.event_id is None:
        return
    with unscoped(session):
        others = list(
            session.scalars(
                select(Person).where(
                    Person.group_id == person.group_id,
                    Person.event_id == person.event_id,
                    Person.id != person.id,
                )
            )
        )
        ages = _ages(session, others) if others else {}
    adults = [p.id for p in others if (ages.get(p.id) or 0) >= ADULT_FROM]
    if adults:
        raise Conflict(
            f"an adult of this child's group (encounter {adults[0]}) was recorded at the same "
            "place: record the child as accompanied, or as separated if that adult is not "
            "their usual caregiver",
            key="h_err_adult_with_child",
            params={"adult": adults[0]},
        )


def trace_group(
    session: Session, *, scope: Scope, group_id: int, per_member: int = 5
) -> list[TraceCandidate]:
    """Encounters on either side, that the asker may see and outside the group, which the
    identity linkage says may be its members met elsewhere: the missing, found."""
    from hito.identity import possible_matches

    if not (scope.humanitarian or scope.may("supervise")):
        raise Forbidden("family tracing is for caseworkers, humanitarian staff and supervisors")
    members = session.scalars(select(Person.id).where(Person.group_id == group_id)).all()
    if not members:
        raise NotFound(f"group {group_id} not found")
    found: list[TraceCandidate] = []
    for member in members:
        matches = possible_matches(session, scope=scope, person_id=member, limit=per_member)
        found.extend(
            TraceCandidate(
                member_id=member,
                person_id=match.person_id,
                origin_node=match.origin_node,
                match_probability=match.match_probability,
            )
            for match in matches.items
            if match.person_id not in members
        )
    return sorted(found, key=lambda c: -c.match_probability)
