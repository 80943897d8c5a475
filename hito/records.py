"""What every shared record carries: its origin node, a version and a sharing level."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlalchemy import Enum, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from hito.db import UTCDateTime, utcnow


class SharingLevel(enum.StrEnum):
    """Who may read a record besides its origin country (decided in ``hito.auth.scope``)."""

    national = "national"
    binational = "binational"
    humanitarian = "humanitarian"


def str_enum(cls: type[enum.StrEnum], name: str) -> Enum:
    """Store enums by value, as portable VARCHAR + CHECK on every backend."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
    )


class SharedRecord:
    """Mixin: origin node, optimistic-lock version, sharing level and timestamps."""

    origin_node: Mapped[str] = mapped_column(String(2))
    version: Mapped[int] = mapped_column(Integer, default=1)
    sharing_level: Mapped[SharingLevel] = mapped_column(str_enum(SharingLevel, "sharing_level"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}
