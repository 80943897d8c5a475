from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito import audit
from hito.agencies import agency_codes, writing_agency_id
from hito.auth.scope import Scope
from hito.countries import alpha2
from hito.events.models import Event
from hito.exc import InvalidInput, NotFound
from hito.identity.documents import CHECKED, check_document
from hito.identity.prepare import match_keys, prepare_record
from hito.pagination import id_page
from hito.people.models import (
    DocumentCheckStatus,
    IdentityDocument,
    Person,
    PersonGroup,
    PersonKey,
    Vulnerability,
)
from hito.people.schemas import (
    DocumentIn,
    DocumentPublic,
    GroupCreate,
    GroupPublic,
    PersonCreate,
    PersonFilters,
    PersonPage,
    PersonPublic,
    Protection,
    format_birth_date,
    parse_birth_date,
)


def _public(person: Person, scope: Scope, agencies: dict[int, str]) -> PersonPublic:
    protection = None
    if scope.sees_protection:
        protection = Protection(
            vulnerabilities=[Vulnerability(v) for v in person.vulnerabilities.split()],
            notes=person.protection_notes,
        )
    return PersonPublic(
        id=person.id,
        uid=person.uid,
        given_names=person.given_names,
        surname_1=person.surname_1,
        surname_2=person.surname_2,
        birth_date=format_birth_date(person.birth_date, person.birth_date_precision),
        birth_date_precision=person.birth_date_precision,
        sex=person.sex,
        nationality=person.nationality,
        encountered_at=person.encountered_at,
        event_id=person.event_id,
        group_id=person.group_id,
        relationship_to_group=person.relationship_to_group,
        documents=[
            DocumentPublic(
                id=d.id,
                type=d.type,
                number=d.number,
                issuing_country=d.issuing_country,
                normalized=d.normalized,
                check_status=d.check_status,
                check_reason=d.check_reason,
            )
            for d in person.documents
        ],
        reporting_agency=agencies[person.reporting_agency_id],
        sharing_level=person.sharing_level,
        origin_node=person.origin_node,
        version=person.version,
        created_at=person.created_at,
        protection=protection,
    )


def document_row(data: DocumentIn) -> IdentityDocument:
    """Checked on entry: a bad check digit is stored as given and flagged, never "fixed"."""
    check = check_document(data.type, data.number)
    if data.type in CHECKED:
        status = DocumentCheckStatus.valid if check.valid else DocumentCheckStatus.invalid
    else:
        status = DocumentCheckStatus.unchecked
    issuing = data.issuing_country
    if check.mrz is not None and issuing is None and len(check.mrz.issuing_state) == 3:
        issuing = alpha2(check.mrz.issuing_state)
    return IdentityDocument(
        type=data.type,
        number=data.number,
        issuing_country=issuing,
        normalized=check.normalized,
        check_status=status,
        check_reason=check.reason,
    )


def person_standard(person: Person) -> dict[str, Any]:
    """A person encounter in the standard linkage columns (a valid document first)."""
    documents = sorted(
        person.documents, key=lambda d: d.check_status is not DocumentCheckStatus.valid
    )
    document = documents[0] if documents else None
    return {
        "id": None if person.id is None else str(person.id),
        "given_names": person.given_names,
        "surnames": " ".join(s for s in (person.surname_1, person.surname_2) if s) or None,
        "birth_date": format_birth_date(person.birth_date, person.birth_date_precision),
        "sex": person.sex.value if person.sex.value in ("female", "male") else None,
        "nationality": person.nationality,
        "document_type": document.type.value if document else None,
        "document_number": (document.normalized or document.number) if document else None,
    }


def match_keys_of(person: Person) -> set[str]:
    keys = match_keys(prepare_record(person_standard(person)))
    keys.update(f"d:{d.normalized}"[:80] for d in person.documents if d.normalized)
    return keys


def _check_links(session: Session, data: PersonCreate) -> None:
    """A person may only point at an event or group its author can see (same 422 otherwise)."""
    if data.event_id is not None and not session.scalar(
        select(Event.id).where(Event.id == data.event_id)
    ):
        raise InvalidInput(
            f"event {data.event_id} not found",
            errors=[{"field": "event_id", "message": f"event {data.event_id} not found"}],
        )
    if data.group_id is not None and not session.scalar(
        select(PersonGroup.id).where(PersonGroup.id == data.group_id)
    ):
        raise InvalidInput(
            f"group {data.group_id} not found",
            errors=[{"field": "group_id", "message": f"group {data.group_id} not found"}],
        )


def create_persons(
    session: Session, *, scope: Scope, people: Sequence[PersonCreate], audit_it: bool = True
) -> list[Person]:
    scope.require("write")
    agency_id = writing_agency_id(session, code=scope.agency_code)
    created = []
    for data in people:
        _check_links(session, data)
        birth = (
            parse_birth_date(data.birth_date, estimated=data.birth_date_estimated)
            if data.birth_date
            else (None, None)
        )
        protection = data.protection or Protection()
        person = Person(
            given_names=data.given_names,
            surname_1=data.surname_1 or None,
            surname_2=data.surname_2 or None,
            birth_date=birth[0],
            birth_date_precision=birth[1],
            sex=data.sex,
            nationality=data.nationality,
            encountered_at=data.encountered_at,
            event_id=data.event_id,
            group_id=data.group_id,
            relationship_to_group=data.relationship_to_group,
            reporting_agency_id=agency_id,
            reported_by_id=scope.user_id,
            vulnerabilities=" ".join(sorted({v.value for v in protection.vulnerabilities})),
            protection_notes=protection.notes,
            origin_node=scope.node,
            sharing_level=data.sharing_level,
            documents=[document_row(d) for d in data.documents],
        )
        person.keys = [PersonKey(key=key) for key in sorted(match_keys_of(person))]
        session.add(person)
        created.append(person)
    session.flush()
    if audit_it and created:
        audit.record(
            session,
            scope=scope,
            action="person.create",
            object_type="person",
            object_ids=[p.uid for p in created],
        )
    return created


def create_person(session: Session, *, scope: Scope, data: PersonCreate) -> PersonPublic:
    (person,) = create_persons(session, scope=scope, people=[data])
    return _public(person, scope, agency_codes(session))


def get_person(session: Session, *, scope: Scope, person_id: int) -> PersonPublic:
    person = session.scalar(select(Person).where(Person.id == person_id))
    if person is None:
        raise NotFound(f"person {person_id} not found")
    audit.record(
        session,
        scope=scope,
        action="person.read",
        object_type="person",
        object_ids=[person.uid],
        detail={"protection": scope.sees_protection},
    )
    return _public(person, scope, agency_codes(session))


def list_persons(session: Session, *, scope: Scope, filters: PersonFilters) -> PersonPage:
    query = select(Person)
    if filters.uid is not None:
        query = query.where(Person.uid == filters.uid)
    if filters.event_id is not None:
        query = query.where(Person.event_id == filters.event_id)
    if filters.group_id is not None:
        query = query.where(Person.group_id == filters.group_id)
    if filters.nationality:
        query = query.where(Person.nationality == filters.nationality)
    rows, next_cursor = id_page(
        session, query, Person.id, limit=filters.limit, cursor=filters.cursor
    )
    if rows:
        audit.record(
            session,
            scope=scope,
            action="person.read",
            object_type="person",
            object_ids=[p.uid for p in rows],
            detail={"protection": scope.sees_protection},
        )
    agencies = agency_codes(session)
    return PersonPage(
        items=[_public(p, scope, agencies) for p in rows],
        next_cursor=next_cursor,
    )


def _group_public(session: Session, group: PersonGroup, scope: Scope) -> GroupPublic:
    members = session.scalars(
        select(Person.id).where(Person.group_id == group.id).order_by(Person.id)
    )
    return GroupPublic(
        id=group.id,
        uid=group.uid,
        kind=group.kind,
        label=group.label,
        member_ids=list(members),
        reporting_agency=agency_codes(session)[group.reporting_agency_id],
        sharing_level=group.sharing_level,
        origin_node=group.origin_node,
        version=group.version,
    )


def create_group(session: Session, *, scope: Scope, data: GroupCreate) -> GroupPublic:
    scope.require("write")
    group = PersonGroup(
        kind=data.kind,
        label=data.label,
        reporting_agency_id=writing_agency_id(session, code=scope.agency_code),
        origin_node=scope.node,
        sharing_level=data.sharing_level,
    )
    session.add(group)
    session.flush()
    audit.record(
        session, scope=scope, action="group.create", object_type="group", object_ids=[group.uid]
    )
    return _group_public(session, group, scope)


def get_group(session: Session, *, scope: Scope, group_id: int) -> GroupPublic:
    group = session.scalar(select(PersonGroup).where(PersonGroup.id == group_id))
    if group is None:
        raise NotFound(f"group {group_id} not found")
    return _group_public(session, group, scope)
