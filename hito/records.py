"""What every shared record carries: a global id, its origin node, a version, a sharing level.

Records written on this node have ``origin_node`` = the node and no ``audience``; records
received from a peer keep the origin's ``uid``, ``origin_node`` and ``version``, and carry the
``audience`` the sharing agreement gives them on this side. Who reads what is decided from these
columns in one place, ``hito.auth.scope``, and applied by the session (``hito.auth.scoping``).
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, ClassVar

import uuid_utils
from sqlalchemy import Enum, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from hito.db import UTCDateTime, utcnow


class SharingLevel(enum.StrEnum):
    """Who may read a record besides its origin country (decided in ``hito.auth.scope``)."""

    national = "national"
    binational = "binational"
    humanitarian = "humanitarian"


class Audience(enum.StrEnum):
    """Who, on the receiving node, reads a record received from the peer (set by the agreement)."""

    all = "all"
    security = "security"  # police, investigations and immigration
    humanitarian = "humanitarian"  # humanitarian agencies and caseworkers


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


def new_uid() -> str:
    """A global record id: a UUIDv7 (RFC 9562), time-ordered, as 36 characters of text."""
    return str(uuid_utils.uuid7())


class Scoped:
    """Mixin: the columns who-reads-what is decided from (origin node, sharing level, audience).

    Every :class:`SharedRecord` is scoped. So are the rows that belong to a shared record and
    that queries read on their own (a crossing's hourly counts, a plan's assignments): they
    carry copies of their parent's three columns, kept equal by the service that writes them
    and by the exchange that stores them, so that the session's scope applies to them too.
    """

    # for rows of a shared record: the record type they travel with (their parent's)
    shared_as: ClassVar[str | None] = None

    origin_node: Mapped[str] = mapped_column(String(2))
    sharing_level: Mapped[SharingLevel] = mapped_column(str_enum(SharingLevel, "sharing_level"))
    audience: Mapped[Audience | None] = mapped_column(str_enum(Audience, "audience"))


class SharedRecord(Scoped):
    """Mixin: global id, origin node, optimistic-lock version, sharing level, audience, times."""

    uid: Mapped[str] = mapped_column(String(36), unique=True, default=new_uid)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.version}


class ProtectedDetail:
    """Mixin marking a table of health and protection details.

    The session returns its rows only to caseworkers and humanitarian agencies (``hito.auth.
    scoping``) and audits every read of them (``hito.audit.reads``): no service can forget.
    """
