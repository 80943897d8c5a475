"""Small helpers shared by every record type's wire form: times, codes, lookups."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Annotated, Any

from pydantic import AfterValidator, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.agencies.models import Agency
from hito.places.models import Sector

AgencyCode = Annotated[str, Field(pattern=r"^(CL|PE|INT)-[A-Z0-9-]{1,28}$")]


def iso(value: dt.datetime | None) -> str | None:
    """A time on the wire: ISO 8601 in UTC."""
    return None if value is None else value.astimezone(dt.UTC).isoformat()


def _aware(value: dt.datetime) -> dt.datetime:
    if value.tzinfo is None:
        raise ValueError("a time on the wire carries its UTC offset")
    return value


WireTime = Annotated[dt.datetime, AfterValidator(_aware)]


class Codes:
    """Agency and sector codes ↔ local ids, read once per batch (reference data)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        self._agencies: dict[int, str] | None = None
        self._sectors: dict[int, str] | None = None

    def _load(self) -> None:
        connection = self._session.connection()
        agency = Agency.__table__
        sector = Sector.__table__
        self._agencies = dict(connection.execute(select(agency.c.id, agency.c.code)).all())
        self._sectors = dict(connection.execute(select(sector.c.id, sector.c.code)).all())

    def agency(self, agency_id: int) -> str:
        if self._agencies is None:
            self._load()
        assert self._agencies is not None
        return self._agencies[agency_id]

    def agency_id(self, code: str) -> int:
        if self._agencies is None:
            self._load()
        assert self._agencies is not None
        for key, value in self._agencies.items():
            if value == code:
                return key
        raise ValueError(f"agency {code!r} is not in this node's catalogue")

    def sector(self, sector_id: int | None) -> str | None:
        if sector_id is None:
            return None
        if self._sectors is None:
            self._load()
        assert self._sectors is not None
        return self._sectors.get(sector_id)

    def sector_id(self, code: str | None) -> int | None:
        if code is None:
            return None
        if self._sectors is None:
            self._load()
        assert self._sectors is not None
        return next((k for k, v in self._sectors.items() if v == code), None)


def codes(session: Session) -> Codes:
    """One Codes per session transaction (kept in ``session.info``)."""
    found = session.info.get("hito.codes")
    if not isinstance(found, Codes):
        found = Codes(session)
        session.info["hito.codes"] = found
    return found


def uids_of(session: Session, model: type[Any], ids: Iterable[int | None]) -> dict[int, str]:
    """Local id → global id of records of ``model`` (for links written on the wire)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    table = model.__table__
    rows = session.connection().execute(
        select(table.c.id, table.c.uid).where(table.c.id.in_(wanted))
    )
    return {local_id: uid for local_id, uid in rows.all()}
