"""Consent, screening, cases and their priority: the caseworker's services.

Health and protection details are never filtered here: the session hides them from users who
may not read them (``ProtectedDetail``) and audits every read, so these functions return
whatever the session gives and say when it held something back.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.events.models import Event
from hito.exc import Conflict, Forbidden, InvalidInput, NotFound
from hito.humanitarian import rulebook
from hito.humanitarian.models import (
    CaseEncounter,
    CaseNeed,
    CaseReasons,
    CaseStatus,
    Consent,
    HumanitarianCase,
    NotScreenedReason,
    Priority,
    PriorityChange,
    Screening,
    ScreeningDetail,
)
from hito.humanitarian.rules import Decision
from hito.humanitarian.schemas import (
    ADULT_FROM,
    ConsentCreate,
    NotScreened,
    ScreeningCreate,
    age_on,
)
from hito.people.models import DatePrecision, Person, PersonGroup
from hito.records import SharingLevel

# How uncertain an age taken from a recorded birth date is, by the date's precision.
_UNCERTAINTY = {
    DatePrecision.exact: 0,
    DatePrecision.month: 0,
    DatePrecision.year: 1,
    DatePrecision.estimated: 2,
}


def person_of(session: Session, person_id: int) -> Person:
    """The encounter, if the caller may see it (the session decides)."""
    person = session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFound(f"person {person_id} not found")
    return person


def case_of(session: Session, case_id: int) -> HumanitarianCase:
    case = session.scalar(select(HumanitarianCase).where(HumanitarianCase.id == case_id))
    if case is None:
        raise NotFound(f"case {case_id} not found")
    return case


def _sector_of(session: Session, person: Person) -> int | None:
    if person.event_id is None:
        return None
    return session.scalar(select(Event.sector_id).where(Event.id == person.event_id))


def open_case_for(session: Session, *, scope: Scope, person: Person) -> HumanitarianCase:
    """The person's open case: theirs, or one of an encounter the linkage says is them, or new."""
    case_id = session.scalar(
        select(CaseEncounter.case_id)
        .join(HumanitarianCase, HumanitarianCase.id == CaseEncounter.case_id)
        .where(CaseEncounter.person_id == person.id, HumanitarianCase.status == CaseStatus.open)
    )
    if case_id is None:
        from hito.identity import same_person

        others = [p for p in same_person(session, person.id) if p != person.id]
        if others:
            case_id = session.scalar(
                select(CaseEncounter.case_id)
                .join(HumanitarianCase, HumanitarianCase.id == CaseEncounter.case_id)
                .where(
                    CaseEncounter.person_id.in_(others),
                    HumanitarianCase.status == CaseStatus.open,
                )
                .order_by(CaseEncounter.case_id)
                .limit(1)
            )
            if case_id is not None:
                session.add(
                    CaseEncounter(
                        person_id=person.id, case_id=case_id, added_because="identity linkage"
                    )
                )
    if case_id is not None:
        case = case_of(session, case_id)
        if person.encountered_at >= _encountered_at(session, case.person_id):
            case.person_id = person.id  # the case shows where the person was seen last
            case.person_uid = person.uid
            case.group_id = person.group_id
            case.sector_id = _sector_of(session, person)
        return case
    if session.scalar(select(CaseEncounter.case_id).where(CaseEncounter.person_id == person.id)):
        raise Conflict(
            f"person {person.id} belongs to a closed case: reopen it first",
            key="h_err_closed_case",
        )
    rules = rulebook.current(session)
    decision = rules.decide({})
    case = HumanitarianCase(
        origin_node=scope.node,
        sharing_level=SharingLevel.humanitarian,
        person_id=person.id,
        person_uid=person.uid,
        group_id=person.group_id,
        sector_id=_sector_of(session, person),
        priority=decision.priority,
        priority_rank=decision.priority.rank,
        rule_set_version=decision.rule_set_version,
        opened_by_id=scope.user_id,
    )
    session.add(case)
    session.flush()
    session.add(CaseEncounter(person_id=person.id, case_id=case.id, added_because="screening"))
    session.add(CaseReasons(case_id=case.id, reasons=json.dumps(list(decision.reasons))))
    return case


def _encountered_at(session: Session, person_id: int | None) -> dt.datetime:
    value = session.scalar(select(Person.encountered_at).where(Person.id == person_id))
    return value or dt.datetime.min.replace(tzinfo=dt.UTC)


def record_consent(
    session: Session, *, scope: Scope, person_id: int, data: ConsentCreate
) -> Consent:
    """Consent comes first; a refusal is recorded and respected (no screening follows)."""
    scope.require("write")
    person = person_of(session, person_id)
    case = open_case_for(session, scope=scope, person=person)
    consent = Consent(
        origin_node=scope.node,
        sharing_level=SharingLevel.humanitarian,
        case_id=case.id,
        person_id=person.id,
        given=data.given,
        explained=data.explained,
        language=data.language,
        share_with=" ".join(sorted({s.value for s in data.share_with})),
        parts=" ".join(sorted({p.value for p in data.parts})),
        recorded_by_id=scope.user_id,
    )
    session.add(consent)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="humanitarian.consent",
        object_type="consent",
        object_ids=[consent.uid],
        detail={"case": case.uid, "given": data.given},
    )
    return consent


def _age(person: Person, data: ScreeningCreate, at: dt.datetime) -> tuple[int | None, int | None]:
    if data.age_estimate is not None:
        return data.age_estimate, data.age_uncertainty if data.age_uncertainty is not None else 2
    if person.birth_date is None:
        return None, None
    years = age_on(person.birth_date, at)
    precision = person.birth_date_precision or DatePrecision.exact
    return max(years, 0), _UNCERTAINTY[precision]


def record_screening(
    session: Session, *, scope: Scope, person_id: int, data: ScreeningCreate
) -> Screening:
    """Screen an encounter under the consent recorded for it, and decide the case's priority.
    Only those who may read health and protection details record them."""
    scope.require("write")
    if data.screened and not scope.sees_protection:
        raise Forbidden(
            "screenings are recorded by caseworkers and humanitarian staff, who may read them; "
            "record the consent, or that the person was not screened and why"
        )
    person = person_of(session, person_id)
    consent = session.scalar(
        select(Consent).where(Consent.id == data.consent_id, Consent.person_id == person.id)
    )
    if consent is None:
        raise InvalidInput(
            f"consent {data.consent_id} was not recorded for person {person_id}: "
            "record the person's consent first (POST .../consent)"
        )
    if not consent.given and data.screened:
        raise Conflict(
            "the person refused consent: record them as not screened "
            "(screened: false, not_screened_reason: consent_refused), never screen them"
        )
    case = open_case_for(session, scope=scope, person=person)
    if consent.case_id != case.id:
        raise InvalidInput(f"consent {consent.id} belongs to another case")
    now = utcnow()
    age, uncertainty = _age(person, data, now)
    if data.details is not None and data.details.child_status is not None and age is not None:
        if age - (uncertainty or 0) >= ADULT_FROM:
            raise InvalidInput(
                f"child_status is for children; this person is {age}",
                key="h_err_not_a_child",
                params={"age": age},
            )
    if data.details is not None:
        from hito.humanitarian.family import check_unaccompanied

        check_unaccompanied(session, person=person, status=data.details.child_status)
    screening = Screening(
        origin_node=scope.node,
        sharing_level=SharingLevel.humanitarian,
        case_id=case.id,
        person_id=person.id,
        consent_id=consent.id,
        screened=data.screened,
        not_screened_reason=data.not_screened_reason,
        age_years=age,
        age_uncertainty_years=uncertainty,
        screened_at=now,
        recorded_by_id=scope.user_id,
    )
    if data.details is not None:
        screening.detail = ScreeningDetail(**data.details.model_dump())
    elif data.not_screened_note:  # why not may say something of their health: a detail too
        screening.detail = ScreeningDetail(notes=data.not_screened_note)
    session.add(screening)
    session.flush()
    if data.screened:
        case.latest_screening_id = screening.id
        apply_decision(
            session,
            case,
            rulebook.current(session).decide(facts(screening, screening.detail)),
            cause="screening",
        )
    audit.record(
        session,
        scope=scope,
        action="humanitarian.screening",
        object_type="screening",
        object_ids=[screening.uid],
        detail={"case": case.uid, "screened": data.screened},
    )
    return screening


def mark_not_screened(
    session: Session, *, scope: Scope, person_id: int, data: NotScreened
) -> Screening:
    """A member of a group who was not screened, and why: nobody met is left unaccounted for."""
    scope.require("write")
    person = person_of(session, person_id)
    case = open_case_for(session, scope=scope, person=person)
    screening = Screening(
        origin_node=scope.node,
        sharing_level=SharingLevel.humanitarian,
        case_id=case.id,
        person_id=person.id,
        screened=False,
        not_screened_reason=data.reason,
        recorded_by_id=scope.user_id,
    )
    if data.note:  # why not may say something of their health: a detail, hidden as such
        screening.detail = ScreeningDetail(notes=data.note)
    session.add(screening)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="humanitarian.not_screened",
        object_type="screening",
        object_ids=[screening.uid],
        detail={"case": case.uid, "reason": data.reason.value},
    )
    return screening


def facts(screening: Screening | None, detail: ScreeningDetail | None) -> dict[str, Any]:
    """What the rules test, from a screening and its details."""
    found: dict[str, Any] = {}
    if screening is not None:
        found["age"] = screening.age_years
        found["age_uncertainty"] = screening.age_uncertainty_years
    if detail is not None:
        for name in rulebook.DETAIL_FACTS:
            found[name] = getattr(detail, name)
    return found


def apply_decision(
    session: Session, case: HumanitarianCase, decision: Decision, *, cause: str
) -> bool:
    """Give the case this decision; write its history when the priority or reasons change."""
    reasons = json.dumps(list(decision.reasons), ensure_ascii=False)
    with unscoped(session):  # the case's own reasons row, whoever triggered the decision
        explanation = session.scalar(select(CaseReasons).where(CaseReasons.case_id == case.id))
    if explanation is None:
        explanation = CaseReasons(case_id=case.id, reasons="[]")
        session.add(explanation)
    changed = case.priority is not decision.priority or explanation.reasons != reasons
    previous = case.priority
    case.priority = decision.priority
    case.priority_rank = decision.priority.rank
    case.vulnerable = decision.vulnerable
    case.rule_set_version = decision.rule_set_version
    wanted = set(decision.needs)
    case.needs = [n for n in case.needs if n.need in wanted] + [
        CaseNeed(need=need) for need in sorted(wanted - {n.need for n in case.needs})
    ]
    explanation.reasons = reasons
    if changed:
        session.add(
            PriorityChange(
                case_id=case.id,
                priority=decision.priority,
                previous=previous,
                reasons=reasons,
                rule_set_version=decision.rule_set_version,
                cause=cause,
            )
        )
    return changed


def _own(case: HumanitarianCase, scope: Scope) -> None:
    if case.origin_node != scope.node:
        raise Forbidden(f"case {case.id} is {case.origin_node}'s: it is followed there")


def close_case(session: Session, *, scope: Scope, case_id: int, reason: str) -> HumanitarianCase:
    scope.require("write")
    case = case_of(session, case_id)
    _own(case, scope)
    if case.status is CaseStatus.closed:
        raise Conflict(f"case {case_id} is already closed")
    case.status = CaseStatus.closed
    case.closed_at = utcnow()
    case.closure_reason = reason
    audit.record(
        session,
        scope=scope,
        action="humanitarian.close",
        object_type="humanitarian_case",
        object_ids=[case.uid],
        detail={"reason": reason},
    )
    return case


def reopen_case(session: Session, *, scope: Scope, case_id: int, reason: str) -> HumanitarianCase:
    scope.require("write")
    case = case_of(session, case_id)
    _own(case, scope)
    if case.status is CaseStatus.open:
        raise Conflict(f"case {case_id} is open")
    if case.closure_reason and case.closure_reason.startswith("merged into"):
        raise Conflict(f"case {case_id} was merged: {case.closure_reason}")
    case.status = CaseStatus.open
    case.closed_at = None
    case.closure_reason = None
    case.opened_at = utcnow()  # it waits from now
    audit.record(
        session,
        scope=scope,
        action="humanitarian.reopen",
        object_type="humanitarian_case",
        object_ids=[case.uid],
        detail={"reason": reason},
    )
    return case


def group_unscreened(session: Session, *, scope: Scope, group_id: int) -> list[int]:
    """Members of a group with neither a screening nor a recorded reason for not screening."""
    if session.scalar(select(PersonGroup.id).where(PersonGroup.id == group_id)) is None:
        raise NotFound(f"group {group_id} not found")
    members = session.scalars(select(Person.id).where(Person.group_id == group_id)).all()
    accounted = set(
        session.scalars(select(Screening.person_id).where(Screening.person_id.in_(members)))
    )
    return [m for m in members if m not in accounted]


__all__ = [
    "NotScreenedReason",
    "Priority",
    "apply_decision",
    "case_of",
    "close_case",
    "facts",
    "group_unscreened",
    "mark_not_screened",
    "open_case_for",
    "person_of",
    "record_consent",
    "record_screening",
    "reopen_case",
]
