from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, Field, model_validator

from hito.countries import CountryCode
from hito.fields import INPUT, MAX_ID, Day
from hito.identity.documents.types import DocumentType
from hito.identity.models import AlertKind, ReviewStatus, ScreeningVerdict
from hito.identity.screening.scoring import DEFAULT_THRESHOLD
from hito.people.models import Sex
from hito.text import Line, Text


class DocumentValidation(BaseModel):
    model_config = INPUT

    type: DocumentType = Field(description="cl-run, pe-dni, pe-ce, ve-cedula, co-cedula, mrz…")
    value: Text = Field(
        min_length=1,
        max_length=200,
        description="The number as written; for `mrz`, the two or three lines",
        examples=["12.345.678-5"],
    )


class MrzCheckPublic(BaseModel):
    field: str
    found: str
    expected: str
    ok: bool


class MrzPublic(BaseModel):
    format: str = Field(description="TD1, TD2 or TD3")
    document_code: str
    issuing_state: str
    document_number: str
    primary_identifier: str = Field(description="Surnames")
    secondary_identifier: str = Field(description="Given names")
    nationality: str
    birth_date: str | None
    sex: str
    expiry_date: str | None
    optional_data: list[str]
    checks: list[MrzCheckPublic]
    problems: list[str]
    valid: bool


class DocumentCheckPublic(BaseModel):
    type: DocumentType
    valid: bool
    normalized: str | None = Field(description="The normalised number, when valid")
    reason: str | None = Field(description="Why it is not valid: which digit, which field")
    field: str | None = Field(description="The part that failed: number, check_digit, an MRZ field")
    mrz: MrzPublic | None = Field(None, description="What the machine-readable zone says")

    @classmethod
    def of(cls, data: dict[str, Any]) -> DocumentCheckPublic:
        return cls.model_validate(data)


class ScreenedDocument(BaseModel):
    model_config = INPUT

    type: DocumentType | None = None
    number: Line = Field(min_length=1, max_length=100)


class ScreeningRequest(BaseModel):
    """The person to screen: any of these may be missing, but not all of them."""

    model_config = INPUT

    given_names: Line | None = Field(None, max_length=200)
    surnames: Line | None = Field(None, max_length=200, description="Both surnames, as written")
    birth_date: Line | None = Field(None, max_length=10, examples=["1987-03-14", "1987"])
    sex: Sex | None = None
    nationality: CountryCode | None = None
    documents: list[ScreenedDocument] = Field(default_factory=list, max_length=5)
    threshold: float = Field(
        DEFAULT_THRESHOLD, ge=0.0, le=1.0, description="Lowest match probability returned"
    )

    @model_validator(mode="after")
    def _something_to_screen(self) -> Self:
        if not (self.given_names or self.surnames or self.documents):
            raise ValueError("give at least names or a document to screen")
        return self


class FieldScorePublic(BaseModel):
    field: str
    level: str
    weight: float = Field(description="log2 Bayes factor: positive for, negative against")
    agrees: bool | None


class AlertEntryRef(BaseModel):
    id: int
    list_name: str
    kind: AlertKind
    reference: str
    origin_node: str


class ScreeningCandidate(BaseModel):
    entry: AlertEntryRef
    match_probability: float
    match_weight: float
    reason: str = Field(description="document: a listed document's number; person: the person")
    fields: list[FieldScorePublic]
    decision: ScreeningVerdict | None = Field(description="A screener's earlier verdict")


class ScreeningResult(BaseModel):
    subject_key: str = Field(description="Pseudonymous key of the person screened, for decisions")
    candidates: list[ScreeningCandidate]
    suppressed_false_positives: int = Field(
        description="Candidates left out: earlier judged false positives for this person"
    )
    list_entries: int


class ScreeningDecisionIn(BaseModel):
    model_config = INPUT

    subject_key: str = Field(pattern=r"^[0-9a-f]{64}$")
    alert_entry_id: int = Field(ge=1, le=MAX_ID)
    verdict: ScreeningVerdict
    note: Text = Field("", max_length=1000)


class ScreeningDecisionPublic(ScreeningDecisionIn):
    id: int
    decided_at: dt.datetime


class MatchField(BaseModel):
    field: str
    level: str
    weight: float


class PossibleMatch(BaseModel):
    person_id: int
    match_probability: float
    match_weight: float
    fields: list[MatchField]
    origin_node: str
    reviewed: ReviewStatus | None = Field(description="A reviewer's decision on this pair")


class PossibleMatches(BaseModel):
    person_id: int
    model_id: int
    candidates_scored: int
    items: list[PossibleMatch]


class ReviewPublic(BaseModel):
    id: int
    person_ids: list[int]
    match_probability: float
    match_weight: float
    fields: list[MatchField]
    status: ReviewStatus
    decided_at: dt.datetime | None
    note: str


class ReviewPage(BaseModel):
    items: list[ReviewPublic]
    next_cursor: str | None


class ReviewFilters(BaseModel):
    """Which queued pairs to list; a pair passes a filter when either of its persons does."""

    model_config = INPUT

    status: ReviewStatus = ReviewStatus.pending
    nationality: CountryCode | None = None
    sector: Line | None = Field(None, max_length=32, description="Code of the encounter's sector")
    encountered_from: Day | None = None
    encountered_to: Day | None = None
    min_probability: float = Field(0.0, ge=0.0, le=1.0)
    max_probability: float = Field(1.0, ge=0.0, le=1.0)
    limit: int = Field(50, ge=1, le=500)
    cursor: str | None = None

    @model_validator(mode="after")
    def _ranges(self) -> Self:
        if self.min_probability > self.max_probability:
            raise ValueError("min_probability is above max_probability")
        if self.encountered_from and self.encountered_to:
            if self.encountered_from > self.encountered_to:
                raise ValueError("encountered_from is after encountered_to")
        return self


class ReviewDecision(BaseModel):
    """A decision on a queued pair (`review_id`) or on any two persons (`person_ids`)."""

    model_config = INPUT

    review_id: int | None = Field(None, ge=1, le=MAX_ID)
    person_ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] | None = Field(
        None, min_length=2, max_length=2
    )
    decision: Literal["match", "non_match"]
    note: Text = Field("", max_length=1000)

    @model_validator(mode="after")
    def _one_target(self) -> Self:
        if (self.review_id is None) == (self.person_ids is None):
            raise ValueError("give either review_id or person_ids")
        if self.person_ids and self.person_ids[0] == self.person_ids[1]:
            raise ValueError("person_ids must be two different persons")
        return self
