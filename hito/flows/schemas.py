"""What flow monitoring's API takes and gives."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, Field, model_validator

from hito.countries import iso_alpha2
from hito.fields import INPUT, Count, Timestamp, Window
from hito.flows.models import CountKind, PointKind, Question
from hito.humanitarian.models import Need
from hito.places.schemas import Location
from hito.records import SharingLevel
from hito.text import Line

UNKNOWN = "XX"


def _country(value: str) -> str:
    return value if value == UNKNOWN else iso_alpha2(value)


Nationality = Annotated[str, Field(min_length=2, max_length=2), AfterValidator(_country)]


class FlowPointCreate(BaseModel):
    model_config = INPUT

    code: str = Field(min_length=2, max_length=32, pattern=r"^[A-Z0-9-]+$")
    name: Line = Field(min_length=1, max_length=200)
    kind: PointKind
    location: Location
    sharing_level: SharingLevel = SharingLevel.binational


class FlowPointPublic(BaseModel):
    id: int
    uid: str
    code: str
    name: str
    kind: PointKind
    country: str
    location: Location
    origin_node: str
    sharing_level: SharingLevel


class CellIn(BaseModel):
    model_config = INPUT

    sex: Literal["f", "m", "x"] = Field(description="f, m, or x when not recorded")
    age_group: Literal["children", "adults", "elderly"]
    nationality: Nationality = UNKNOWN
    people: Count


class AnswerIn(BaseModel):
    model_config = INPUT

    question: Question
    answer: str = Field(
        min_length=2,
        max_length=32,
        description="origin, destination: ISO alpha-2 country; need: a need of the "
        "humanitarian plan (medical, maternal, …) or none",
    )
    people: Count

    @model_validator(mode="after")
    def _known_answer(self) -> Self:
        if self.question is Question.need:
            if self.answer != "none" and self.answer not in {n.value for n in Need}:
                raise ValueError(f"{self.answer!r} is not a need of the humanitarian plan")
        else:
            self.answer = _country(self.answer)
        return self


class FlowCountCreate(BaseModel):
    """A count at a point: the total, its breakdown, and the tallies of a short survey."""

    model_config = INPUT

    kind: CountKind
    period_start: Timestamp
    period_end: Timestamp
    total: Count
    cells: list[CellIn] = Field(default_factory=list, max_length=500)
    surveyed: Count = 0
    answers: list[AnswerIn] = Field(default_factory=list, max_length=500)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.period_end < self.period_start:
            raise ValueError("period_end: before period_start")
        if self.period_end - self.period_start > dt.timedelta(days=31):
            raise ValueError("period_end: a count covers at most 31 days")
        if sum(c.people for c in self.cells) > self.total:
            raise ValueError("cells: more people in the breakdown than the total")
        if len({(c.sex, c.age_group, c.nationality) for c in self.cells}) < len(self.cells):
            raise ValueError("cells: a sex, age group and nationality appears twice")
        if self.surveyed > self.total:
            raise ValueError("surveyed: more than the total")
        for question in Question:
            given = [a for a in self.answers if a.question is question]
            if sum(a.people for a in given) > self.surveyed:
                raise ValueError(f"answers: more {question.value} answers than people surveyed")
            if len({a.answer for a in given}) < len(given):
                raise ValueError(f"answers: a {question.value} answer appears twice")
        return self


class FlowCountStored(BaseModel):
    id: int
    uid: str
    point: str
    kind: CountKind
    total: int


SummaryQuery = Window


class PointSummary(BaseModel):
    """A point's figures in a window. None: 1 to 4 people, suppressed."""

    point: str
    name: str
    kind: PointKind
    country: str
    present: int | None = Field(description="People at the point at its latest count")
    present_at: dt.datetime | None
    arrived: int | None
    departed: int | None
    by_sex_age: dict[str, int | None] = Field(description="'f children' → people")
    by_nationality: dict[str, int | None]
    surveyed: int | None
    answers: dict[str, dict[str, int | None]] = Field(description="question → answer → people")
