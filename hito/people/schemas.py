from __future__ import annotations

import datetime as dt
import re
from typing import Self

from pydantic import BaseModel, Field, StrictBool, field_validator, model_validator

from hito.countries import CountryCode
from hito.fields import INPUT, MAX_ID, GlobalId, RecordId, Timestamp
from hito.people.models import (
    DatePrecision,
    DocumentCheckStatus,
    DocumentType,
    GroupKind,
    Relationship,
    Sex,
    Vulnerability,
)
from hito.records import SharingLevel
from hito.text import Line, Text

_PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$")


def parse_birth_date(value: str, *, estimated: bool = False) -> tuple[dt.date, DatePrecision]:
    """'1987-03-14', '1987-03' or '1987' → (date, precision); ValueError with the reason."""
    match = _PARTIAL_DATE.match(value.strip())
    if not match:
        raise ValueError(f"birth date {value!r} is not YYYY-MM-DD, YYYY-MM or YYYY")
    year, month, day = match.groups()
    try:
        date = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as error:
        raise ValueError(f"birth date {value!r}: {error}") from None
    if not 1900 <= date.year <= dt.date.today().year or date > dt.date.today():
        raise ValueError(f"birth date {value!r} is out of range")
    if estimated:
        return date, DatePrecision.estimated
    precision = DatePrecision.exact if day else DatePrecision.month if month else DatePrecision.year
    return date, precision


def format_birth_date(date: dt.date | None, precision: DatePrecision | None) -> str | None:
    if date is None:
        return None
    if precision is DatePrecision.month:
        return f"{date.year:04d}-{date.month:02d}"
    if precision in (DatePrecision.year, DatePrecision.estimated):
        return f"{date.year:04d}"
    return date.isoformat()


class DocumentIn(BaseModel):
    model_config = INPUT

    type: DocumentType
    number: Text = Field(
        min_length=1,
        max_length=100,
        description="As written on the document; for `mrz`, its two or three lines",
    )
    issuing_country: CountryCode | None = None

    @model_validator(mode="after")
    def _one_line_unless_mrz(self) -> Self:
        if self.type is not DocumentType.mrz and any(c in self.number for c in "\r\n\t"):
            raise ValueError("number must be a single line (only an MRZ has several)")
        return self


class DocumentPublic(DocumentIn):
    id: int
    normalized: str | None = Field(description="The checked, normalised number; null if invalid")
    check_status: DocumentCheckStatus
    check_reason: str | None = Field(description="Why the number is invalid")


class Protection(BaseModel):
    """Health and protection details: visible to caseworkers and humanitarian agencies only."""

    model_config = INPUT

    vulnerabilities: list[Vulnerability] = Field(default_factory=list)
    notes: Text = Field("", max_length=4000)


class PersonBase(BaseModel):
    model_config = INPUT

    given_names: Line = Field(min_length=1, max_length=200)
    surname_1: Line | None = Field(None, max_length=100, description="First (paternal) surname")
    surname_2: Line | None = Field(None, max_length=100, description="Second (maternal) surname")
    birth_date: str | None = Field(
        None, description="YYYY-MM-DD, YYYY-MM or YYYY", examples=["1987-03-14", "1987"]
    )
    birth_date_estimated: StrictBool = Field(False, description="The year is an estimate")
    sex: Sex = Sex.unknown
    nationality: CountryCode | None = None
    encountered_at: Timestamp
    event_id: RecordId | None = Field(None, description="The event where the person was met")
    group_id: RecordId | None = Field(None, description="Family or travel group")
    relationship_to_group: Relationship | None = None

    @field_validator("birth_date")
    @classmethod
    def _valid_birth_date(cls, value: str | None) -> str | None:
        if value is not None:
            parse_birth_date(value)
        return value

    @model_validator(mode="after")
    def _relationship_needs_group(self) -> Self:
        if self.relationship_to_group is not None and self.group_id is None:
            raise ValueError("relationship_to_group is given without a group_id")
        return self


class PersonCreate(PersonBase):
    documents: list[DocumentIn] = Field(default_factory=list, max_length=10)
    sharing_level: SharingLevel = SharingLevel.national
    protection: Protection | None = None


class PersonPublic(BaseModel):
    id: int
    uid: str = Field(description="Global id: the same on both nodes")
    given_names: str
    surname_1: str | None
    surname_2: str | None
    birth_date: str | None
    birth_date_precision: DatePrecision | None
    sex: Sex
    nationality: str | None
    encountered_at: dt.datetime
    event_id: int | None
    group_id: int | None
    relationship_to_group: Relationship | None
    documents: list[DocumentPublic]
    reporting_agency: str
    sharing_level: SharingLevel
    origin_node: str
    version: int
    created_at: dt.datetime
    protection: Protection | None = Field(
        description="Present only for caseworkers and humanitarian agencies"
    )


class PersonPage(BaseModel):
    items: list[PersonPublic]
    next_cursor: str | None


class PersonFilters(BaseModel):
    uid: GlobalId | None = None
    event_id: int | None = Field(None, ge=1, le=MAX_ID)
    group_id: int | None = Field(None, ge=1, le=MAX_ID)
    nationality: CountryCode | None = None
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = None


class GroupCreate(BaseModel):
    model_config = INPUT

    kind: GroupKind
    label: Line = Field("", max_length=200)
    sharing_level: SharingLevel = SharingLevel.national


class GroupPublic(BaseModel):
    id: int
    uid: str = Field(description="Global id: the same on both nodes")
    kind: GroupKind
    label: str
    member_ids: list[int]
    reporting_agency: str
    sharing_level: SharingLevel
    origin_node: str
    version: int
