"""The Arica–Tacna situation of November 2025, rebuilt deterministically through the services.

Figures follow public reporting: a group stranded north of Chacalluta (about 100, then 70, then
20 people over four days), 30–50 irregular departures from Chile to Peru a day, about 10,000
Chilean visitors a weekend at Chacalluta–Santa Rosa (25,000 before the pandemic), and the state
of emergency declared in Tacna.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session
from stdnum.cl import rut
from stdnum.pe import cui

from hito.auth import Scope
from hito.demo.names import GIVEN, NATIONALITY_WEIGHTS, SURNAMES
from hito.events import (
    EventCreate,
    EventStatus,
    EventType,
    ObservationCreate,
    add_observation,
    create_events,
)
from hito.people import (
    DocumentIn,
    DocumentType,
    GroupCreate,
    GroupKind,
    PersonCreate,
    Protection,
    Relationship,
    Sex,
    Vulnerability,
    create_group,
    create_persons,
)
from hito.places import Location, town
from hito.records import SharingLevel

SEED = 20251124
CL_TZ = ZoneInfo("America/Santiago")
START = dt.date(2025, 11, 3)
END = dt.date(2025, 11, 30)
STRANDED_AT = Location(lat=-18.305, lon=-70.322)  # strip between the two control complexes
# Irregular paths used in the reporting: the coast, the Chacalluta surroundings, Escritos.
PATHS = [(-18.33, -70.39), (-18.31, -70.36), (-18.30, -70.27), (-18.29, -70.20), (-18.27, -70.06)]


@dataclass
class DemoStats:
    events: int = 0
    observations: int = 0
    persons: int = 0
    groups: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    identities: int = 0
    queued_for_review: int = 0
    crossing_counts: int = 0
    flow_counts: int = 0


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=CL_TZ)


def _days() -> list[dt.date]:
    return [START + dt.timedelta(days=i) for i in range((END - START).days + 1)]


def _jitter(rng: random.Random, lat: float, lon: float, spread: float = 0.012) -> Location:
    return Location(lat=lat + rng.uniform(-spread, spread), lon=lon + rng.uniform(-spread, spread))


def _irregular_departures(rng: random.Random) -> list[EventCreate]:
    """30–50 people a day leaving Chile for Peru, in small groups, mostly at night."""
    found = []
    for day in _days():
        remaining = rng.randint(30, 50)
        while remaining > 0:
            size = min(remaining, rng.randint(2, 9))
            remaining -= size
            minors = rng.randint(0, size // 3)
            found.append(
                EventCreate(
                    type=EventType.irregular_crossing,
                    occurred_at=_at(
                        day, rng.choice([0, 1, 2, 3, 4, 5, 20, 21, 22, 23]), rng.randint(0, 59)
                    ),
                    location=_jitter(rng, *rng.choice(PATHS)),
                    headcount=size,
                    adults=size - minors,
                    minors=minors,
                    description=f"Salida irregular hacia Perú: grupo de {size} personas a pie.",
                    sharing_level=SharingLevel.binational,
                    status=EventStatus.closed,
                )
            )
    return found


def _interceptions(rng: random.Random) -> list[EventCreate]:
    found = []
    for day in _days()[::2]:
        size = rng.randint(3, 14)
        found.append(
            EventCreate(
                type=EventType.interception,
                occurred_at=_at(day, rng.randint(5, 18), rng.randint(0, 59)),
                location=_jitter(rng, *rng.choice(PATHS[:4]), spread=0.02),
                headcount=size,
                description=f"Interceptación de {size} personas en la franja fronteriza, "
                "reconducidas al control.",
                sharing_level=SharingLevel.binational,
                status=EventStatus.closed,
            )
        )
    return found


def _weekend_flows(rng: random.Random) -> list[EventCreate]:
    crossing = town("Chacalluta")
    found = []
    for day in _days():
        if day.weekday() == 5:  # Saturday: the weekend's figure, reported on Sunday evening
            visitors = rng.randint(9_400, 10_800)
            found.append(
                EventCreate(
                    type=EventType.other,
                    occurred_at=_at(day + dt.timedelta(days=1), 21),
                    location=Location(lat=crossing[0], lon=crossing[1]),
                    headcount=visitors,
                    description=f"Flujo de fin de semana en Chacalluta–Santa Rosa: {visitors:,} "
                    "visitantes chilenos hacia Tacna (unos 25.000 antes de la pandemia).".replace(
                        ",", "."
                    ),
                    sharing_level=SharingLevel.binational,
                    status=EventStatus.closed,
                )
            )
    return found


def _place(name: str) -> Location:
    lat, lon = town(name)
    return Location(lat=lat, lon=lon)


def _pick_nationality(rng: random.Random) -> str:
    return rng.choices(list(NATIONALITY_WEIGHTS), weights=list(NATIONALITY_WEIGHTS.values()))[0]


def _document(rng: random.Random, nationality: str, adult: bool) -> list[DocumentIn]:
    """Documents as met at the border: often missing, sometimes mistyped."""
    if rng.random() < (0.35 if adult else 0.7):
        return []
    if nationality == "VE":
        number = str(rng.randint(9_000_000, 32_000_000))
        if rng.random() < 0.5:
            return [
                DocumentIn(
                    type=DocumentType.passport,
                    number=f"{rng.randint(100_000_000, 180_000_000)}",
                    issuing_country="VE",
                )
            ]
        number = f"V-{int(number):,}".replace(",", ".")
        return [DocumentIn(type=DocumentType.ve_cedula, number=number, issuing_country="VE")]
    if nationality == "CL":
        body = str(rng.randint(5_000_000, 26_000_000))
        digit = rut.calc_check_digit(body)
        if rng.random() < 0.15:  # mistyped check digit
            digit = "K" if digit != "K" else "0"
        return [
            DocumentIn(
                type=DocumentType.cl_run, number=rut.format(body + digit), issuing_country="CL"
            )
        ]
    if nationality == "PE":
        body = f"{rng.randint(10_000_000, 79_999_999)}"
        return [
            DocumentIn(
                type=DocumentType.pe_dni,
                number=body + cui.calc_check_digits(body)[1],
                issuing_country="PE",
            )
        ]
    if nationality == "CO":
        return [
            DocumentIn(
                type=DocumentType.co_cedula,
                number=str(rng.randint(1_000_000_000, 1_120_000_000)),
                issuing_country="CO",
            )
        ]
    return [
        DocumentIn(
            type=DocumentType.passport,
            number=f"P{rng.randint(1_000_000, 9_999_999)}",
            issuing_country="HT",
        )
    ]


def _person(
    rng: random.Random,
    *,
    nationality: str,
    sex: Sex,
    age: int,
    surnames: tuple[str, str | None],
    met_at: dt.datetime,
    event_id: int | None,
    group_id: int | None,
    relationship: Relationship | None,
    vulnerabilities: list[Vulnerability],
    notes: str,
    sharing: SharingLevel,
) -> PersonCreate:
    birth_year = met_at.year - age
    if rng.random() < 0.2:
        birth = str(birth_year)  # only the year was known
    elif rng.random() < 0.1:
        birth = f"{birth_year}-{rng.randint(1, 12):02d}"
    else:
        birth = f"{birth_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    given = rng.choice(GIVEN[nationality][sex.value])
    surname_1, surname_2 = surnames
    if rng.random() < 0.08:  # accents dropped by a tired hand
        given = given.translate(str.maketrans("áéíóúÁÉÍÓÚ", "aeiouAEIOU"))
    return PersonCreate(
        given_names=given,
        surname_1=surname_1,
        surname_2=surname_2,
        birth_date=birth,
        birth_date_estimated=age > 60 and rng.random() < 0.3,
        sex=sex,
        nationality=nationality,
        encountered_at=met_at,
        event_id=event_id,
        group_id=group_id,
        relationship_to_group=relationship if group_id is not None else None,
        documents=_document(rng, nationality, age >= 18),
        sharing_level=sharing,
        protection=Protection(vulnerabilities=vulnerabilities, notes=notes),
    )


def _family(
    rng: random.Random,
    *,
    met_at: dt.datetime,
    event_id: int | None,
    group_id: int | None,
    sharing: SharingLevel,
    special: Callable[[int], tuple[list[Vulnerability], str]] | None = None,
) -> list[PersonCreate]:
    nationality = _pick_nationality(rng)
    father = rng.choice(SURNAMES[nationality])
    mother = rng.choice(SURNAMES[nationality])
    second = rng.choice(SURNAMES[nationality])
    members: list[PersonCreate] = []
    head_age = rng.randint(22, 45)
    head_sex = rng.choice([Sex.female, Sex.male])
    members.append(
        _person(
            rng,
            nationality=nationality,
            sex=head_sex,
            age=head_age,
            surnames=(
                father if head_sex is Sex.male else mother,
                second if rng.random() > 0.1 else None,
            ),
            met_at=met_at,
            event_id=event_id,
            group_id=group_id,
            relationship=Relationship.head,
            vulnerabilities=[],
            notes="",
            sharing=sharing,
        )
    )
    if rng.random() < 0.6:
        spouse_sex = Sex.female if head_sex is Sex.male else Sex.male
        pregnant = spouse_sex is Sex.female and rng.random() < 0.25
        members.append(
            _person(
                rng,
                nationality=nationality,
                sex=spouse_sex,
                age=head_age + rng.randint(-5, 5),
                surnames=(
                    mother if spouse_sex is Sex.female else father,
                    rng.choice(SURNAMES[nationality]),
                ),
                met_at=met_at,
                event_id=event_id,
                group_id=group_id,
                relationship=Relationship.spouse,
                vulnerabilities=[Vulnerability.pregnant] if pregnant else [],
                notes="Embarazo de 7 meses, control prenatal pendiente." if pregnant else "",
                sharing=sharing,
            )
        )
    for _ in range(rng.randint(0, 3)):
        members.append(
            _person(
                rng,
                nationality=nationality,
                sex=rng.choice([Sex.female, Sex.male]),
                age=rng.randint(0, 16),
                surnames=(father, mother),
                met_at=met_at,
                event_id=event_id,
                group_id=group_id,
                relationship=Relationship.child,
                vulnerabilities=[Vulnerability.accompanied_minor],
                notes="",
                sharing=sharing,
            )
        )
    if rng.random() < 0.15:
        members.append(
            _person(
                rng,
                nationality=nationality,
                sex=rng.choice([Sex.female, Sex.male]),
                age=rng.randint(66, 82),
                surnames=(rng.choice(SURNAMES[nationality]), father),
                met_at=met_at,
                event_id=event_id,
                group_id=group_id,
                relationship=Relationship.grandparent,
                vulnerabilities=[Vulnerability.elderly],
                notes="Requiere medicación para hipertensión.",
                sharing=sharing,
            )
        )
    if special:
        vulnerabilities, notes = special(len(members))
        members[0] = members[0].model_copy(
            update={"protection": Protection(vulnerabilities=vulnerabilities, notes=notes)}
        )
    return members


# Where each demo author works: its writes happen on that country's node only. The
# international organisations' demo staff work on the Chilean side, where the group is stranded.
WRITES_ON = {
    "carabineros": "CL",
    "pdi": "CL",
    "sermig": "CL",
    "oim": "CL",
    "pnp": "PE",
    "migraciones": "PE",
    "ejercito": "PE",
}


@dataclass
class Plan:
    """What the whole scenario generated, on whichever node it ran (the same everywhere)."""

    intercepted: list[PersonCreate] = field(default_factory=list)  # by Peru's PNP

    @property
    def shared_by_peru(self) -> list[PersonCreate]:
        """The intercepted people Peru shares (binational), in the order it wrote them."""
        return [p for p in self.intercepted if p.sharing_level is SharingLevel.binational]


def load(session: Session, *, scopes: dict[str, Scope], node: str) -> tuple[DemoStats, Plan]:
    """Write this node's part of the scenario in the caller's transaction.

    The whole scenario is generated on every node from one seed, so both nodes agree on it;
    each writes only what its own agencies reported. What the other country shares arrives
    through the exchange."""
    rng = random.Random(SEED)
    stats = DemoStats()
    plan = Plan()

    def here(author: str) -> bool:
        return WRITES_ON[author] == node

    def add(author: str, batch: list[EventCreate]) -> list[int | None]:
        if not here(author):
            return [None] * len(batch)
        ids = create_events(session, scope=scopes[author], events=batch)
        stats.events += len(ids)
        stats.observations += len(ids)
        for item in batch:
            stats.by_type[item.type.value] = stats.by_type.get(item.type.value, 0) + 1
        return list(ids)

    measure = add(
        "pnp",
        [
            EventCreate(
                type=EventType.official_measure,
                occurred_at=_at(dt.date(2025, 11, 20), 10),
                location=_place("Tacna"),
                sharing_level=SharingLevel.binational,
                status=EventStatus.monitoring,
                description="Declaratoria de estado de emergencia en la provincia de Tacna; "
                "control fronterizo reforzado por la PNP y las Fuerzas Armadas.",
            )
        ],
    )
    (stranded,) = add(
        "carabineros",
        [
            EventCreate(
                type=EventType.stranded_group,
                occurred_at=_at(dt.date(2025, 11, 24), 13),
                location=STRANDED_AT,
                headcount=100,
                adults=68,
                minors=32,
                sharing_level=SharingLevel.binational,
                status=EventStatus.open,
                description="Grupo de migrantes, en su mayoría venezolanos, varado en la franja "
                "fronteriza al norte del complejo Chacalluta, sin poder ingresar a Perú ni volver.",
            )
        ],
    )
    if here("carabineros") and stranded is not None:
        # 100 → 70 (Peru's PNP, once the event has reached Peru: see finish) → 20
        add_observation(
            session,
            scope=scopes["carabineros"],
            event_id=stranded,
            data=ObservationCreate(
                observed_at=_at(dt.date(2025, 11, 27), 18),
                headcount=20,
                adults=13,
                minors=7,
                note="Quedan 20 personas; el resto fue trasladado a albergues.",
                status=EventStatus.monitoring,
            ),
        )
        stats.observations += 1
    needs = add(
        "oim",
        [
            EventCreate(
                type=EventType.humanitarian_need,
                occurred_at=_at(dt.date(2025, 11, 24), 17),
                location=STRANDED_AT,
                headcount=100,
                description="Agua, alimentos y abrigo para el grupo varado; 3 embarazadas, "
                "niños pequeños y una persona en tratamiento oncológico.",
                sharing_level=SharingLevel.humanitarian,
                status=EventStatus.open,
            ),
            EventCreate(
                type=EventType.humanitarian_need,
                occurred_at=_at(dt.date(2025, 11, 26), 9),
                location=_place("Arica"),
                headcount=45,
                description="Albergue transitorio en Arica al límite de su capacidad.",
                sharing_level=SharingLevel.humanitarian,
                status=EventStatus.monitoring,
            ),
        ],
    )
    add("carabineros", _irregular_departures(rng))
    add("pnp", _interceptions(rng))
    add("sermig", _weekend_flows(rng))
    add(
        "migraciones",
        [
            EventCreate(
                type=EventType.crossing_disruption,
                occurred_at=_at(dt.date(2025, 11, 21), 8),
                location=_place("Chacalluta"),
                sharing_level=SharingLevel.binational,
                status=EventStatus.closed,
                description="Controles reforzados en Santa Rosa: esperas de hasta 4 horas "
                "para salir de Chile hacia Tacna.",
            )
        ],
    )
    add(
        "ejercito",
        [
            EventCreate(
                type=EventType.patrol_report,
                occurred_at=_at(day, 7),
                location=_jitter(rng, -18.29, -70.20),
                description="Patrullaje en la franja fronteriza de Escritos, sin novedad.",
                sharing_level=SharingLevel.national,
                status=EventStatus.closed,
            )
            for day in _days()[17:]
        ],
    )

    # People met in the stranded group, by families, then those intercepted.
    special_cases: dict[int, Callable[[int], tuple[list[Vulnerability], str]]] = {
        3: lambda _: (
            [Vulnerability.serious_illness],
            "Cáncer de mama en tratamiento oncológico; quimioterapia interrumpida.",
        ),
        7: lambda _: ([Vulnerability.pregnant], "Embarazo de alto riesgo, 34 semanas."),
        11: lambda _: ([Vulnerability.disability], "Usa silla de ruedas."),
    }
    met = _at(dt.date(2025, 11, 24), 16)
    family_no = 0
    people: list[PersonCreate] = []
    while len(people) < 190:
        group_id = None
        if here("oim"):
            group_id = create_group(
                session,
                scope=scopes["oim"],
                data=GroupCreate(
                    kind=GroupKind.family,
                    label=f"Familia {family_no + 1} – grupo varado",
                    sharing_level=SharingLevel.humanitarian,
                ),
            ).id
            stats.groups += 1
        people += _family(
            rng,
            met_at=met,
            event_id=needs[0] if family_no % 2 else stranded,
            group_id=group_id,
            sharing=SharingLevel.humanitarian,
            special=special_cases.get(family_no),
        )
        family_no += 1
    for i in range(3):  # unaccompanied children, found alone
        nationality = "VE"
        people.append(
            _person(
                rng,
                nationality=nationality,
                sex=rng.choice([Sex.female, Sex.male]),
                age=14 + i,
                surnames=(rng.choice(SURNAMES[nationality]), rng.choice(SURNAMES[nationality])),
                met_at=met,
                event_id=stranded,
                group_id=None,
                relationship=None,
                vulnerabilities=[Vulnerability.unaccompanied_minor],
                notes="Niño/a no acompañado/a; derivado/a a protección de la infancia.",
                sharing=SharingLevel.humanitarian,
            )
        )
    if here("oim"):
        stats.persons += len(create_persons(session, scope=scopes["oim"], people=people))
    for i in range(110):
        nationality = _pick_nationality(rng)
        plan.intercepted.append(
            _person(
                rng,
                nationality=nationality,
                sex=rng.choice([Sex.female, Sex.male]),
                age=rng.randint(18, 60),
                surnames=(
                    rng.choice(SURNAMES[nationality]),
                    rng.choice(SURNAMES[nationality]) if rng.random() > 0.15 else None,
                ),
                met_at=_at(START + dt.timedelta(days=i % 27), 6),
                event_id=measure[0],
                group_id=None,
                relationship=None,
                vulnerabilities=[],
                notes="",
                sharing=SharingLevel.national if i % 3 else SharingLevel.binational,
            )
        )
    if here("pnp"):
        stats.persons += len(create_persons(session, scope=scopes["pnp"], people=plan.intercepted))
    return stats, plan
