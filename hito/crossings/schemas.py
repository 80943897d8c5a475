"""What the API and the CLI take and give for a crossing's counts and its queue."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, Field, StrictInt, model_validator

from hito.countries import iso_alpha2
from hito.crossings.models import Category, Direction
from hito.fields import INPUT, Count, Timestamp, Window
from hito.text import Line

UNKNOWN_NATIONALITY = "XX"
MAX_HOURS = 24 * 31  # one feed holds at most a month of hours
Booths = Annotated[StrictInt, Field(ge=0, le=200)]


def _whole_hour(value: dt.datetime) -> dt.datetime:
    if value.minute or value.second or value.microsecond:
        raise ValueError("must be the start of an hour, e.g. 2025-11-22T14:00:00-03:00")
    return value


def _nationality(value: str) -> str:
    return value if value == UNKNOWN_NATIONALITY else iso_alpha2(value)


Hour = Annotated[Timestamp, AfterValidator(_whole_hour)]
Nationality = Annotated[
    str,
    Field(min_length=2, max_length=2, description="ISO 3166-1 alpha-2; XX when not known"),
    AfterValidator(_nationality),
]


class CountIn(BaseModel):
    model_config = INPUT

    direction: Direction
    category: Category
    nationality: Nationality = UNKNOWN_NATIONALITY
    count: Count


class HourIn(BaseModel):
    """One hour at the crossing: its counts, and the immigration booths open each way."""

    model_config = INPUT

    hour: Hour
    booths_entry: Booths | None = None
    booths_exit: Booths | None = None
    counts: list[CountIn] = Field(max_length=2000)

    @model_validator(mode="after")
    def _one_row_per_cell(self) -> Self:
        seen: set[tuple[str, str, str]] = set()
        for row in self.counts:
            cell = (row.direction.value, row.category.value, row.nationality)
            if cell in seen:
                raise ValueError(f"{'/'.join(cell)} is counted twice in the hour {self.hour}")
            seen.add(cell)
        return self


class CountsFeed(BaseModel):
    """Hours of counts for one crossing point; an hour already held is replaced whole."""

    model_config = INPUT

    source: Line = Field("", max_length=100, description="Where the figures come from")
    hours: list[HourIn] = Field(min_length=1, max_length=MAX_HOURS)

    @model_validator(mode="after")
    def _each_hour_once(self) -> Self:
        seen: set[dt.datetime] = set()
        for item in self.hours:
            utc = item.hour.astimezone(dt.UTC)
            if utc in seen:
                raise ValueError(f"the hour {item.hour} appears twice")
            seen.add(utc)
        return self


class CountsStored(BaseModel):
    crossing: str
    hours_added: int
    hours_replaced: int
    counts: int


class SideCount(BaseModel):
    """One category's count through the crossing in one hour, as each side recorded it."""

    hour: dt.datetime
    travel: str = Field(description="Direction of travel between the nodes, e.g. CL→PE")
    category: Category
    counts: dict[str, int | None] = Field(description="Node → its count (None: not reported)")
    difference: int | None = Field(description="Leaving side minus arriving side")


class HourWait(BaseModel):
    """The queue at the immigration booths in one hour and one direction (M/M/c)."""

    hour: dt.datetime
    direction: Direction
    arrivals: int = Field(description="People at the booths in the hour")
    load_erlangs: float = Field(description="Booth-hours of work the hour brought")
    booths_open: int | None
    utilisation: float | None
    wait_probability: float | None = Field(description="Share of people who queue at all")
    mean_wait_minutes: float | None = Field(description="None: over capacity, or booths unknown")
    over_target_probability: float | None
    booths_needed: int = Field(description="Fewest booths keeping the mean wait under target")


class WaitReport(BaseModel):
    crossing: str
    target_wait_minutes: float
    service_seconds: dict[str, float]
    hours: list[HourWait]


WindowQuery = Window


class WaitQuery(WindowQuery):
    target_minutes: float | None = Field(
        None, ge=1, le=1440, description="Target mean wait (default: the service-time data's)"
    )
