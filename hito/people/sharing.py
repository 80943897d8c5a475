"""Person encounters and family or travel groups as the exchange carries them.

A person's health and protection details (``protection``) are a field of their own, which the
agreement may give only to humanitarian audiences; links to the person's event and group travel
as global ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator
from sqlalchemy import delete, select

from hito.auth.scoping import unscoped
from hito.countries import CountryCode
from hito.events.models import Event
from hito.exchange.registry import ApplyContext, RecordType, WireField, register
from hito.exchange.wire import AgencyCode, WireTime, codes, iso, uids_of
from hito.fields import GlobalId
from hito.people.models import (
    DatePrecision,
    GroupKind,
    Person,
    PersonGroup,
    PersonKey,
    Relationship,
    Sex,
)
from hito.people.schemas import DocumentIn, Protection, format_birth_date, parse_birth_date
from hito.text import Line


class PersonWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    given_names: Line | None = Field(None, max_length=200)
    surname_1: Line | None = Field(None, max_length=100)
    surname_2: Line | None = Field(None, max_length=100)
    birth_date: str | None = Field(None, max_length=10)
    birth_date_precision: DatePrecision | None = None
    sex: Sex | None = None
    nationality: CountryCode | None = None
    encountered_at: WireTime | None = None
    event: GlobalId | None = None
    group: GlobalId | None = None
    relationship_to_group: Relationship | None = None
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)
    reporting_agency: AgencyCode | None = None
    protection: Protection | None = None

    @field_validator("birth_date")
    @classmethod
    def _partial_date(cls, value: str | None) -> str | None:
        if value is not None:
            parse_birth_date(value)
        return value


class GroupWire(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: GroupKind | None = None
    label: Line = Field("", max_length=200)
    reporting_agency: AgencyCode | None = None


class PersonRecords(RecordType):
    name = "person"
    model = Person
    fields = {
        "given_names": WireField(blank=""),
        "surname_1": WireField(),
        "surname_2": WireField(),
        "birth_date": WireField(),
        "birth_date_precision": WireField(),
        "sex": WireField(blank="unknown"),
        "nationality": WireField(),
        "encountered_at": WireField(),
        "event": WireField(link="event", column="event_id"),
        "group": WireField(link="group", column="group_id"),
        "relationship_to_group": WireField(),
        "documents": WireField(blank=[]),
        "reporting_agency": WireField(),
        "protection": WireField(protection=True),
    }
    structural = frozenset({"encountered_at", "reporting_agency"})
    wire = PersonWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        event_uids = uids_of(session, Event, (p.event_id for p in records))
        group_uids = uids_of(session, PersonGroup, (p.group_id for p in records))
        return [
            {
                "given_names": p.given_names,
                "surname_1": p.surname_1,
                "surname_2": p.surname_2,
                "birth_date": format_birth_date(p.birth_date, p.birth_date_precision),
                "birth_date_precision": p.birth_date_precision.value
                if p.birth_date_precision
                else None,
                "sex": p.sex.value,
                "nationality": p.nationality,
                "encountered_at": iso(p.encountered_at),
                "event": event_uids.get(p.event_id),
                "group": group_uids.get(p.group_id),
                "relationship_to_group": p.relationship_to_group.value
                if p.relationship_to_group
                else None,
                "documents": [
                    {"type": d.type.value, "number": d.number, "issuing_country": d.issuing_country}
                    for d in p.documents
                ],
                "reporting_agency": lookup.agency(p.reporting_agency_id),
                "protection": {
                    "vulnerabilities": sorted(p.vulnerabilities.split()),
                    "notes": p.protection_notes,
                },
            }
            for p in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        birth, precision = None, None
        if record.get("birth_date"):
            birth, precision = parse_birth_date(record["birth_date"])
            if record.get("birth_date_precision") is not None:
                precision = DatePrecision(record["birth_date_precision"])
        protection = record.get("protection") or {}
        links = {
            column: context.link(
                record_type=self.name,
                uid=uid,
                field_name=wire_field,
                target_type=target_type,
                target=record.get(wire_field),
            )
            for wire_field, (target_type, column) in self.detachable_links.items()
        }
        return {
            "given_names": record.get("given_names") or "",
            "surname_1": record.get("surname_1"),
            "surname_2": record.get("surname_2"),
            "birth_date": birth,
            "birth_date_precision": precision,
            "sex": record.get("sex") or Sex.unknown,
            "nationality": record.get("nationality"),
            "encountered_at": record["encountered_at"],
            **links,
            "relationship_to_group": record.get("relationship_to_group")
            if links["group_id"]
            else None,
            "reporting_agency_id": codes(context.session).agency_id(record["reporting_agency"]),
            "reported_by_id": None,
            "vulnerabilities": " ".join(sorted(set(protection.get("vulnerabilities", [])))),
            "protection_notes": protection.get("notes", ""),
        }

    def after_store(self, context: ApplyContext, uids: set[str]) -> None:
        """Documents are checked on receipt as on entry; match keys are made here."""
        from hito.people.service import document_row, match_keys_of

        session = context.session
        with unscoped(session):
            persons = session.scalars(select(Person).where(Person.uid.in_(uids))).all()
            documents = {uid: record for uid, record in context.records(self.name, uids)}
            for person in persons:
                person.documents = [
                    document_row(DocumentIn.model_validate(d))
                    for d in documents[person.uid].get("documents", [])
                ]
                session.execute(delete(PersonKey).where(PersonKey.person_id == person.id))
                session.flush()
                session.add_all(
                    PersonKey(person_id=person.id, key=key) for key in sorted(match_keys_of(person))
                )
            session.flush()


class GroupRecords(RecordType):
    name = "group"
    model = PersonGroup
    fields = {
        "kind": WireField(),
        "label": WireField(blank=""),
        "reporting_agency": WireField(),
    }
    structural = frozenset({"kind", "reporting_agency"})
    wire = GroupWire

    def to_wire(self, session: Any, records: Sequence[Any]) -> list[dict[str, Any]]:
        lookup = codes(session)
        return [
            {
                "kind": g.kind.value,
                "label": g.label,
                "reporting_agency": lookup.agency(g.reporting_agency_id),
            }
            for g in records
        ]

    def columns(self, record: dict[str, Any], context: ApplyContext, uid: str) -> dict[str, Any]:
        return {
            "kind": record["kind"],
            "label": record.get("label", ""),
            "reporting_agency_id": codes(context.session).agency_id(record["reporting_agency"]),
        }


PERSON = register(PersonRecords())
GROUP = register(GroupRecords())
