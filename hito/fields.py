"""Field types of the write API: JSON types are taken as declared, never coerced.

Query parameters are text by nature and stay lax; request bodies use these strict types so that
what the OpenAPI document says is exactly what the API accepts (no "5" for 5, no 0 for a date).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictFloat,
    StrictInt,
    model_validator,
)

MAX_ID = 2**31 - 1  # ids are 32-bit integers on PostgreSQL


_ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")


def _text_or_datetime(value: Any) -> Any:
    """Only ISO 8601 text (or a datetime): pydantic would also take numbers as Unix times."""
    if isinstance(value, dt.datetime) or (isinstance(value, str) and _ISO_8601.match(value)):
        return value
    raise ValueError(
        "must be an ISO 8601 date-time with a UTC offset, e.g. 2025-11-24T13:00:00-03:00"
    )


_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _text_or_date(value: Any) -> Any:
    """Only YYYY-MM-DD text (or a date): pydantic would also take numbers as Unix times."""
    if isinstance(value, dt.date) or (isinstance(value, str) and _ISO_DAY.match(value)):
        return value
    raise ValueError("must be a date, YYYY-MM-DD")


EARLIEST = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)
LATEST = dt.datetime(2200, 1, 1, tzinfo=dt.UTC)


def _plausible(value: dt.datetime) -> dt.datetime:
    """Within 1900–2200: every backend stores it, and it converts to UTC without overflow."""
    try:
        utc = value.astimezone(dt.UTC)
    except OverflowError:
        utc = None
    if utc is None or not EARLIEST <= utc < LATEST:
        raise ValueError("must be between 1900-01-01 and 2200-01-01 (UTC)")
    return value


Timestamp = Annotated[AwareDatetime, BeforeValidator(_text_or_datetime), AfterValidator(_plausible)]
Day = Annotated[dt.date, BeforeValidator(_text_or_date)]
RecordId = Annotated[StrictInt, Field(ge=1, le=MAX_ID)]
Count = Annotated[StrictInt, Field(ge=0, le=1_000_000)]
Latitude = Annotated[StrictFloat, Field(ge=-90, le=90, allow_inf_nan=False)]
Longitude = Annotated[StrictFloat, Field(ge=-180, le=180, allow_inf_nan=False)]

INPUT = ConfigDict(extra="forbid")

UUID_PATTERN = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
GlobalId = Annotated[
    str,
    Field(
        pattern=UUID_PATTERN,
        min_length=36,
        max_length=36,
        description="A record's global id (UUID), the same on both nodes",
        examples=["01967c3e-5b2a-7c4d-9e8f-0a1b2c3d4e5f"],
    ),
]


MAX_WINDOW = dt.timedelta(days=92)


class Window(BaseModel):
    """A window of time given as `from` and `to` (excluded): at most 92 days, counted in
    elapsed time (a daylight-saving change does not stretch or shrink it)."""

    model_config = INPUT

    start: Timestamp = Field(alias="from", description="from this time")
    end: Timestamp = Field(alias="to", description="until this time, excluded (≤ 92 days on)")

    @model_validator(mode="after")
    def _window(self) -> Self:
        if self.end <= self.start:
            raise ValueError("'to' must be after 'from'")
        if self.end.astimezone(dt.UTC) - self.start.astimezone(dt.UTC) > MAX_WINDOW:
            raise ValueError("at most 92 days at a time")
        return self
