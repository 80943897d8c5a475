"""Referrals from a case to a service, on either side of the border.

A referral needs the person's consent to share with service providers (and with the other side
when the service is across the border), and carries only the parts of the case they agreed to
share. Its deadline follows the case's priority; past it, the referral is overdue and escalated
(``escalate_overdue``, run on a clock the caller gives, so tests need no sleeps). A bed can be
held for it, and is released when the referral is declined, completed, or the hold runs out.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.auth.scoping import unscoped
from hito.db import utcnow
from hito.exc import Conflict, Forbidden, InvalidInput, NotFound, Term
from hito.humanitarian.models import (
    CaseStatus,
    ConsentedPart,
    Priority,
    Referral,
    ReferralAnswer,
    ReferralContent,
    ReferralState,
    ShareWith,
)
from hito.humanitarian.models import Consent as ConsentRow
from hito.humanitarian.schemas import ReferralCreate, ReferralPublic, age_group
from hito.humanitarian.service import case_of
from hito.humanitarian.shelters import facility_of, free_beds, offers
from hito.people.models import Person, PersonGroup
from hito.places.models import FacilityKind
from hito.records import SharingLevel

DEADLINE_HOURS: dict[Priority, int] = {
    Priority.critical: 24,
    Priority.high: 72,
    Priority.medium: 7 * 24,
    Priority.low: 14 * 24,
}
# The parts of a case a referral may carry, and the fields each part brings.
PARTS: dict[ConsentedPart, tuple[str, ...]] = {
    ConsentedPart.identity: ("given_names", "surname_1", "surname_2", "birth_date", "nationality"),
    ConsentedPart.health: (
        "pregnant", "pregnancy_months", "pregnancy_high_risk", "illness",
        "treatment_interrupted", "disability",
    ),
    ConsentedPart.protection: (
        "child_status", "violence", "trafficking", "threats", "elderly_without_support",
        "single_caregiver",
    ),
    ConsentedPart.family: ("group", "relationship_to_group", "group_size"),
}  # fmt: skip


def _shared(session: Session, case_id: int, person: Person, parts: set[ConsentedPart]) -> dict:
    from hito.humanitarian.models import HumanitarianCase, Screening

    case = session.get(HumanitarianCase, case_id)
    assert case is not None
    screening = (
        session.get(Screening, case.latest_screening_id) if case.latest_screening_id else None
    )
    detail = screening.detail if screening is not None else None
    content: dict[str, Any] = {
        "case": case.uid,
        "priority": case.priority.value,
        "needs": [n.need.value for n in case.needs],
        "age_group": age_group(screening.age_years if screening else None),
    }
    available: dict[str, Any] = {
        "given_names": person.given_names,
        "surname_1": person.surname_1,
        "surname_2": person.surname_2,
        "birth_date": person.birth_date.isoformat() if person.birth_date else None,
        "nationality": person.nationality,
        "relationship_to_group": person.relationship_to_group.value
        if person.relationship_to_group
        else None,
    }
    if person.group_id is not None:
        group = session.get(PersonGroup, person.group_id)
        available["group"] = group.uid if group else None
        available["group_size"] = len(
            session.scalars(select(Person.id).where(Person.group_id == person.group_id)).all()
        )
    if detail is not None:
        for names in (PARTS[ConsentedPart.health], PARTS[ConsentedPart.protection]):
            for name in names:
                value = getattr(detail, name)
                available[name] = value.value if hasattr(value, "value") else value
    for part in sorted(parts):
        for name in PARTS[part]:
            if name in available:
                content[name] = available[name]
    return content


def refer(
    session: Session,
    *,
    scope: Scope,
    case_id: int,
    data: ReferralCreate,
    deadlines: Mapping[Priority, int] = DEADLINE_HOURS,
    now: dt.datetime | None = None,
) -> Referral:
    """Refer a case; caseworkers and humanitarian agencies, under the person's consent."""
    scope.require("write")
    if not scope.sees_protection:
        raise Forbidden("referrals are made by caseworkers and humanitarian agencies")
    now = now or utcnow()
    case = case_of(session, case_id)
    if case.origin_node != scope.node:
        raise Forbidden(
            f"case {case_id} is {case.origin_node}'s: its referrals are made there",
            key="h_err_case_elsewhere",
            params={"case": case_id, "node": case.origin_node},
        )
    if case.status is not CaseStatus.open:
        raise Conflict(
            f"case {case_id} is closed", key="h_err_case_closed", params={"case": case_id}
        )
    facility = facility_of(session, data.facility_id)
    offered = offers(session, facility.id)
    # A facility of the other side has its profile there; this node checks only its own.
    if (offered or facility.origin_node == scope.node) and data.service not in offered:
        raise InvalidInput(
            f"{facility.name} does not offer {data.service.value}",
            key="h_err_not_offered",
            params={"facility": facility.name, "service": Term(f"svc_{data.service.value}")},
        )
    consent = session.scalar(
        select(ConsentRow)
        .where(ConsentRow.case_id == case.id)
        .order_by(ConsentRow.id.desc())
        .limit(1)
    )
    share_with = set(consent.share_with.split()) if consent else set()
    if consent is None or not consent.given or ShareWith.service_providers not in share_with:
        raise Conflict(
            "the person has not agreed to share their case with service providers: "
            "record their consent first",
            key="h_err_no_consent_providers",
        )
    across = facility.country != scope.node
    if across and ShareWith.other_side not in share_with:
        raise Conflict(
            f"{facility.name} is across the border: the person has not agreed to share "
            "their case with the other side",
            key="h_err_no_consent_across",
            params={"facility": facility.name},
        )
    hold_until = None
    if data.bed_category is not None:
        if facility.kind is not FacilityKind.shelter:
            raise InvalidInput(
                f"{facility.name} is not a shelter: no bed to hold",
                key="h_err_not_shelter",
                params={"facility": facility.name},
            )
        # This node counts its own shelters' beds; across the border the shelter decides.
        if not across and free_beds(session, facility.id, data.bed_category, now) < 1:
            raise Conflict(
                f"{facility.name} has no free bed for {data.bed_category.value}",
                key="h_err_no_bed",
                params={
                    "facility": facility.name,
                    "bed": Term(f"bed_{data.bed_category.value}"),
                },
            )
    deadline = now + dt.timedelta(hours=deadlines[case.priority])
    if data.bed_category is not None:
        hold_until = deadline
    person = session.scalar(select(Person).where(Person.id == case.person_id))
    if person is None:
        raise Conflict(
            f"the latest encounter of case {case_id} is not one you may see: a colleague of "
            "the country that recorded it makes this referral",
            key="h_err_encounter_hidden",
            params={"case": case_id},
        )
    parts = {ConsentedPart(p) for p in consent.parts.split()}
    shared = _shared(session, case.id, person, parts)
    referral = Referral(
        origin_node=scope.node,
        sharing_level=SharingLevel.humanitarian,
        across=across,  # only a referral across the border travels (ReferralRecords.leaves_when)
        case_id=case.id,
        case_uid=case.uid,
        facility_id=facility.id,
        service=data.service,
        consent_id=consent.id,
        deadline=deadline,
        referred_at=now,
        referred_by=scope.username,
        bed_category=data.bed_category,
        bed_held_until=hold_until,
    )
    # The content is written with the referral, so that the envelope of its first version
    # carries it.
    referral.content = ReferralContent(
        shared=json.dumps(shared, ensure_ascii=False), note=data.note
    )
    session.add(referral)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="humanitarian.referral",
        object_type="referral",
        object_ids=[referral.uid],
        detail={
            "case": case.uid,
            "facility": facility.uid,
            "parts": sorted(p.value for p in parts),
            "across": across,
        },  # fmt: skip
    )
    return referral


def referral_of(session: Session, referral_id: int) -> Referral:
    referral = session.scalar(select(Referral).where(Referral.id == referral_id))
    if referral is None:
        raise NotFound(f"referral {referral_id} not found")
    return referral


_NEXT = {
    "accept": ({ReferralState.pending}, ReferralState.accepted),
    "decline": ({ReferralState.pending, ReferralState.accepted}, ReferralState.declined),
    "complete": ({ReferralState.accepted}, ReferralState.completed),
}


def answer(
    session: Session, *, scope: Scope, referral_id: int, action: str, reason: str,
    now: dt.datetime | None = None,
) -> Referral:  # fmt: skip
    """Accept, decline (with a reason) or complete a referral; a held bed is released when it
    is declined or completed."""
    scope.require("write")
    if not scope.sees_protection:
        raise Forbidden("referrals are answered by the receiving service's staff")
    now = now or utcnow()
    referral = referral_of(session, referral_id)
    allowed, target = _NEXT[action]
    if referral.state not in allowed:
        raise Conflict(f"a {referral.state.value} referral cannot be {target.value}")
    if action == "decline" and len(reason.strip()) < 5:
        raise InvalidInput("a declined referral needs its reason")
    if referral.origin_node != scope.node:
        # Received from the other side: the answer travels back; the origin applies it.
        answer_row = ReferralAnswer(
            origin_node=scope.node,
            sharing_level=SharingLevel.humanitarian,
            referral_uid=referral.uid,
            action=action,
            reason=reason,
            answered_by=scope.username,
            answered_at=now,
        )
        session.add(answer_row)
        session.flush()
        audit.record(
            session,
            scope=scope,
            action=f"humanitarian.referral.{action}",
            object_type="referral",
            object_ids=[referral.uid],
            detail={"reason": reason, "sent_to": referral.origin_node},
        )
        return referral
    if referral.across:
        raise Forbidden("this referral is to a service across the border: that service answers it")
    return apply_answer(session, scope=scope, referral=referral, action=action, reason=reason,
                        now=now)  # fmt: skip


def apply_answer(
    session: Session, *, scope: Scope, referral: Referral, action: str, reason: str,
    now: dt.datetime,
) -> Referral:  # fmt: skip
    """The state change itself, on the referral's own node."""
    allowed, target = _NEXT[action]
    if referral.state not in allowed:
        raise Conflict(f"a {referral.state.value} referral cannot be {target.value}")
    referral.state = target
    referral.answered_at = now
    with unscoped(session):  # the referral's own content row, whoever applies the answer
        content = session.scalar(
            select(ReferralContent).where(ReferralContent.referral_id == referral.id)
        )
    if content is not None:
        content.answer_reason = reason or None
    if target in (ReferralState.declined, ReferralState.completed) and referral.bed_category:
        referral.bed_released_at = referral.bed_released_at or now
    audit.record(
        session,
        scope=scope,
        action=f"humanitarian.referral.{action}",
        object_type="referral",
        object_ids=[referral.uid],
        detail={"reason": reason} if reason else None,
    )
    return referral


def escalate_overdue(
    session: Session, *, scope: Scope, now: dt.datetime | None = None
) -> list[int]:
    """Flag and escalate referrals past their deadline unanswered; release beds whose hold ran
    out. Returns the referrals escalated now."""
    now = now or utcnow()
    overdue = list(
        session.scalars(
            select(Referral).where(
                Referral.origin_node == scope.node,  # the referring node follows up its own
                Referral.state == ReferralState.pending,
                Referral.deadline <= now,
                Referral.escalated_at.is_(None),
            )
        )
    )
    for referral in overdue:
        referral.escalated_at = now
        audit.record(
            session,
            scope=scope,
            action="humanitarian.referral.escalate",
            object_type="referral",
            object_ids=[referral.uid],
            detail={"deadline": referral.deadline.isoformat()},
        )
    for referral in session.scalars(
        select(Referral).where(
            Referral.origin_node == scope.node,
            Referral.bed_category.is_not(None),
            Referral.bed_released_at.is_(None),
            Referral.state == ReferralState.pending,
            Referral.bed_held_until <= now,
        )
    ):
        referral.bed_released_at = now
    return [r.id for r in overdue]


def referral_public(
    referral: Referral, scope: Scope, now: dt.datetime | None = None
) -> ReferralPublic:
    now = now or utcnow()
    content = referral.content
    return ReferralPublic(
        id=referral.id,
        uid=referral.uid,
        origin_node=referral.origin_node,
        case_id=referral.case_id,
        case_uid=referral.case_uid,
        facility_id=referral.facility_id,
        service=referral.service,
        state=referral.state,
        note=content.note if content is not None else None,
        deadline=referral.deadline,
        overdue=referral.state is ReferralState.pending and referral.deadline <= now,
        referred_at=referral.referred_at,
        referred_by=referral.referred_by,
        answered_at=referral.answered_at,
        answer_reason=content.answer_reason if content is not None else None,
        escalated_at=referral.escalated_at,
        bed_category=referral.bed_category,
        bed_held_until=referral.bed_held_until,
        bed_released_at=referral.bed_released_at,
        shared_hidden=not scope.sees_protection,
        shared=json.loads(content.shared) if content is not None else None,
    )


def list_referrals(
    session: Session, *, scope: Scope, state: ReferralState | None, case_id: int | None,
    overdue: bool = False, now: dt.datetime | None = None,
) -> list[ReferralPublic]:  # fmt: skip
    now = now or utcnow()
    query = select(Referral).order_by(Referral.deadline, Referral.id).limit(500)
    if state is not None:
        query = query.where(Referral.state == state)
    if case_id is not None:
        query = query.where(Referral.case_id == case_id)
    if overdue:
        query = query.where(Referral.state == ReferralState.pending, Referral.deadline <= now)
    return [referral_public(r, scope, now) for r in session.scalars(query)]
