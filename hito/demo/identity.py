"""The demo's verification picture: people met on both sides, alert lists, identities.

Chile's PDI meets again, at Chacalluta, some of the people Peru's PNP intercepted and shared,
and writes them down its own way; the PDI holds a (fictitious) list of wanted persons, national,
and Peru's Migraciones a list of lost documents that it shares. Linkage runs on each node once the
exchange has brought the other side's shared records (``finish``).
"""

from __future__ import annotations

import datetime as dt
import random

import pyarrow as pa
from sqlalchemy.orm import Session

from hito.auth import Scope
from hito.demo.scenario import Plan
from hito.identity import load_alerts
from hito.identity.models import AlertKind
from hito.people import DocumentIn, PersonCreate, create_persons
from hito.records import SharingLevel

_PLAIN = str.maketrans("áéíóúÁÉÍÓÚñÑ", "aeiouAEIOUnN")


def _as_chile_writes_it(rng: random.Random, person: PersonCreate, met: dt.datetime) -> PersonCreate:
    birth = person.birth_date
    if birth and len(birth) == 10 and rng.random() < 0.2 and int(birth[8:]) <= 12:
        birth = f"{birth[:4]}-{birth[8:]}-{birth[5:7]}"  # day and month swapped
    given = person.given_names
    if " " in given and rng.random() < 0.4:
        given = given.split(" ")[0]  # María José → María
    if rng.random() < 0.5:
        given = given.translate(_PLAIN).upper()
    documents = [
        DocumentIn(type=d.type, number=d.number, issuing_country=d.issuing_country)
        for d in person.documents
        if rng.random() < 0.7
    ]
    return PersonCreate(
        given_names=given,
        surname_1=(person.surname_1 or "").translate(_PLAIN) or None,
        surname_2=person.surname_2 if rng.random() < 0.7 else None,
        birth_date=birth,
        birth_date_estimated=person.birth_date_estimated,
        sex=person.sex,
        nationality=person.nationality,
        encountered_at=met,
        documents=documents,
        sharing_level=SharingLevel.binational,
    )


def load_identity(
    session: Session, *, scopes: dict[str, Scope], node: str, plan: Plan
) -> dict[str, int]:
    shared = plan.shared_by_peru
    if node == "CL":
        rng = random.Random(20251124)
        met = dt.datetime(2025, 11, 26, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-3)))
        again = [_as_chile_writes_it(rng, p, met) for p in rng.sample(shared, min(20, len(shared)))]
        create_persons(session, scope=scopes["pdi"], people=again)
        wanted_person = shared[3]
        surnames = (wanted_person.surname_1, wanted_person.surname_2)
        wanted = [
            {
                "id": "1",
                "given_names": wanted_person.given_names,
                "surnames": " ".join(s for s in surnames if s),
                "birth_date": wanted_person.birth_date,
                "nationality": wanted_person.nationality,
                "reference": "OA-2025-0118 (ficticia)",
            },
            {
                "id": "2",
                "given_names": "Yorman José",
                "surnames": "Briceño Marcano",
                "birth_date": "1988-06-02",
                "nationality": "VE",
                "reference": "OA-2025-0140 (ficticia)",
            },
        ]
        load_alerts(
            session,
            scope=scopes["pdi"],
            table=pa.Table.from_pylist(wanted),
            list_name="PDI – órdenes de detención (demo)",
            kind=AlertKind.wanted_person,
            sharing_level=SharingLevel.national,
        )
        return {"reencounters": len(again)}
    with_document = next(p for p in shared if p.documents)
    lost = [
        {"id": "1", "document_type": "passport", "document_number": "P7777777"},
        {
            "id": "2",
            "document_type": with_document.documents[0].type.value,
            "document_number": with_document.documents[0].number,
            "reference": "Denuncia de extravío (ficticia)",
        },
    ]
    load_alerts(
        session,
        scope=scopes["migraciones"],
        table=pa.Table.from_pylist(lost),
        list_name="Documentos robados o extraviados (demo)",
        kind=AlertKind.lost_document,
        sharing_level=SharingLevel.binational,
    )
    return {"reencounters": 0}
