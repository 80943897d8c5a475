from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from hito.agencies.catalogue import AGENCIES
from hito.agencies.models import Agency
from hito.exc import InvalidInput


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
