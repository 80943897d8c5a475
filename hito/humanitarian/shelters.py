"""Shelters and service points: what they offer, and the shelter board ("camas libres esta
noche"): the latest count of each category, less the beds held for referrals, with history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hito import audit
from hito.auth.scope import Scope
from hito.db import utcnow
from hito.exc import Forbidden, InvalidInput, NotFound
from hito.humanitarian.models import (
    BedCategory,
    BedCount,
    Referral,
    ReferralState,
    ServiceKind,
    ServiceProfile,
)
from hito.humanitarian.schemas import (
    BedCountPublic,
    BedsPublic,
    BedUpdate,
    ServicePointPublic,
    ShelterPublic,
)
from hito.places.models import Facility, FacilityKind

# What the reference facilities offer (hito.places seeds them), by their kind.
DEFAULT_OFFERS = {
    FacilityKind.shelter: ("shelter psychosocial", "Todos los días, 24 h", "es"),
    FacilityKind.service_point: (
        "health legal_aid child_protection",
        "Lunes a domingo 08:00–20:00",
        "es en",
    ),
}
# Beds of the demo's shelters by category at opening (the rest of capacity is families).
OPENING_BEDS = {
    BedCategory.men: 0.3,
    BedCategory.women: 0.2,
    BedCategory.unaccompanied_children: 0.1,
}


def seed_profiles(session: Session, *, node: str) -> None:
    """A profile, and an opening bed count for shelters, for this node's facilities (idempotent)."""
    have = set(session.scalars(select(ServiceProfile.facility_id)))
    for facility in session.scalars(select(Facility).where(Facility.origin_node == node)):
        if facility.id in have:
            continue
        offers, hours, languages = DEFAULT_OFFERS[facility.kind]
        session.add(
            ServiceProfile(facility_id=facility.id, offers=offers, hours=hours, languages=languages)
        )
        if facility.kind is FacilityKind.shelter and facility.capacity:
            left = facility.capacity
            for category, share in OPENING_BEDS.items():
                beds = int(facility.capacity * share)
                left -= beds
                session.add(_count(facility.id, category, beds, 0, "system"))
            session.add(_count(facility.id, BedCategory.families, left, 0, "system"))


def _count(facility: int, category: BedCategory, capacity: int, occupied: int, by: str) -> BedCount:
    return BedCount(
        facility_id=facility,
        category=category,
        capacity=capacity,
        occupied=occupied,
        counted_by=by,
        counted_at=utcnow(),
    )


def facility_of(session: Session, facility_id: int) -> Facility:
    facility = session.scalar(select(Facility).where(Facility.id == facility_id))
    if facility is None:
        raise NotFound(f"facility {facility_id} not found")
    return facility


def offers(session: Session, facility_id: int) -> set[ServiceKind]:
    profile = session.get(ServiceProfile, facility_id)
    return {ServiceKind(o) for o in profile.offers.split()} if profile else set()


def _latest(session: Session, facility_ids: list[int]) -> dict[tuple[int, BedCategory], BedCount]:
    newest = (
        select(func.max(BedCount.id))
        .where(BedCount.facility_id.in_(facility_ids))
        .group_by(BedCount.facility_id, BedCount.category)
    )
    rows = session.scalars(select(BedCount).where(BedCount.id.in_(newest)))
    return {(r.facility_id, r.category): r for r in rows}


def held(
    session: Session, facility_ids: list[int], now: dt.datetime
) -> dict[tuple[int, BedCategory], int]:
    """Beds held for referrals not yet answered or accepted, whose hold has not run out."""
    rows = session.execute(
        select(Referral.facility_id, Referral.bed_category, func.count())
        .where(
            Referral.facility_id.in_(facility_ids),
            Referral.bed_category.is_not(None),
            Referral.bed_released_at.is_(None),
            Referral.state.in_([ReferralState.pending, ReferralState.accepted]),
            Referral.bed_held_until > now,
        )
        .group_by(Referral.facility_id, Referral.bed_category)
    ).all()
    return {(f, BedCategory(c)): n for f, c, n in rows if c is not None}


def free_beds(session: Session, facility_id: int, category: BedCategory, now: dt.datetime) -> int:
    latest = _latest(session, [facility_id]).get((facility_id, category))
    if latest is None:
        return 0
    return (
        latest.capacity
        - latest.occupied
        - held(session, [facility_id], now).get((facility_id, category), 0)
    )


_NO_PROFILE: dict[str, Any] = {"offers": [], "hours": "", "languages": []}


def _profiles(session: Session, facility_ids: list[int]) -> dict[int, dict[str, Any]]:
    """What each facility offers, when, in which languages (those with a profile here)."""
    return {
        p.facility_id: {
            "offers": [ServiceKind(o) for o in p.offers.split()],
            "hours": p.hours,
            "languages": p.languages.split(),
        }
        for p in session.scalars(
            select(ServiceProfile).where(ServiceProfile.facility_id.in_(facility_ids))
        )
    }


def board(session: Session, *, scope: Scope, now: dt.datetime | None = None) -> list[ShelterPublic]:
    """Every shelter the user may see, on both sides, with its free beds tonight."""
    now = now or utcnow()
    shelters = list(
        session.scalars(
            select(Facility).where(Facility.kind == FacilityKind.shelter).order_by(Facility.name)
        )
    )
    ids = [s.id for s in shelters]
    latest = _latest(session, ids)
    holds = held(session, ids, now)
    profiles = _profiles(session, ids)
    out = []
    for shelter in shelters:
        beds = [
            BedsPublic(
                category=category,
                capacity=count.capacity,
                occupied=count.occupied,
                held=holds.get((shelter.id, category), 0),
                free=max(count.capacity - count.occupied - holds.get((shelter.id, category), 0), 0),
                counted_at=count.counted_at,
            )
            for category in BedCategory
            if (count := latest.get((shelter.id, category))) is not None
        ]
        out.append(
            ShelterPublic(
                facility_id=shelter.id,
                name=shelter.name,
                country=shelter.country,
                **profiles.get(shelter.id, _NO_PROFILE),
                beds=beds,
                free=sum(b.free for b in beds),
            )
        )
    return out


def service_points(session: Session, *, scope: Scope) -> list[ServicePointPublic]:
    """Shelters and service points on both sides that the user may see: what each offers,
    when, in which languages (a facility of the other side is described there)."""
    facilities = list(session.scalars(select(Facility).order_by(Facility.country, Facility.name)))
    profiles = _profiles(session, [f.id for f in facilities])
    return [
        ServicePointPublic(
            facility_id=facility.id,
            name=facility.name,
            kind=facility.kind.value,
            country=facility.country,
            **profiles.get(facility.id, _NO_PROFILE),
        )
        for facility in facilities
    ]


def record_beds(session: Session, *, scope: Scope, facility_id: int, data: BedUpdate) -> BedCount:
    """A new count of one category of a shelter of this node."""
    scope.require("write")
    if not (scope.humanitarian or scope.may("supervise")):
        raise Forbidden("bed counts are kept by shelter staff, caseworkers and supervisors")
    facility = facility_of(session, facility_id)
    if facility.kind is not FacilityKind.shelter:
        raise InvalidInput(f"facility {facility_id} is not a shelter")
    if facility.origin_node != scope.node:
        raise Forbidden(
            f"{facility.name} is a shelter of {facility.origin_node}: it counts its own beds"
        )
    count = _count(facility.id, data.category, data.capacity, data.occupied, scope.username)
    session.add(count)
    session.flush()
    audit.record(
        session,
        scope=scope,
        action="humanitarian.beds",
        object_type="facility",
        object_ids=[facility.uid],
        detail={
            "category": data.category.value,
            "capacity": data.capacity,
            "occupied": data.occupied,
        },
    )
    return count


def bed_history(session: Session, *, scope: Scope, facility_id: int) -> list[BedCountPublic]:
    facility_of(session, facility_id)
    rows = session.scalars(
        select(BedCount)
        .where(BedCount.facility_id == facility_id)
        .order_by(BedCount.id.desc())
        .limit(500)
    )
    return [
        BedCountPublic(
            category=r.category,
            capacity=r.capacity,
            occupied=r.occupied,
            counted_at=r.counted_at,
            counted_by=r.counted_by,
        )  # fmt: skip
        for r in rows
    ]
