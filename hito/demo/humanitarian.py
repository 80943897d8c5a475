"""The demo's humanitarian plan: the people of the stranded group screened with their consent
and prioritised by the rules, the urgent ones referred, everybody else in a group accounted
for, a planned removal of a father that raises a separation alert, the shelters' beds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.auth.scope import Scope
from hito.humanitarian import family, mark_not_screened, record_consent, record_screening
from hito.humanitarian.models import (
    BedCategory,
    ChildStatus,
    Illness,
    MovementKind,
    NotScreenedReason,
    ServiceKind,
)
from hito.humanitarian.referrals import refer
from hito.humanitarian.schemas import (
    BedUpdate,
    ConsentCreate,
    MovementCreate,
    NotScreened,
    ReferralCreate,
    ScreeningCreate,
    ScreeningDetails,
)
from hito.humanitarian.shelters import record_beds
from hito.people.models import Person, Relationship, Sex
from hito.places.models import Facility, FacilityKind

CONSENT = ConsentCreate(
    given=True,
    explained="Se explicó la evaluación de vulnerabilidad, su finalidad y con quién se "
    "comparte; puede negarse sin consecuencias para su atención.",
    language="es",
    share_with=["humanitarian_partners", "service_providers"],
    parts=["identity", "health", "protection"],
)
# Beds counted on the demo's first night (capacity, occupied), by shelter and category.
BEDS = {
    "Albergue transitorio Arica": {
        BedCategory.men: (36, 31), BedCategory.women: (24, 19),
        BedCategory.families: (48, 41), BedCategory.unaccompanied_children: (12, 5),
    },
    "Albergue temporal Tacna": {
        BedCategory.men: (24, 24), BedCategory.women: (16, 12),
        BedCategory.families: (32, 30), BedCategory.unaccompanied_children: (8, 6),
    },
}  # fmt: skip


@dataclass
class HumanitarianStats:
    screened: int = 0
    not_screened: int = 0
    referred: int = 0
    separation_alerts: int = 0


def _details(person: Person) -> ScreeningDetails:
    words, notes = set(person.vulnerabilities.split()), person.protection_notes
    found: dict[str, Any] = {"notes": notes}
    if "Cáncer" in notes:
        found |= {"illness": Illness.cancer, "treatment_interrupted": True}
    if "pregnant" in words:
        high = "alto riesgo" in notes
        found |= {"pregnant": True, "pregnancy_months": 8 if high else 7,
                  "pregnancy_high_risk": high}  # fmt: skip
    if "disability" in words:
        found["disability"] = True
    if "unaccompanied_minor" in words:
        found["child_status"] = ChildStatus.unaccompanied
    elif "accompanied_minor" in words:
        found["child_status"] = ChildStatus.accompanied
    if "elderly" in words:
        found |= {"illness": Illness.chronic, "elderly_without_support": False}
    return ScreeningDetails(**found)


def load_humanitarian(
    session: Session, *, scopes: dict[str, Scope], node: str
) -> HumanitarianStats:
    stats = HumanitarianStats()
    shelters = {
        f.name: f
        for f in session.scalars(select(Facility).where(Facility.kind == FacilityKind.shelter))
    }
    staff = scopes["oim"]
    for name, categories in BEDS.items():
        shelter = shelters.get(name)
        if shelter is None or shelter.origin_node != node:
            continue
        for category, (capacity, occupied) in categories.items():
            count = BedUpdate(category=category, capacity=capacity, occupied=occupied)
            record_beds(session, scope=staff, facility_id=shelter.id, data=count)
    if node != "CL":
        return stats  # the stranded group was met on the Chilean side
    point = session.scalar(
        select(Facility).where(
            Facility.kind == FacilityKind.service_point, Facility.origin_node == node
        )
    )
    arica = shelters["Albergue transitorio Arica"]
    people = list(
        session.scalars(
            select(Person)
            .where(Person.origin_node == node, Person.sharing_level == "humanitarian")
            .order_by(Person.id)
        )
    )
    at = dt.datetime(2025, 11, 25, 10, tzinfo=dt.UTC)
    removal_planned = False
    for number, person in enumerate(people):
        if person.group_id is not None and number % 9 == 4 and not person.vulnerabilities:
            gone = NotScreened(
                reason=NotScreenedReason.left_before_screening,
                note="Se fue al terminal de buses antes de la evaluación.",
            )
            mark_not_screened(session, scope=staff, person_id=person.id, data=gone)
            stats.not_screened += 1
            continue
        consent = record_consent(session, scope=staff, person_id=person.id, data=CONSENT)
        screening = record_screening(
            session, scope=staff, person_id=person.id,
            data=ScreeningCreate(consent_id=consent.id, details=_details(person)),
        )  # fmt: skip
        stats.screened += 1
        details = screening.detail
        assert details is not None
        service = None
        if details.illness is Illness.cancer or details.pregnancy_high_risk:
            service, facility, bed = ServiceKind.health, point, None
        elif details.child_status is ChildStatus.unaccompanied:
            service, facility, bed = ServiceKind.shelter, arica, BedCategory.unaccompanied_children
        elif details.disability:
            service, facility, bed = ServiceKind.shelter, arica, BedCategory.families
        if service is not None and facility is not None:
            referral = ReferralCreate(
                facility_id=facility.id,
                service=service,
                bed_category=bed,
                note="Derivación desde el grupo varado al norte de Chacalluta.",
            )
            refer(session, scope=staff, case_id=screening.case_id, now=at, data=referral)
            stats.referred += 1
        if (
            not removal_planned
            and person.relationship_to_group is Relationship.head
            and person.sex is Sex.male
            and person.group_id is not None
            and len([p for p in people if p.group_id == person.group_id]) >= 3
        ):
            removal = MovementCreate(
                kind=MovementKind.removal,
                planned_for=at + dt.timedelta(days=2),
                destination="Complejo Chacalluta: reconducción a Perú",
                person_ids=[person.id],
            )
            movement = family.plan_movement(session, scope=scopes["pdi"], data=removal)
            stats.separation_alerts += len(
                family.movement_public(session, movement).separation_alerts
            )
            removal_planned = True
    return stats
