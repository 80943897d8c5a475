from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.agencies.catalogue import AGENCIES
from hito.agencies.models import Agency
from hito.exc import Forbidden, InvalidInput


def seed_agencies(session: Session) -> int:
    """Insert the catalogue's agencies that are missing; return how many were added."""
    existing = set(session.scalars(select(Agency.code)))
    added = 0
    for code, name, name_en, country, kind in AGENCIES:
        if code not in existing:
            session.add(Agency(code=code, name=name, name_en=name_en, country=country, kind=kind))
            added += 1
    session.flush()
    return added


def list_agencies(session: Session) -> list[Agency]:
    return list(session.scalars(select(Agency).order_by(Agency.code)))


def agency_by_code(session: Session, *, code: str) -> Agency:
    agency = session.scalar(select(Agency).where(Agency.code == code.upper()))
    if agency is None:
        known = ", ".join(c for c, *_ in AGENCIES)
        raise InvalidInput(f"unknown agency code {code!r}; known codes: {known}")
    return agency


def agency_codes(session: Session) -> dict[int, str]:
    """Agency id → code, to show records without joining every row."""
    return {key: value for key, value in session.execute(select(Agency.id, Agency.code))}


def writing_agency_id(session: Session, *, code: str) -> int:
    """Id of the agency a new record is reported by; only known agencies write."""
    agency_id = session.scalar(select(Agency.id).where(Agency.code == code))
    if agency_id is None:
        raise Forbidden("records can only be written by a user of a known agency")
    return agency_id
