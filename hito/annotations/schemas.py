from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from hito.fields import INPUT, GlobalId
from hito.records import SharingLevel
from hito.text import Text


class AnnotationCreate(BaseModel):
    model_config = INPUT

    record_type: str = Field(pattern=r"^[a-z_]{1,40}$", description="event, person, group, …")
    record_uid: GlobalId
    text: Text = Field(min_length=1, max_length=4000)
    sharing_level: SharingLevel = Field(
        SharingLevel.national,
        description="Who on this node reads it: national (this country's agencies), "
        "binational (every user of this node), humanitarian. It never leaves this node.",
    )


class AnnotationPublic(BaseModel):
    id: int
    uid: str
    record_type: str
    record_uid: str
    text: str
    agency: str
    author: str | None
    sharing_level: SharingLevel
    created_at: dt.datetime
