"""What a case, a screening and the caseworker's queue look like to the one asking.

Details the session held back (``ProtectedDetail`` rows it did not return) are shown as
hidden, never as empty: a police officer sees that a person is vulnerable, the priority and the
kind of need, and that there is more they may not read.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.db import utcnow
from hito.events.models import Event
from hito.exc import InvalidInput
from hito.humanitarian.models import (
    CaseEncounter,
    CaseNeed,
    Consent,
    HumanitarianCase,
    PlannedMovement,
    Priority,
    PriorityChange,
    Screening,
)
from hito.humanitarian.schemas import (
    CaseDetail,
    CasePage,
    CasePublic,
    ConsentPublic,
    GroupMember,
    PriorityChangePublic,
    QueueFilters,
    Reason,
    ScreeningDetails,
    ScreeningPublic,
    age_group,
)
from hito.humanitarian.service import case_of
from hito.people.models import Person
from hito.places.models import Sector


def _reasons(text: str | None) -> list[Reason]:
    return [Reason.model_validate(r) for r in json.loads(text or "[]")]


def case_public(
    case: HumanitarianCase, scope: Scope, sectors: dict[int, str], now: dt.datetime
) -> CasePublic:
    hidden = not scope.sees_protection
    return CasePublic(
        id=case.id,
        uid=case.uid,
        origin_node=case.origin_node,
        status=case.status,
        person_id=case.person_id,
        person_uid=case.person_uid,
        group_id=case.group_id,
        sector=sectors.get(case.sector_id) if case.sector_id else None,
        priority=case.priority,
        needs=[n.need for n in case.needs],
        vulnerable=case.vulnerable,
        rule_set_version=case.rule_set_version,
        opened_at=case.opened_at,
        waiting_hours=round(((case.closed_at or now) - case.opened_at).total_seconds() / 3600, 1),
        closed_at=case.closed_at,
        closure_reason=case.closure_reason,
        reasons_hidden=hidden,
        reasons=[] if case.explanation is None else _reasons(case.explanation.reasons),
    )


def screening_public(screening: Screening, scope: Scope) -> ScreeningPublic:
    detail = screening.detail
    return ScreeningPublic(
        id=screening.id,
        uid=screening.uid,
        case_id=screening.case_id,
        person_id=screening.person_id,
        consent_id=screening.consent_id,
        screened=screening.screened,
        not_screened_reason=screening.not_screened_reason,
        age_years=screening.age_years,
        age_uncertainty_years=screening.age_uncertainty_years,
        age_group=age_group(screening.age_years),
        screened_at=screening.screened_at,
        details_hidden=screening.screened and not scope.sees_protection,
        details=None
        if detail is None
        else ScreeningDetails.model_validate(detail, from_attributes=True),
    )


def consent_public(consent: Consent) -> ConsentPublic:
    return ConsentPublic(
        id=consent.id,
        uid=consent.uid,
        case_id=consent.case_id,
        person_id=consent.person_id,
        given=consent.given,
        explained=consent.explained,
        language=consent.language,
        share_with=consent.share_with.split(),
        parts=consent.parts.split(),
        recorded_at=consent.recorded_at,
    )


def sector_codes(session: Session) -> dict[int, str]:
    return dict(session.execute(select(Sector.id, Sector.code)).all())


def get_case(session: Session, *, scope: Scope, case_id: int) -> CaseDetail:
    case = case_of(session, case_id)
    base = case_public(case, scope, sector_codes(session), utcnow())
    encounters = session.scalars(
        select(CaseEncounter.person_id)
        .where(CaseEncounter.case_id == case.id)
        .order_by(CaseEncounter.person_id)
    ).all()
    consents = session.scalars(
        select(Consent).where(Consent.case_id == case.id).order_by(Consent.id)
    ).all()
    screenings = session.scalars(
        select(Screening).where(Screening.case_id == case.id).order_by(Screening.id)
    ).all()
    history = session.scalars(
        select(PriorityChange).where(PriorityChange.case_id == case.id).order_by(PriorityChange.id)
    ).all()
    return CaseDetail(
        **base.model_dump(),
        group_members=_members(session, case),
        encounters=list(encounters),
        consents=[consent_public(c) for c in consents],
        screenings=[screening_public(s, scope) for s in screenings],
        history=[
            PriorityChangePublic(
                at=h.at,
                priority=h.priority,
                previous=h.previous,
                reasons=_reasons(h.reasons),
                rule_set_version=h.rule_set_version,
                cause=h.cause,
            )
            for h in history
        ],
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def _members(session: Session, case: HumanitarianCase) -> list[GroupMember]:
    if case.group_id is None:
        return []
    people = list(
        session.scalars(select(Person).where(Person.group_id == case.group_id).order_by(Person.id))
    )
    ids = [p.id for p in people]
    sectors = dict(
        session.execute(
            select(Event.id, Sector.code)
            .join(Sector, Sector.id == Event.sector_id)
            .where(Event.id.in_([p.event_id for p in people if p.event_id]))
        ).all()
    )
    cases = {
        person_id: (case_id, priority)
        for person_id, case_id, priority in session.execute(
            select(CaseEncounter.person_id, HumanitarianCase.id, HumanitarianCase.priority)
            .join(HumanitarianCase, HumanitarianCase.id == CaseEncounter.case_id)
            .where(CaseEncounter.person_id.in_(ids))
        )
    }
    movements: dict[int, str] = {}
    recent = select(PlannedMovement).order_by(PlannedMovement.id.desc()).limit(2000)
    for movement in session.scalars(recent):  # the newest first: each member's latest
        for person_id in (int(i) for i in movement.person_ids.split()):
            if person_id in ids:
                movements.setdefault(
                    person_id,
                    f"{movement.kind.value} · {movement.state.value} · {movement.destination}",
                )
    return [
        GroupMember(
            person_id=p.id,
            relationship=p.relationship_to_group.value if p.relationship_to_group else None,
            seen_at=p.encountered_at,
            sector=sectors.get(p.event_id) if p.event_id else None,
            case_id=cases.get(p.id, (None, None))[0],
            priority=cases.get(p.id, (None, None))[1],
            movement=movements.get(p.id),
        )
        for p in people
    ]


def _cursor(case: HumanitarianCase) -> str:
    micros = (case.opened_at - _EPOCH) // dt.timedelta(microseconds=1)
    return f"{case.priority_rank}.{micros}.{case.id}"


def _after(query: Select[Any], cursor: str) -> Select[Any]:
    parts = cursor.split(".")
    if len(parts) != 3 or not all(p.isascii() and p.isdigit() and len(p) <= 18 for p in parts):
        raise InvalidInput("cursor is not one this server gave out")
    rank, micros, case_id = (int(p) for p in parts)
    try:
        opened = _EPOCH + dt.timedelta(microseconds=micros)
    except OverflowError:
        raise InvalidInput("cursor is not one this server gave out") from None
    return query.where(
        or_(
            HumanitarianCase.priority_rank > rank,
            and_(HumanitarianCase.priority_rank == rank, HumanitarianCase.opened_at > opened),
            and_(
                HumanitarianCase.priority_rank == rank,
                HumanitarianCase.opened_at == opened,
                HumanitarianCase.id > case_id,
            ),
        )
    )


def queue(session: Session, *, scope: Scope, filters: QueueFilters) -> CasePage:
    """Cases by priority, then the longest waiting first; filtered by place, need, group, side."""
    query = select(HumanitarianCase).where(HumanitarianCase.status == filters.status)
    if filters.priority is not None:
        query = query.where(HumanitarianCase.priority_rank == Priority(filters.priority).rank)
    if filters.need is not None:
        query = query.where(
            HumanitarianCase.id.in_(select(CaseNeed.case_id).where(CaseNeed.need == filters.need))
        )
    if filters.sector is not None:
        query = query.where(
            HumanitarianCase.sector_id.in_(select(Sector.id).where(Sector.code == filters.sector))
        )
    if filters.group_id is not None:
        query = query.where(HumanitarianCase.group_id == filters.group_id)
    if filters.side is not None:
        query = query.where(HumanitarianCase.origin_node == filters.side)
    if filters.cursor:
        query = _after(query, filters.cursor)
    query = query.order_by(
        HumanitarianCase.priority_rank, HumanitarianCase.opened_at, HumanitarianCase.id
    ).limit(filters.limit + 1)
    cases = list(session.scalars(query))
    more = len(cases) > filters.limit
    cases = cases[: filters.limit]
    sectors = sector_codes(session)
    now = utcnow()
    return CasePage(
        items=[case_public(c, scope, sectors, now) for c in cases],
        next_cursor=_cursor(cases[-1]) if more else None,
    )
