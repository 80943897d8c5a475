from __future__ import annotations

import datetime as dt
from typing import Literal, Self

from pydantic import BaseModel, Field, model_validator

from hito.countries import CountryCode
from hito.fields import INPUT, GlobalId, Timestamp
from hito.rfi.models import AnswerKind, SubjectKind
from hito.text import Line, Text


class Subject(BaseModel):
    """Who or what the question is about: only what the question needs (data minimisation)."""

    model_config = INPUT

    given_names: Line | None = Field(None, max_length=200)
    surnames: Line | None = Field(None, max_length=200)
    birth_date: Line | None = Field(None, max_length=10, pattern=r"^\d{4}(-\d{2}(-\d{2})?)?$")
    nationality: CountryCode | None = None
    document_type: Line | None = Field(None, max_length=32)
    document_number: Line | None = Field(None, max_length=100)
    issuing_country: CountryCode | None = None
    plate: Line | None = Field(None, max_length=20, description="Vehicle plate, as seen")
    vehicle: Line | None = Field(None, max_length=200, description="Make, model, colour")


class RequestCreate(BaseModel):
    model_config = INPUT

    subject_kind: SubjectKind
    subject: Subject
    reason: Text = Field(min_length=10, max_length=2000, description="Why the answer is needed")
    deadline: Timestamp = Field(description="When the answer is needed by")

    @model_validator(mode="after")
    def _subject_fits(self) -> Self:
        subject = self.subject
        if self.subject_kind is SubjectKind.person and not (
            subject.given_names or subject.surnames or subject.document_number
        ):
            raise ValueError("a question about a person needs names or a document number")
        if self.subject_kind is SubjectKind.document and not subject.document_number:
            raise ValueError("a question about a document needs its number")
        if self.subject_kind is SubjectKind.vehicle and not subject.plate:
            raise ValueError("a question about a vehicle needs its plate")
        return self


class RecordRef(BaseModel):
    model_config = INPUT

    type: str = Field(pattern=r"^[a-z_]{1,40}$", description="Record type, e.g. person")
    uid: GlobalId


class AnswerCreate(BaseModel):
    model_config = INPUT

    text: Text = Field(min_length=1, max_length=4000)
    records: list[RecordRef] = Field(
        default_factory=list,
        max_length=50,
        description="Records of this node that answer it (each must be shared under the agreement)",
    )


class Decline(BaseModel):
    model_config = INPUT

    reason: Text = Field(min_length=5, max_length=2000)


RequestState = Literal["open", "overdue", "answered", "declined"]


class AnswerPublic(BaseModel):
    kind: AnswerKind
    text: str
    records: list[RecordRef]
    agency: str
    origin_node: str
    answered_at: dt.datetime


class RequestPublic(BaseModel):
    id: int
    uid: str
    origin_node: str = Field(description="The asking country")
    target_node: str = Field(description="The country asked")
    direction: Literal["outbox", "inbox"] = Field(description="Sent by this node, or received")
    subject_kind: SubjectKind
    subject: Subject
    reason: str
    deadline: dt.datetime
    requesting_agency: str
    state: RequestState
    created_at: dt.datetime
    answer: AnswerPublic | None


class RequestFilters(BaseModel):
    box: Literal["inbox", "outbox", "all"] = "all"
    state: RequestState | None = None
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = Field(None, max_length=20)


class RequestPage(BaseModel):
    items: list[RequestPublic]
    next_cursor: str | None
