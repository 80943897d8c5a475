"""Bring a database to the current schema and seed its reference data (idempotent)."""

from __future__ import annotations

from hito.agencies import seed_agencies
from hito.auth.scoping import unscoped
from hito.db import make_engine, make_sessionmaker, session_scope
from hito.humanitarian.shelters import seed_profiles
from hito.migrate import upgrade
from hito.places import seed_places
from hito.settings import Settings


def prepare_database(settings: Settings) -> None:
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with session_scope(make_sessionmaker(engine)) as session, unscoped(session):
            seed_agencies(session)
            seed_places(session, node=settings.node)
            session.flush()
            seed_profiles(session, node=settings.node)
    finally:
        engine.dispose()
